"""What the connected client can do, read once from its ``initialize`` capabilities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ClientFeatures"]


def _get(obj: Any, *names: str) -> Any:
    """Follow members of JSON objects, stopping at the first that is missing."""
    for name in names:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(name)
    return obj


def _prefers_markdown(formats: Any) -> bool:
    """Whether the client's first supported markup format is Markdown."""
    for kind in formats if isinstance(formats, list) else ():
        if kind == "markdown":
            return True
        if kind == "plaintext":
            return False
    return False


@dataclass(frozen=True, slots=True)
class ClientFeatures:
    """The client capabilities the server's behaviour depends on."""

    pull_diagnostics: bool = False
    """The client pulls diagnostics (``textDocument/diagnostic``): never push to it."""
    diagnostic_refresh: bool = False
    """The client honours ``workspace/diagnostic/refresh``."""
    configuration: bool = False
    """The client answers ``workspace/configuration``."""
    watched_files: bool = False
    """The client watches files for the server if asked (``didChangeWatchedFiles``)."""
    snippets: bool = False
    """Completion items may be snippets."""
    hover_markdown: bool = False
    """Hover text is rendered as Markdown."""
    document_changes: bool = False
    """Workspace edits may use versioned ``documentChanges``."""
    hierarchical_symbols: bool = False
    """Document symbols may nest (``DocumentSymbol``)."""
    folding_limit: int | None = None
    """The most folding ranges the client wants."""

    @classmethod
    def of(cls, caps: Any) -> ClientFeatures:
        """Read the capabilities that matter to Layerwise from ``initialize`` (as JSON)."""
        text = _get(caps, "textDocument")
        workspace = _get(caps, "workspace")
        return cls(
            pull_diagnostics=_get(text, "diagnostic") is not None,
            diagnostic_refresh=bool(_get(workspace, "diagnostics", "refreshSupport")),
            configuration=bool(_get(workspace, "configuration")),
            watched_files=bool(_get(workspace, "didChangeWatchedFiles",
                                    "dynamicRegistration")),
            snippets=bool(_get(text, "completion", "completionItem", "snippetSupport")),
            hover_markdown=_prefers_markdown(_get(text, "hover", "contentFormat")),
            document_changes=bool(_get(workspace, "workspaceEdit", "documentChanges")),
            hierarchical_symbols=bool(_get(text, "documentSymbol",
                                           "hierarchicalDocumentSymbolSupport")),
            folding_limit=_limit(_get(text, "foldingRange", "rangeLimit")),
        )


def _limit(value: Any) -> int | None:
    """A count the client gave (``None`` when it gave none, or not a number)."""
    return value if type(value) is int else None
