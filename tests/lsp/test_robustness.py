"""Robustness: unknown documents, positions out of range, malformed requests, junk, huge files,
and handlers that fail. The server must answer (a result or an error) and keep serving."""

from __future__ import annotations

import random
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcMethodNotFound
from pytest_lsp import ClientServerConfig, LanguageClient

from .helpers import (
    BROKEN,
    SERVER_COMMAND,
    RecordingClient,
    Workspace,
    change_document,
    codes,
    diagnostics,
    doc_id,
    make_client,
    open_document,
    pos,
    pull,
    pulls,
    raw_notify,
    raw_request,
    wait_for_publish,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROFILES = ["vscode", "neovim"]


@pytest_lsp.fixture(
    scope="module",
    params=PROFILES,
    config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client),
)
async def sturdy(request: pytest.FixtureRequest, lsp_client: LanguageClient,
                 workspace: Workspace):
    """A server of this module's own, so that abuse cannot disturb the other tests."""
    from .helpers import start_session

    await start_session(lsp_client, request.param, workspace)
    yield
    await lsp_client.shutdown_session()


async def assert_alive(client: RecordingClient) -> None:
    """The server still analyses documents and answers requests."""
    uri = open_document(client, BROKEN)
    assert codes(await diagnostics(client, uri, 1)) == ["LW001", "LW006"]
    assert await client.text_document_hover_async(types.HoverParams(
        text_document=doc_id(uri), position=pos(0, 1))) is not None


async def every_request(client: RecordingClient, uri: str, at: types.Position) -> list[object]:
    """Send every position-based request Layerwise serves; return the results."""
    ident = doc_id(uri)
    return [
        await client.text_document_hover_async(types.HoverParams(text_document=ident,
                                                                 position=at)),
        await client.text_document_completion_async(types.CompletionParams(
            text_document=ident, position=at)),
        await client.text_document_definition_async(types.DefinitionParams(
            text_document=ident, position=at)),
        await client.text_document_references_async(types.ReferenceParams(
            text_document=ident, position=at,
            context=types.ReferenceContext(include_declaration=True))),
        await client.text_document_document_highlight_async(types.DocumentHighlightParams(
            text_document=ident, position=at)),
        await client.text_document_prepare_rename_async(types.PrepareRenameParams(
            text_document=ident, position=at)),
        await client.text_document_document_symbol_async(types.DocumentSymbolParams(
            text_document=ident)),
        await client.text_document_folding_range_async(types.FoldingRangeParams(
            text_document=ident)),
    ]


async def test_unknown_document(sturdy: RecordingClient) -> None:
    uri = sturdy.workspace.new_uri() if sturdy.workspace else "file:///nowhere/Dockerfile"
    assert await every_request(sturdy, uri, pos(0, 0)) == [None] * 8
    assert await sturdy.text_document_rename_async(types.RenameParams(
        text_document=doc_id(uri), position=pos(0, 0), new_name="x")) is None
    if pulls(sturdy):
        report = await pull(sturdy, uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert list(report.items) == []
    change_document(sturdy, uri, 2, (0, 0), (0, 0), "FROM x\n")  # ignored, logged
    await assert_alive(sturdy)


async def test_positions_past_the_end(sturdy: RecordingClient) -> None:
    uri = open_document(sturdy, "FROM alpine:3.20 AS build\nRUN make\n")
    await diagnostics(sturdy, uri, 1)
    for at in (pos(0, 10_000), pos(10_000, 0), pos(10_000, 10_000), pos(1, 8)):
        await every_request(sturdy, uri, at)  # answers without an error
    # An edit past the end of the file lands at its end.
    change_document(sturdy, uri, 2, (50, 3), (60, 0), 'CMD ["a", 1]\n')
    (item,) = await diagnostics(sturdy, uri, 2)
    assert item.code == "LW001" and item.range.start.line == 2
    await assert_alive(sturdy)


async def test_malformed_requests(sturdy: RecordingClient) -> None:
    uri = open_document(sturdy, BROKEN)
    await diagnostics(sturdy, uri, 1)
    with pytest.raises(JsonRpcException) as bad:
        await raw_request(sturdy, "textDocument/hover", {"textDocument": 5})
    assert bad.value.code == -32602 and "textDocument/hover" in bad.value.message
    with pytest.raises(JsonRpcException) as bad:
        await raw_request(sturdy, "textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": "one", "character": None}})
    assert bad.value.code == -32602
    with pytest.raises(JsonRpcMethodNotFound):
        await raw_request(sturdy, "layerwise/noSuchMethod", {})
    # A notification with bad parameters is dropped (and logged); nothing to answer.
    raw_notify(sturdy, "textDocument/didChange", {"textDocument": {"uri": uri}})
    await assert_alive(sturdy)


def junk(seed: int, size: int, *, nul: bool) -> str:
    """Deterministic junk: control characters, separators, wide and unpaired characters."""
    rng = random.Random(seed)
    alphabet = [chr(c) for c in range(1, 128)] + [
        "\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\u2029", "\r", "\r\n", "\\", "😀", "中",
        "\udcff", "\ud800", "\ufeff", "<<EOF", "${", '["', "FROM ", "RUN ", "\t"]
    text = "".join(rng.choice(alphabet) for _ in range(size))
    return ("\x00" + text) if nul else text.replace("\x00", "")


async def test_binary_junk(sturdy: RecordingClient) -> None:
    binary = open_document(sturdy, junk(1, 4000, nul=True))
    items = await diagnostics(sturdy, binary, 1)
    assert any(d.code == "LW001" and "binary file" in d.message for d in items)
    await every_request(sturdy, binary, pos(3, 3))

    uri = open_document(sturdy, junk(2, 3000, nul=False))
    await diagnostics(sturdy, uri, 1)
    rng = random.Random(3)
    for version in range(2, 12):  # edits anywhere, even inside surrogate pairs
        start = (rng.randrange(40), rng.randrange(80))
        end = (start[0] + rng.randrange(3), rng.randrange(80))
        change_document(sturdy, uri, version, start, end, junk(version, 20, nul=False))
    await diagnostics(sturdy, uri, 11)
    await every_request(sturdy, uri, pos(5, 5))
    await assert_alive(sturdy)


async def test_huge_document(sturdy: RecordingClient) -> None:
    text = "FROM alpine:3.20\n" + "RUN echo " + "x" * (9 * 1024 * 1024) + "\n"
    uri = open_document(sturdy, text)
    items = await diagnostics(sturdy, uri, 1)
    assert any(d.code == "LW001" and "larger than" in d.message for d in items)
    assert await sturdy.text_document_hover_async(types.HoverParams(
        text_document=doc_id(uri), position=pos(1, 5))) is None
    await assert_alive(sturdy)


async def test_pathological_nesting(sturdy: RecordingClient) -> None:
    # Deeply nested ${A:-${B:-...}} once blew the analyser's recursion limit: whatever the
    # analyser does with it, the server answers and keeps serving.
    uri = open_document(sturdy, "FROM alpine\nARG A=" + "${B:-" * 3000 + "}" * 3000 + "\n")
    await diagnostics(sturdy, uri, 1)
    await every_request(sturdy, uri, pos(1, 10))
    await assert_alive(sturdy)


# A server whose hover feature always fails and whose folding feature fails on one document.
_BROKEN_FEATURES = """
import sys
import layerwise.features.hover as hover
import layerwise.features.symbols as symbols
from layerwise.cli import main

def failing_hover(*args, **kwargs):
    raise ZeroDivisionError("hover broke")

real_folding = symbols.folding_ranges
def folding(analysis):
    if "fold-fails" in analysis.dockerfile.text:
        raise RuntimeError("folding broke")
    return real_folding(analysis)

hover.hover = failing_hover
symbols.folding_ranges = folding
sys.exit(main(["--stdio"]))
"""


@pytest_lsp.fixture(
    params=["vscode"],
    config=ClientServerConfig(server_command=[sys.executable, "-c", _BROKEN_FEATURES],
                              client_factory=make_client),
)
async def failing(request: pytest.FixtureRequest, lsp_client: LanguageClient,
                  workspace: Workspace):
    """A server with features that raise."""
    from .helpers import start_session

    await start_session(lsp_client, request.param, workspace)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio(loop_scope="function")
async def test_a_failing_handler_answers_with_an_error(failing: RecordingClient) -> None:
    uri = open_document(failing, "# fold-fails\n# twice\nFROM alpine\n")
    await wait_for_publish(failing, uri, lambda p: p.version == 1)
    with pytest.raises(JsonRpcInternalError, match="hover broke"):
        await failing.text_document_hover_async(types.HoverParams(
            text_document=doc_id(uri), position=pos(2, 1)))
    with pytest.raises(JsonRpcInternalError, match="folding broke"):
        await failing.text_document_folding_range_async(types.FoldingRangeParams(
            text_document=doc_id(uri)))
    other = open_document(failing, "# fine\n# here\nFROM alpine\n")
    await wait_for_publish(failing, other, lambda p: p.version == 1)
    found = await failing.text_document_folding_range_async(types.FoldingRangeParams(
        text_document=doc_id(other)))
    assert [(r.start_line, r.end_line) for r in found or []] == [(0, 1)]
    assert failing.messages == []  # errors are answered and logged, not shown to the user
