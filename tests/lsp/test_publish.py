"""Pushed diagnostics: the JSON a finding was last published with is reused only where a fresh
conversion gives the same, and the message is the one pygls writes for the typed notification."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from lsprotocol import types

from layerwise.lsp import wire
from layerwise.lsp.documents import Change, Document
from layerwise.lsp.handlers.diagnostics import text_document_diagnostic
from layerwise.lsp.server import LayerwiseServer, create_server
from layerwise.rules.base import Finding

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


def _typed(server: LayerwiseServer, doc: Document, finding: Finding) -> types.Diagnostic:
    """A finding's diagnostic as an lsprotocol object."""
    return server.from_json(wire.diagnostic_json(doc, finding), types.Diagnostic)


def _expected(server: LayerwiseServer, version: int | None) -> str:
    """The notification pygls would send for the current findings, converted afresh."""
    doc = server.documents.get(URI)
    assert doc is not None
    params = types.PublishDiagnosticsParams(
        uri=URI, version=version,
        diagnostics=[_typed(server, doc, f) for f in server.documents.findings(doc)])
    return json.dumps(server.to_json(types.PublishDiagnosticsNotification(
        method="textDocument/publishDiagnostics", params=params, jsonrpc="2.0")))


class _Wire:
    """Stands for stdout: checks each message's framing and keeps its JSON."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    def write(self, data: bytes) -> None:
        header, _, body = data.partition(b"\r\n\r\n")
        length = re.search(rb"Content-Length: (\d+)", header)
        assert length is not None and int(length[1]) == len(body)
        self.messages.append(json.loads(body))

    def close(self) -> None:
        pass


def _server() -> tuple[LayerwiseServer, list[Any]]:
    """A server writing to a :class:`_Wire`; the list of messages it sent."""
    server = create_server()
    wire = _Wire()
    server.protocol.set_writer(wire)
    return server, wire.messages


async def test_every_publish_matches_a_fresh_conversion() -> None:
    server, sent = _server()
    doc = server.documents.open(URI, 1, TEXT)
    server.diagnostics.opened(doc)
    assert len(sent[-1]["params"]["diagnostics"]) >= 4
    assert json.dumps(sent[-1]) == _expected(server, 1)
    edits = [
        Change((4, 8, 4, 8), "x"),  # one stage changes; the findings of the others stay
        Change((0, 0, 0, 0), "# moved\n"),  # every finding moves one line down
        Change((9, 4, 9, 4), 'echo "😀中" && '),  # non-ASCII text before a finding
        Change((0, 0, 1, 0), ""),  # and back up
        Change((3, 0, 3, 0), ""),  # nothing changes
    ]
    for version, change in enumerate(edits, start=2):
        server.documents.change(URI, version, [change])
        server.diagnostics.changed(doc)
        await asyncio.sleep(0)  # the publish runs when the loop is free
        assert json.dumps(sent[-1]) == _expected(server, version)
    assert len(sent) == 1 + len(edits)


def test_closing_clears_with_the_typed_message() -> None:
    server, sent = _server()
    server.diagnostics.closed(URI)
    typed = types.PublishDiagnosticsNotification(
        method="textDocument/publishDiagnostics",
        params=types.PublishDiagnosticsParams(uri=URI, diagnostics=[]), jsonrpc="2.0")
    assert json.dumps(sent) == json.dumps([server.to_json(typed)])


async def test_a_pulled_report_is_the_typed_one_on_the_wire() -> None:
    server, sent = _server()
    doc = server.documents.open(URI, 1, TEXT)
    params = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI))
    for _ in range(2):  # converted, then reused
        report = await text_document_diagnostic(server, params)
        server.protocol._send_response(1, report)  # as pygls sends the handler's result
        typed = types.RelatedFullDocumentDiagnosticReport(
            items=[_typed(server, doc, f) for f in server.documents.findings(doc)],
            result_id=json.loads(report)["resultId"])
        assert len(typed.items) >= 4
        assert json.dumps(sent[-1]) == json.dumps(server.to_json(
            types.DocumentDiagnosticResponse(id=1, result=typed, jsonrpc="2.0")))
