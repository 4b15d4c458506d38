"""Text synchronisation: open, change (incremental), save, close."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from . import lifecycle

if TYPE_CHECKING:
    from ..server import LayerwiseServer


def text_document_did_open(ls: LayerwiseServer, params: types.DidOpenTextDocumentParams) -> None:
    """Track the document and publish its diagnostics at once."""
    lifecycle.check_config_files(ls, params.text_document.uri)
    doc = ls.documents.open(params.text_document)
    ls.diagnostics.opened(doc)


def text_document_did_change(ls: LayerwiseServer,
                             params: types.DidChangeTextDocumentParams) -> None:
    """Apply the edits; diagnostics follow when the loop is free."""
    doc = ls.documents.change(params)
    if doc is not None:
        ls.diagnostics.changed(doc)


def text_document_did_save(ls: LayerwiseServer, params: types.DidSaveTextDocumentParams) -> None:
    """Re-read build contexts and, unless the client watches them, config files."""
    ls.documents.forget_contexts()
    if not ls.settings.watched:
        lifecycle.reload_config_files(ls)
    doc = ls.documents.get(params.text_document.uri)
    if doc is not None:
        ls.diagnostics.changed(doc)


def text_document_did_close(ls: LayerwiseServer,
                            params: types.DidCloseTextDocumentParams) -> None:
    """Forget the document and clear its diagnostics."""
    ls.documents.close(params.text_document.uri)
    ls.diagnostics.closed(params.text_document.uri)


def register(server: LayerwiseServer) -> None:
    """Register the text synchronisation handlers."""
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(text_document_did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(text_document_did_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE,
                   types.SaveOptions(include_text=False))(text_document_did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(text_document_did_close)
