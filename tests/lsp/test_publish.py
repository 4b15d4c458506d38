"""Pushed diagnostics: the JSON a finding was last published with is reused only where a fresh
conversion gives the same, and the message is the one pygls writes for the typed notification."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from lsprotocol import types

from layerwise.lsp import convert
from layerwise.lsp.handlers.diagnostics import text_document_diagnostic
from layerwise.lsp.server import LayerwiseServer, create_server

URI = "file:///nowhere/Dockerfile"
# Findings in three stages, one with related information (LW306), one line with non-ASCII text.
TEXT = """FROM alpine:3.20 AS deps
RUN apt-get update && apt-get install -y curl
ENV API_TOKEN=s3cr3tvalue123456
FROM deps AS build
RUN wget https://example.com/x.tar.gz && tar xzf x.tar.gz
COPY . /src
FROM alpine:3.20
COPY --from=build /src /app
RUN apt-get update && apt-get install -y git
"""


def _expected(server: LayerwiseServer, version: int | None) -> str:
    """The notification pygls would send for the current findings, converted afresh."""
    doc = server.documents.get(URI)
    assert doc is not None
    params = types.PublishDiagnosticsParams(
        uri=URI, version=version,
        diagnostics=[convert.diagnostic(doc, f) for f in server.documents.findings(doc)])
    return json.dumps(server.to_json(types.PublishDiagnosticsNotification(
        method="textDocument/publishDiagnostics", params=params, jsonrpc="2.0")))


def _change(line: int, col: int, end_line: int, end_col: int, text: str,
            ) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(line, col), types.Position(end_line, end_col)),
        text=text)


async def test_every_publish_matches_a_fresh_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    server = create_server()
    sent: list[Any] = []
    monkeypatch.setattr(server.protocol, "_send_data", sent.append)
    doc = server.documents.open(types.TextDocumentItem(
        uri=URI, language_id="dockerfile", version=1, text=TEXT))
    server.diagnostics.opened(doc)
    assert len(sent[-1]["params"]["diagnostics"]) >= 4
    assert json.dumps(sent[-1]) == _expected(server, 1)
    edits = [
        _change(4, 8, 4, 8, "x"),  # one stage changes; the findings of the others stay
        _change(0, 0, 0, 0, "# moved\n"),  # every finding moves one line down
        _change(9, 4, 9, 4, 'echo "😀中" && '),  # non-ASCII text before a finding
        _change(0, 0, 1, 0, ""),  # and back up
        _change(3, 0, 3, 0, ""),  # nothing changes
    ]
    for version, change in enumerate(edits, start=2):
        server.documents.change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
            content_changes=[change]))
        server.diagnostics.changed(doc)
        await asyncio.sleep(0)  # the publish runs when the loop is free
        assert json.dumps(sent[-1]) == _expected(server, version)
    assert len(sent) == 1 + len(edits)


def test_closing_clears_with_the_typed_message(monkeypatch: pytest.MonkeyPatch) -> None:
    server = create_server()
    sent: list[Any] = []
    monkeypatch.setattr(server.protocol, "_send_data", sent.append)
    server.diagnostics.closed(URI)
    typed = types.PublishDiagnosticsNotification(
        method="textDocument/publishDiagnostics",
        params=types.PublishDiagnosticsParams(uri=URI, diagnostics=[]), jsonrpc="2.0")
    assert json.dumps(sent) == json.dumps([server.to_json(typed)])


async def test_a_pulled_report_is_the_typed_one_on_the_wire() -> None:
    server = create_server()
    doc = server.documents.open(types.TextDocumentItem(
        uri=URI, language_id="dockerfile", version=1, text=TEXT))
    params = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI))
    for _ in range(2):  # converted, then reused
        report = await text_document_diagnostic(server, params)
        assert isinstance(report, dict)
        typed = types.RelatedFullDocumentDiagnosticReport(
            items=[convert.diagnostic(doc, f) for f in server.documents.findings(doc)],
            result_id=report["resultId"])
        assert len(typed.items) >= 4
        sent = types.DocumentDiagnosticResponse(  # as pygls sends the handler's result
            id=1, result=report, jsonrpc="2.0")  # type: ignore[arg-type]
        assert json.dumps(server.to_json(sent)) == json.dumps(server.to_json(
            types.DocumentDiagnosticResponse(id=1, result=typed, jsonrpc="2.0")))
