"""Definition, references, document highlight and rename of stages and ARG/ENV names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from .. import convert

if TYPE_CHECKING:
    from ..server import LayerwiseServer

#: LSP's ``RequestFailed``: the request was valid but cannot be carried out (a refused rename).
REQUEST_FAILED = -32803


class RequestFailed(JsonRpcException):
    """An LSP ``RequestFailed`` error; its message is shown to the user."""

    CODE = REQUEST_FAILED
    MESSAGE = "Request failed"


def text_document_definition(ls: LayerwiseServer,
                             params: types.DefinitionParams) -> list[types.Location] | None:
    """Where the stage or variable under the cursor is defined."""
    from ...features.navigation import definition

    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    spans = definition(ls.documents.analysis(doc),
                       convert.from_lsp_position(doc, params.position))
    return [convert.location(doc, span) for span in spans] or None


def text_document_references(ls: LayerwiseServer,
                             params: types.ReferenceParams) -> list[types.Location] | None:
    """Every use of the stage or variable under the cursor."""
    from ...features.navigation import references

    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    spans = references(ls.documents.analysis(doc),
                       convert.from_lsp_position(doc, params.position),
                       params.context.include_declaration)
    return [convert.location(doc, span) for span in spans] or None


def text_document_document_highlight(
        ls: LayerwiseServer,
        params: types.DocumentHighlightParams) -> list[types.DocumentHighlight] | None:
    """Highlight the occurrences of the name under the cursor (definitions are writes)."""
    from ...features.navigation import highlights

    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    found = highlights(ls.documents.analysis(doc),
                       convert.from_lsp_position(doc, params.position))
    return [convert.highlight(doc, span, kind) for span, kind in found] or None


def text_document_prepare_rename(
        ls: LayerwiseServer,
        params: types.PrepareRenameParams) -> types.PrepareRenamePlaceholder | None:
    """The name that a rename at the cursor would change, or ``None`` (nothing to rename)."""
    from ...features.navigation import prepare_rename

    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    found = prepare_rename(ls.documents.analysis(doc),
                           convert.from_lsp_position(doc, params.position))
    if found is None:
        return None
    span, placeholder = found
    return types.PrepareRenamePlaceholder(range=convert.to_range(doc, span),
                                          placeholder=placeholder)


def text_document_rename(ls: LayerwiseServer,
                         params: types.RenameParams) -> types.WorkspaceEdit | None:
    """Rename the stage or variable under the cursor everywhere; refuse with a message."""
    from ...features.navigation import RenameError, rename

    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    try:
        edits = rename(ls.documents.analysis(doc),
                       convert.from_lsp_position(doc, params.position), params.new_name)
    except RenameError as exc:
        raise RequestFailed(getattr(exc, "message", None) or str(exc)) from None
    if not edits:
        return None
    return convert.workspace_edit(doc, doc.version, edits,
                                  document_changes=ls.client.document_changes)


def register(server: LayerwiseServer) -> None:
    """Register navigation and rename."""
    server.feature(types.TEXT_DOCUMENT_DEFINITION)(text_document_definition)
    server.feature(types.TEXT_DOCUMENT_REFERENCES)(text_document_references)
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)(text_document_document_highlight)
    server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)(text_document_prepare_rename)
    server.feature(types.TEXT_DOCUMENT_RENAME,
                   types.RenameOptions(prepare_provider=True))(text_document_rename)
