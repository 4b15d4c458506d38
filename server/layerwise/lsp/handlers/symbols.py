"""Document symbols (stages with their instructions) and folding ranges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from .. import convert

if TYPE_CHECKING:
    from ..server import LayerwiseServer


def text_document_document_symbol(
        ls: LayerwiseServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
    """The outline: stages, each with its instructions (flattened for old clients)."""
    from ...features.symbols import document_symbols

    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    symbols = [convert.document_symbol(doc, s)
               for s in document_symbols(ls.documents.analysis(doc))]
    if ls.client.hierarchical_symbols:
        return symbols
    flat: list[types.SymbolInformation] = []

    def walk(items: list[types.DocumentSymbol], container: str | None) -> None:
        for item in items:
            flat.append(types.SymbolInformation(
                name=item.name, kind=item.kind, container_name=container,
                location=types.Location(uri=doc.uri, range=item.range)))
            walk(list(item.children or ()), item.name)

    walk(symbols, None)
    return flat


def text_document_folding_range(
        ls: LayerwiseServer,
        params: types.FoldingRangeParams) -> list[types.FoldingRange] | None:
    """Foldable stages, multi-line instructions, heredocs and comment blocks."""
    from ...features.symbols import folding_ranges

    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    ranges = [convert.folding_range(r)
              for r in folding_ranges(ls.documents.analysis(doc))
              if r.end_line > r.start_line]
    limit = ls.client.folding_limit
    return ranges[:limit] if limit is not None else ranges


def register(server: LayerwiseServer) -> None:
    """Register symbols and folding."""
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(text_document_document_symbol)
    server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)(text_document_folding_range)
