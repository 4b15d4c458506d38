"""Text synchronisation: open, change (incremental), save, close.

An ignore file the client sends is tracked (a fix that edits it starts from the editor's text)
but never analysed as a Dockerfile; build contexts follow the ignore files on disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from .. import json_params
from ..documents import is_ignore_file
from . import lifecycle

if TYPE_CHECKING:
    from ..server import LayerwiseServer


def text_document_did_open(ls: LayerwiseServer, params: types.DidOpenTextDocumentParams) -> None:
    """Track the document and publish its diagnostics at once."""
    item = params.text_document
    lifecycle.check_config_files(ls, item.uri)
    doc = ls.documents.open(item.uri, item.version, item.text, item.language_id)
    ls.diagnostics.opened(doc)


def text_document_did_change(ls: LayerwiseServer, params: Any) -> None:
    """Apply the edits (``params`` as JSON, see :meth:`LayerwiseServer.json_notification`);
    diagnostics follow once every message received is handled.

    An edited ignore file re-reads the build contexts from disk if the client does not watch it.
    """
    change = json_params.did_change(params)
    doc = ls.documents.change(change.uri, change.version, change.changes)
    if doc is None:
        return
    if not is_ignore_file(doc.uri):
        ls.diagnostics.changed(doc)
    elif not ls.settings.watched:
        lifecycle.reload_build_contexts(ls)


def text_document_did_save(ls: LayerwiseServer, params: types.DidSaveTextDocumentParams) -> None:
    """Re-read build contexts and, unless the client watches them, config files.

    A saved ignore file re-lints every document if the client does not watch it.
    """
    uri = params.text_document.uri
    if is_ignore_file(uri):
        if not ls.settings.watched:
            lifecycle.reload_build_contexts(ls)
        return
    ls.documents.forget_contexts()
    if not ls.settings.watched:
        lifecycle.reload_config_files(ls)
    doc = ls.documents.get(uri)
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
    server.json_notification(types.TEXT_DOCUMENT_DID_CHANGE, text_document_did_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE,
                   types.SaveOptions(include_text=False))(text_document_did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(text_document_did_close)
