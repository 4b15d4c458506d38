"""Completion and hover end to end, in Markdown/snippet clients and in a plain-text client."""

from __future__ import annotations

import pytest
from lsprotocol import types

from .helpers import RecordingClient, doc_id, open_document, pos, units

pytestmark = pytest.mark.asyncio(loop_scope="session")

TEXT = (
    "FROM alpine:3.20 AS build\n"          # 0
    "RUN make\n"                           # 1
    "FROM golang:1.22 AS tools\n"          # 2
    "FROM alpine:3.20\n"                   # 3
    "COPY --chown=😀中 --from= /out /out\n"  # 4: the cursor goes after `--from=`
    "\n"                                   # 5
)
COPY_LINE = TEXT.splitlines()[4]
AFTER_FROM = COPY_LINE.index("--from=") + len("--from=")


async def complete(client: RecordingClient, uri: str,
                   position: types.Position) -> list[types.CompletionItem]:
    """Completion items at a position."""
    found = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc_id(uri), position=position))
    if isinstance(found, types.CompletionList):
        return list(found.items)
    return list(found or [])


async def hover(client: RecordingClient, uri: str,
                position: types.Position) -> types.Hover | None:
    """The hover at a position."""
    return await client.text_document_hover_async(types.HoverParams(
        text_document=doc_id(uri), position=position))


async def test_stage_names_after_from_flag(client: RecordingClient) -> None:
    uri = open_document(client, TEXT)
    cursor = pos(4, units(client, COPY_LINE[:AFTER_FROM]))
    items = await complete(client, uri, cursor)
    assert [i.label for i in items] == ["tools", "build", "1", "0"]  # closest stage first
    tools = items[0]
    assert tools.kind == types.CompletionItemKind.Module
    assert tools.detail == "FROM golang:1.22 (line 3)"
    assert tools.text_edit == types.TextEdit(range=types.Range(cursor, cursor), new_text="tools")
    assert tools.insert_text_format == types.InsertTextFormat.PlainText
    assert [i.sort_text for i in items] == sorted(i.sort_text or "" for i in items)


async def test_instruction_snippets_at_line_start(client: RecordingClient) -> None:
    uri = open_document(client, TEXT)
    items = {i.label: i for i in await complete(client, uri, pos(5, 0))}
    add = items["ADD"]
    assert add.kind == types.CompletionItemKind.Keyword
    assert add.insert_text_format == types.InsertTextFormat.Snippet  # both profiles support them
    assert isinstance(add.text_edit, types.TextEdit) and "${1" in add.text_edit.new_text


async def test_hover_on_a_stage_shows_the_graph(client: RecordingClient) -> None:
    uri = open_document(client, TEXT)
    found = await hover(client, uri, pos(0, 22))
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    assert found.contents.kind == types.MarkupKind.Markdown
    assert "**Stage** `build`" in found.contents.value
    assert "```text" in found.contents.value
    assert found.range == types.Range(pos(0, 20), pos(0, 25))


async def test_hover_on_nothing(client: RecordingClient) -> None:
    uri = open_document(client, TEXT)
    assert await hover(client, uri, pos(5, 0)) is None


@pytest.mark.asyncio(loop_scope="function")
@pytest.mark.parametrize("fresh_client", ["plain"], indirect=True)
async def test_plain_text_client(fresh_client: RecordingClient) -> None:
    client = fresh_client
    uri = open_document(client, TEXT)

    found = await hover(client, uri, pos(0, 22))
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    assert found.contents.kind == types.MarkupKind.PlainText
    assert "Stage build" in found.contents.value and "**" not in found.contents.value

    items = {i.label: i for i in await complete(client, uri, pos(5, 0))}
    add = items["ADD"]
    assert add.insert_text_format == types.InsertTextFormat.PlainText
    assert isinstance(add.text_edit, types.TextEdit) and "$" not in add.text_edit.new_text

    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=doc_id(uri)))
    assert symbols and all(isinstance(s, types.SymbolInformation) for s in symbols)
    names = [(s.name, s.container_name) for s in symbols if isinstance(s, types.SymbolInformation)]
    assert ("build", None) in names and ("RUN", "build") in names
