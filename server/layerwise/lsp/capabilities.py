"""What the connected client can do, read once from its ``initialize`` capabilities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ClientFeatures", "get"]


def get(obj: Any, *names: str) -> Any:
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
        text = get(caps, "textDocument")
        workspace = get(caps, "workspace")
        return cls(
            pull_diagnostics=get(text, "diagnostic") is not None,
            diagnostic_refresh=bool(get(workspace, "diagnostics", "refreshSupport")),
            configuration=bool(get(workspace, "configuration")),
            watched_files=bool(get(workspace, "didChangeWatchedFiles",
                                    "dynamicRegistration")),
            snippets=bool(get(text, "completion", "completionItem", "snippetSupport")),
            hover_markdown=_prefers_markdown(get(text, "hover", "contentFormat")),
            document_changes=bool(get(workspace, "workspaceEdit", "documentChanges")),
            hierarchical_symbols=bool(get(text, "documentSymbol",
                                           "hierarchicalDocumentSymbolSupport")),
            folding_limit=_limit(get(text, "foldingRange", "rangeLimit")),
        )


def _limit(value: Any) -> int | None:
    """A count the client gave (``None`` when it gave none, or not a number)."""
    return value if type(value) is int else None
