"""Definition, references, highlights, rename, symbols and folding, end to end."""

from __future__ import annotations

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from .helpers import RecordingClient, diagnostics, doc_id, open_document, pos, units

pytestmark = pytest.mark.asyncio(loop_scope="session")

# The `--from=build` on line 8 comes after an emoji and CJK on the same line.
TEXT = (
    "ARG BASE=alpine:3.20\n"            # 0
    "FROM ${BASE} AS build\n"           # 1
    "RUN make \\\n"                     # 2
    "    all\n"                         # 3
    "\n"                                # 4
    "FROM build AS test\n"              # 5
    "RUN make test\n"                   # 6
    "FROM alpine:3.20\n"                # 7
    "COPY --chown=😀中 --from=build /out /out\n"  # 8
)
COPY_LINE = TEXT.splitlines()[8]


def at(client: RecordingClient, line: int, text: str, needle: str, offset: int = 0
       ) -> types.Position:
    """The position of ``needle`` (plus ``offset`` code points) on a line, in client units."""
    col = text.index(needle) + offset
    return pos(line, units(client, text[:col]))


def span(client: RecordingClient, line: int, text: str, needle: str) -> types.Range:
    """The range of ``needle`` on a line, in client units."""
    start = text.index(needle)
    return types.Range(pos(line, units(client, text[:start])),
                       pos(line, units(client, text[:start + len(needle)])))


@pytest_asyncio.fixture(loop_scope="session")
async def document(client: RecordingClient) -> str:
    """A fresh copy of TEXT, opened (its diagnostics received, so it is analysed)."""
    uri = open_document(client, TEXT)
    await diagnostics(client, uri, 1)
    return uri


def build_ranges(client: RecordingClient) -> list[types.Range]:
    """Where `build` is written: its AS, then `FROM build`, then `--from=build`."""
    return [types.Range(pos(1, 16), pos(1, 21)), types.Range(pos(5, 5), pos(5, 10)),
            span(client, 8, COPY_LINE, "build")]


async def test_definition_of_a_stage_reference(client: RecordingClient, document: str) -> None:
    found = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc_id(document), position=at(client, 8, COPY_LINE, "build", 2)))
    assert found == [types.Location(uri=document, range=build_ranges(client)[0])]


async def test_definition_of_a_variable(client: RecordingClient, document: str) -> None:
    found = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc_id(document), position=pos(1, 8)))
    assert found == [types.Location(uri=document, range=types.Range(pos(0, 4), pos(0, 8)))]


async def test_references_with_and_without_declaration(client: RecordingClient,
                                                       document: str) -> None:
    ranges = build_ranges(client)
    for include, expected in ((True, ranges), (False, ranges[1:])):
        found = await client.text_document_references_async(types.ReferenceParams(
            text_document=doc_id(document), position=pos(5, 7),
            context=types.ReferenceContext(include_declaration=include)))
        assert [loc.range for loc in found or []] == expected
        assert {loc.uri for loc in found or []} == {document}


async def test_document_highlight_marks_the_definition_as_write(client: RecordingClient,
                                                                document: str) -> None:
    found = await client.text_document_document_highlight_async(types.DocumentHighlightParams(
        text_document=doc_id(document), position=pos(1, 18)))
    assert [(h.range, h.kind) for h in found or []] == list(zip(
        build_ranges(client), [types.DocumentHighlightKind.Write,
                               types.DocumentHighlightKind.Read,
                               types.DocumentHighlightKind.Read], strict=True))


async def test_prepare_rename(client: RecordingClient, document: str) -> None:
    found = await client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=doc_id(document), position=at(client, 8, COPY_LINE, "build")))
    assert found == types.PrepareRenamePlaceholder(range=build_ranges(client)[2],
                                                   placeholder="build")
    nothing = await client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=doc_id(document), position=pos(6, 1)))
    assert nothing is None


async def test_rename_a_stage_everywhere(client: RecordingClient, document: str) -> None:
    edit = await client.text_document_rename_async(types.RenameParams(
        text_document=doc_id(document), position=pos(5, 6), new_name="builder"))
    assert edit is not None
    if edit.document_changes is not None:  # VS Code: versioned edits
        (change,) = edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.uri == document and change.text_document.version == 1
        edits = list(change.edits)
    else:
        assert edit.changes is not None
        edits = list(edit.changes[document])
    assert sorted((e.range.start.line, e.range.start.character, e.new_text) for e in edits) == [
        (r.start.line, r.start.character, "builder") for r in build_ranges(client)]
    assert [e.range for e in sorted(edits, key=lambda e: e.range.start.line)] == \
        build_ranges(client)


async def test_rename_refused_with_a_message(client: RecordingClient, document: str) -> None:
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_rename_async(types.RenameParams(
            text_document=doc_id(document), position=pos(1, 18), new_name="test"))
    assert refused.value.code == -32803
    assert "already exists" in refused.value.message
    with pytest.raises(JsonRpcException, match="not a valid stage name"):
        await client.text_document_rename_async(types.RenameParams(
            text_document=doc_id(document), position=pos(1, 18), new_name="Bad Name"))


async def test_document_symbols_nest_by_stage(client: RecordingClient, document: str) -> None:
    found = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=doc_id(document)))
    assert found is not None
    assert all(isinstance(s, types.DocumentSymbol) for s in found)
    symbols = [s for s in found if isinstance(s, types.DocumentSymbol)]
    assert [(s.name, s.kind) for s in symbols] == [
        ("ARG", types.SymbolKind.Function), ("build", types.SymbolKind.Module),
        ("test", types.SymbolKind.Module), ("stage 2", types.SymbolKind.Module)]
    build = symbols[1]
    assert build.range == types.Range(pos(1, 0), pos(3, 7))
    assert build.selection_range == types.Range(pos(1, 16), pos(1, 21))
    assert [c.name for c in build.children or []] == ["RUN"]
    (copy,) = symbols[3].children or []
    assert copy.range.end == pos(8, units(client, COPY_LINE))


async def test_folding_ranges(client: RecordingClient, document: str) -> None:
    found = await client.text_document_folding_range_async(types.FoldingRangeParams(
        text_document=doc_id(document)))
    assert [(r.start_line, r.end_line) for r in found or []] == [(1, 3), (2, 3), (5, 6), (7, 8)]
    assert {r.kind for r in found or []} == {types.FoldingRangeKind.Region}
