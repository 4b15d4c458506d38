"""Reports over findings: text (with code frames), JSON, SARIF and GitHub annotations."""

from __future__ import annotations

#: Where a rule's documentation page lives (the same address as ``lsp.convert.RULE_DOCS_URL``,
#: repeated here so that the command line does not import the LSP types).
RULE_DOCS_URL = "https://github.com/layerwise-dev/layerwise/blob/main/docs/rules/{id}.md"

#: The project's home page, for reports that name the tool.
HOME_URL = "https://github.com/layerwise-dev/layerwise"


def rule_docs_url(rule_id: str) -> str:
    """The documentation page of a rule."""
    return RULE_DOCS_URL.format(id=rule_id)
