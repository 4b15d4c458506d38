"""Diagnostics end to end: pushed with versions or pulled, never both; edits; encodings."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcMethodNotFound

from layerwise.rules.catalog import rule_docs_url

from .helpers import (
    BROKEN,
    RecordingClient,
    change_document,
    close_document,
    codes,
    diagnostics,
    open_document,
    pull,
    pulls,
    units,
    wait_for_publish,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_broken_file_reports_lw001_and_lw006(client: RecordingClient) -> None:
    uri = open_document(client, BROKEN)
    items = await diagnostics(client, uri, 1)
    assert codes(items) == ["LW001", "LW006"]
    lw001, lw006 = items
    assert lw001.range == types.Range(types.Position(1, 4), types.Position(1, 12))
    assert lw001.severity == types.DiagnosticSeverity.Error
    assert lw001.source == "layerwise"
    assert lw001.code_description is not None
    assert lw001.code_description.href == rule_docs_url("LW001")
    assert lw001.data == {"id": "LW001", "name": "parse-error", "fix": False}
    assert lw006.range == types.Range(types.Position(2, 4), types.Position(2, 9))
    assert lw006.data["name"] == "unterminated-heredoc"


async def test_push_or_pull_never_both(client: RecordingClient) -> None:
    provider = client.init_result.capabilities.diagnostic_provider if client.init_result else None
    uri = open_document(client, BROKEN)
    if pulls(client):
        assert provider is not None
        report = await pull(client, uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert codes(list(report.items)) == ["LW001", "LW006"]
        assert client.published == []  # nothing was ever pushed to this client
    else:
        assert provider is None
        params = await wait_for_publish(client, uri)
        assert params.version == 1
        with pytest.raises(JsonRpcMethodNotFound):
            await pull(client, uri)


async def test_reports_follow_the_text(client: RecordingClient) -> None:
    uri = open_document(client, BROKEN)
    if not pulls(client):
        await wait_for_publish(client, uri, lambda p: p.version == 1)
        change_document(client, uri, 2, (1, 10), (1, 11), '"1"')
        params = await wait_for_publish(client, uri, lambda p: p.version == 2)
        assert codes(list(params.diagnostics)) == ["LW006"]
        return
    first = await pull(client, uri)
    assert isinstance(first, types.RelatedFullDocumentDiagnosticReport) and first.result_id
    again = await pull(client, uri, previous=first.result_id)
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    change_document(client, uri, 2, (1, 10), (1, 11), '"1"')
    after = await pull(client, uri, previous=first.result_id)
    assert isinstance(after, types.RelatedFullDocumentDiagnosticReport)
    assert codes(list(after.items)) == ["LW006"]


async def test_typing_character_by_character(client: RecordingClient) -> None:
    uri = open_document(client, "FROM alpine:3.20\n")
    await diagnostics(client, uri, 1)
    typed = 'CMD ["a", 1]'
    version = 1
    for col, char in enumerate(typed):
        version += 1
        change_document(client, uri, version, (1, col), (1, col), char)
        await diagnostics(client, uri, version)
    items = await diagnostics(client, uri, version)
    assert codes(items) == ["LW001"]
    assert items[0].range == types.Range(types.Position(1, 4), types.Position(1, 12))
    if not pulls(client):
        mine = [p for p in client.published if p.uri == uri]
        assert [p.version for p in mine] == list(range(1, version + 1))
        assert mine[-1].version == version


async def test_burst_of_edits_never_publishes_an_outdated_version(
        client: RecordingClient) -> None:
    uri = open_document(client, "FROM alpine:3.20\nRUN echo\n")
    await diagnostics(client, uri, 1)
    start = len(client.published)
    text = 'CMD ["a", 1]\n'
    for i, char in enumerate(text):
        change_document(client, uri, 2 + i, (2, i), (2, i), char)
    last = 1 + len(text)
    items = await diagnostics(client, uri, last)
    assert codes(items) == ["LW001"]
    if not pulls(client):
        versions = [p.version for p in client.published[start:] if p.uri == uri]
        assert versions == sorted(versions) and versions[-1] == last
        assert len(versions) <= len(text)


async def test_whole_document_change(client: RecordingClient) -> None:
    uri = open_document(client, BROKEN)
    await diagnostics(client, uri, 1)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="FROM alpine\n")]))
    assert await diagnostics(client, uri, 2) == []


async def test_close_clears_pushed_diagnostics(client: RecordingClient) -> None:
    uri = open_document(client, BROKEN)
    assert await diagnostics(client, uri, 1)
    before = len(client.published)
    close_document(client, uri)
    if pulls(client):
        report = await pull(client, uri)  # the server no longer knows the document
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert list(report.items) == []
    else:
        cleared = await wait_for_publish(client, uri, after=before)
        assert list(cleared.diagnostics) == [] and cleared.version is None


def _expect(client: RecordingClient, line_no: int, line: str, start: int,
            end: int) -> types.Range:
    """The range of code points ``[start, end)`` of ``line`` in the client's units."""
    return types.Range(types.Position(line_no, units(client, line[:start])),
                       types.Position(line_no, units(client, line[:end])))


async def test_wide_characters_before_the_error(client: RecordingClient) -> None:
    # Emoji (2 UTF-16 units, 4 UTF-8 bytes) and CJK (1 unit, 3 bytes) before the ends of ranges.
    cmd = 'CMD ["😀中文", 1]'
    run = "RUN echo 😀中文 && cat <<EOF"
    uri = open_document(client, f"FROM alpine:3.20\n{cmd}\n{run}\nhi\n")
    lw001, lw006 = await diagnostics(client, uri, 1)
    assert (lw001.code, lw006.code) == ("LW001", "LW006")
    assert lw001.range == _expect(client, 1, cmd, 4, len(cmd))
    assert lw006.range == _expect(client, 2, run, run.index("<<EOF"), len(run))
    if client.profile == "vscode":  # UTF-16: the emoji counts 2, each CJK character 1
        assert lw006.range == types.Range(types.Position(2, 21), types.Position(2, 26))
    else:  # UTF-8 was negotiated: 4 bytes for the emoji, 3 for each CJK character
        assert lw006.range == types.Range(types.Position(2, 27), types.Position(2, 32))


async def test_incremental_edit_after_wide_characters(client: RecordingClient) -> None:
    # The client addresses the edit in its own units; the server must apply it in the right place.
    line = 'LABEL x="😀中" y="1"'
    uri = open_document(client, f"FROM alpine:3.20\n{line}\n")
    assert await diagnostics(client, uri, 1) == []
    value = line.index('"1"')
    change_document(client, uri, 2, (1, units(client, line[:value])),
                    (1, units(client, line[:value + 3])), '"2"')
    assert await diagnostics(client, uri, 2) == []
    cmd = 'CMD ["😀中", 1]'
    change_document(client, uri, 3, (1, 0), (1, units(client, line)), cmd)
    (item,) = await diagnostics(client, uri, 3)
    assert item.range == _expect(client, 1, cmd, 4, len(cmd))


async def test_form_feed_does_not_split_lines(client: RecordingClient) -> None:
    # Python's str.splitlines() breaks at \x0c; LSP and BuildKit do not.
    uri = open_document(client, 'FROM alpine:3.20\nLABEL a="x\x0cy"\nCMD ["a", 1]\n')
    (item,) = await diagnostics(client, uri, 1)
    assert item.range == types.Range(types.Position(2, 4), types.Position(2, 12))
    change_document(client, uri, 2, (2, 10), (2, 11), '"1"')
    assert await diagnostics(client, uri, 2) == []


async def test_tags_related_information_and_fix_data(client: RecordingClient) -> None:
    text = ("FROM alpine:3.20 AS tools\nMAINTAINER me\n"
            "FROM alpine:3.20 AS tools\nRUN echo\n"
            "FROM alpine:3.20 AS unused\nFROM alpine:3.20\n")
    uri = open_document(client, text)
    items = {str(d.code): d for d in await diagnostics(client, uri, 1, prefix="LW")}
    deprecated, duplicate, unused = items["LW404"], items["LW104"], items["LW106"]
    assert list(deprecated.tags or ()) == [types.DiagnosticTag.Deprecated]
    assert list(unused.tags or ()) == [types.DiagnosticTag.Unnecessary]
    assert unused.data["fix"] is True and unused.data["name"] == "unused-stage"
    assert unused.range == types.Range(types.Position(4, 20), types.Position(4, 26))
    (related,) = duplicate.related_information or []
    assert related.location == types.Location(
        uri=uri, range=types.Range(types.Position(0, 20), types.Position(0, 25)))
    assert "first defined here" in related.message
