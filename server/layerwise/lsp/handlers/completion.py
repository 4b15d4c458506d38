"""Completion: stage names after ``--from=``, flags, instructions, variables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from .. import convert, offer

if TYPE_CHECKING:
    from ..server import LayerwiseServer

def text_document_completion(ls: LayerwiseServer,
                             params: types.CompletionParams) -> dict[str, Any] | None:
    """Complete at the cursor (a ``CompletionList`` in JSON form, which pygls passes on)."""
    from ...features import completion as feature

    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    pos = convert.from_lsp_position(doc, params.position)
    snippets = ls.client.snippets
    entries = feature.complete(ls.documents.analysis(doc), pos, snippets=snippets)
    return convert.completion_list(doc, entries, snippets=snippets)


def register(server: LayerwiseServer) -> None:
    """Register completion."""
    server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(
        trigger_characters=offer.TRIGGER_CHARACTERS, resolve_provider=False))(
        text_document_completion)
