"""Hover: the stage graph on stage names, docs on keywords and flags, values of variables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from .. import convert

if TYPE_CHECKING:
    from ..server import LayerwiseServer


def text_document_hover(ls: LayerwiseServer, params: types.HoverParams) -> types.Hover | None:
    """Describe what is under the cursor, in the client's preferred markup."""
    from ...features import hover as feature

    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    markdown = ls.client.hover_markdown
    result = feature.hover(ls.documents.analysis(doc), convert.from_lsp_position(
        doc, params.position), markdown=markdown)
    return convert.hover(doc, result, markdown=markdown) if result is not None else None


def register(server: LayerwiseServer) -> None:
    """Register hover."""
    server.feature(types.TEXT_DOCUMENT_HOVER)(text_document_hover)
