"""What the connected client can do, read once from its ``initialize`` capabilities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lsprotocol import types

__all__ = ["ClientFeatures"]


def _get(obj: Any, *names: str) -> Any:
    """Follow attributes, stopping at the first ``None``."""
    for name in names:
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


def _prefers_markdown(formats: Any) -> bool:
    """Whether the client's first supported markup format is Markdown."""
    for kind in formats or ():
        if kind in (types.MarkupKind.Markdown, "markdown"):
            return True
        if kind in (types.MarkupKind.PlainText, "plaintext"):
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
    def of(cls, caps: types.ClientCapabilities | None) -> ClientFeatures:
        """Read the capabilities that matter to Layerwise."""
        text = _get(caps, "text_document")
        workspace = _get(caps, "workspace")
        return cls(
            pull_diagnostics=_get(text, "diagnostic") is not None,
            diagnostic_refresh=bool(_get(workspace, "diagnostics", "refresh_support")),
            configuration=bool(_get(workspace, "configuration")),
            watched_files=bool(_get(workspace, "did_change_watched_files",
                                    "dynamic_registration")),
            snippets=bool(_get(text, "completion", "completion_item", "snippet_support")),
            hover_markdown=_prefers_markdown(_get(text, "hover", "content_format")),
            document_changes=bool(_get(workspace, "workspace_edit", "document_changes")),
            hierarchical_symbols=bool(_get(text, "document_symbol",
                                           "hierarchical_document_symbol_support")),
            folding_limit=_get(text, "folding_range", "range_limit"),
        )
