"""The server process on the wire: framing, exit codes, logs, bad JSON, CLI entry points, TCP.

These tests write a whole session to the server's stdin and read everything it writes until it
exits (closing stdin ends a session), so nothing waits on a timer.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from .helpers import BROKEN, make_client

LAYERWISE = [sys.executable, "-m", "layerwise"]
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"processId": None, "rootUri": None, "capabilities": {}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "initialized", "params": {}}
SHUTDOWN = {"jsonrpc": "2.0", "id": 99, "method": "shutdown"}
EXIT = {"jsonrpc": "2.0", "method": "exit"}


def frame(message: dict[str, Any] | bytes) -> bytes:
    """One message with its Content-Length header."""
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def run(messages: list[dict[str, Any] | bytes], args: list[str] | None = None,
        ) -> tuple[int, list[dict[str, Any]], str]:
    """Run a server over a whole scripted session; return exit code, messages and stderr."""
    data = b"".join(frame(m) for m in messages)
    proc = subprocess.run(LAYERWISE + (args if args is not None else ["--stdio"]), input=data,
                          capture_output=True, timeout=60, check=False)
    return proc.returncode, parse(proc.stdout), proc.stderr.decode("utf-8", "replace")


def parse(stdout: bytes) -> list[dict[str, Any]]:
    """Split stdout into messages, failing on anything that is not a well-formed frame."""
    messages = []
    rest = stdout
    while rest:
        header, sep, rest = rest.partition(b"\r\n\r\n")
        assert sep, f"stdout holds something that is not an LSP message: {header[:200]!r}"
        match = re.search(rb"Content-Length: (\d+)", header)
        assert match, f"no Content-Length in {header!r}"
        length = int(match.group(1))
        body, rest = rest[:length], rest[length:]
        messages.append(json.loads(body))
    return messages


def response(messages: list[dict[str, Any]], msg_id: int | None) -> dict[str, Any]:
    """The response with this id."""
    (found,) = [m for m in messages if "method" not in m and m.get("id", "absent") == msg_id]
    return found


def test_session_over_a_pipe() -> None:
    # A bare `layerwise` with piped stdin serves; bad JSON and bad parameters get errors and
    # the session goes on to a clean exit.
    bad = {"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover",
           "params": {"textDocument": 5}}
    code, messages, stderr = run([INITIALIZE, INITIALIZED, b"{not json", bad, SHUTDOWN, EXIT],
                                 args=[])
    assert code == 0 and "Expecting property name" in stderr  # logged,
    assert "answered InvalidParams: invalid parameters for textDocument/hover" in stderr
    assert "Traceback" not in stderr  # in one line each
    assert response(messages, 1)["result"]["serverInfo"]["name"] == "layerwise"
    parse_error = response(messages, None)["error"]
    assert parse_error["code"] == -32700 and "not JSON" in parse_error["message"]
    invalid = response(messages, 7)["error"]
    assert invalid["code"] == -32602
    assert "textDocument/hover" in invalid["message"] and "position" in invalid["message"]
    assert response(messages, 99) == {"jsonrpc": "2.0", "id": 99, "result": None}


def _opened(uri: str, text: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}}


def _changed(uri: str, version: Any, changes: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": version}, "contentChanges": changes}}


def _typed(line: int, character: int, text: str) -> dict[str, Any]:
    """An incremental change inserting ``text`` at one position."""
    at = {"line": line, "character": character}
    return {"range": {"start": at, "end": at}, "text": text}


def _published(messages: list[dict[str, Any]]) -> list[tuple[int, list[str]]]:
    """The version and the syntax rules' codes (LW0) of each diagnostics notification."""
    return [(m["params"]["version"], [d["code"] for d in m["params"]["diagnostics"]
                                      if d["code"].startswith("LW0")])
            for m in messages if m.get("method") == "textDocument/publishDiagnostics"]


def test_a_burst_of_edits_is_checked_once_at_its_last_version(tmp_path: Path) -> None:
    # The whole session reaches the server at once: the edits are applied one by one, and
    # diagnostics are published once, for the last version (the end of input ends the session).
    uri = (tmp_path / "Dockerfile").as_uri()
    typing = [_changed(uri, version, [_typed(1, n, char)])
              for n, (version, char) in enumerate(enumerate('CMD ["a", 1]', start=2))]
    code, messages, _ = run([INITIALIZE, INITIALIZED, _opened(uri, "FROM alpine\n"), *typing])
    assert code == 0
    assert _published(messages) == [(1, []), (len(typing) + 1, ["LW001"])]


def test_malformed_edits_are_dropped_and_logged(tmp_path: Path) -> None:
    uri = (tmp_path / "Dockerfile").as_uri()
    fix = {"range": {"start": {"line": 1, "character": 10}, "end": {"line": 1, "character": 11}},
           "text": '"1"'}  # CMD ["a", 1] -> CMD ["a", "1"]
    malformed = [
        {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": None},
        _changed(uri, 2, {"text": "x"}),
        _changed(uri, "2", [fix]),
        _changed(uri, 2, [{"text": 5}]),
        _changed(uri, 2, [fix, {"range": {"start": {"line": -1, "character": 0},
                                          "end": {"line": 0, "character": 0}}, "text": "x"}]),
        _changed(uri, 2, [{"range": {"start": {"line": 0}, "end": {"line": 0, "character": 0}},
                           "text": "x"}]),
    ]
    code, messages, stderr = run([INITIALIZE, INITIALIZED,
                                  _opened(uri, 'FROM a\nCMD ["a", 1]\n'), *malformed,
                                  _changed(uri, 2, [fix])])
    assert code == 0
    assert _published(messages) == [(1, ["LW001"]), (2, [])]
    for detail in ("params: expected an object", "params.contentChanges: expected an array",
                   "params.textDocument.version: expected an integer",
                   "params.contentChanges[0].text: expected a string",
                   "params.contentChanges[1].range.start.line: expected an integer",
                   "params.contentChanges[0].range.start.character: required field missing"):
        assert f"invalid parameters for textDocument/didChange: {detail}" in stderr
    # After shutdown, edits are ignored too.
    code, _, stderr = run([INITIALIZE, INITIALIZED, SHUTDOWN, _changed(uri, 3, [fix]), EXIT])
    assert code == 0
    assert "ignoring textDocument/didChange: the server is shutting down" in stderr


def test_framing_in_small_pieces_and_from_a_file(tmp_path: Path) -> None:
    # Headers in any case, with other headers or none that counts (dropped), and a session
    # that arrives a few bytes at a time, or from a file instead of a pipe: the same answers.
    uri = (tmp_path / "Dockerfile").as_uri()
    body = json.dumps(_opened(uri, BROKEN)).encode()
    session = b"".join([
        frame(INITIALIZE), b"X-Junk: 1\r\n\r\n", frame(INITIALIZED),
        b"content-length: %d\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n"
        % len(body),
        body, frame(SHUTDOWN), frame(EXIT)])
    proc = subprocess.Popen(LAYERWISE + ["--stdio"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    for start in range(0, len(session), 7):
        proc.stdin.write(session[start:start + 7])
        proc.stdin.flush()
    piecewise, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0 and b"without Content-Length" in stderr
    path = tmp_path / "session"
    path.write_bytes(session)
    with path.open("rb") as stdin:
        whole = subprocess.run(LAYERWISE + ["--stdio"], stdin=stdin, capture_output=True,
                               timeout=60, check=False)
    assert whole.returncode == 0
    for stdout in (piecewise, whole.stdout):
        messages = parse(stdout)
        assert response(messages, 99)["result"] is None
        assert _published(messages) == [(1, ["LW001", "LW006"])]


def test_a_malformed_notification_is_dropped_and_logged(tmp_path: Path) -> None:
    uri = (tmp_path / "Dockerfile").as_uri()
    closed = {"jsonrpc": "2.0", "method": "textDocument/didClose",
              "params": {"textDocument": 5}}
    code, messages, stderr = run([INITIALIZE, INITIALIZED, _opened(uri, "FROM a\n"), closed,
                                  SHUTDOWN, EXIT])
    assert code == 0 and "Traceback" not in stderr
    assert "dropped a notification: invalid parameters for textDocument/didClose" in stderr
    assert response(messages, 99)["result"] is None


def test_a_message_that_is_no_object_gets_invalid_request() -> None:
    code, messages, stderr = run([INITIALIZE, INITIALIZED, b"[1, 2]", b"7", SHUTDOWN, EXIT])
    assert code == 0 and "Traceback" not in stderr
    errors = [m["error"] for m in messages if m.get("id", "absent") is None]
    assert [e["code"] for e in errors] == [-32600, -32600]
    assert response(messages, 99)["result"] is None


def test_a_request_pending_at_exit_is_dropped_quietly(tmp_path: Path) -> None:
    # A pull still pending when exit closes stdout has nowhere to go: no error, no traceback.
    pull = {"jsonrpc": "2.0", "id": 7, "method": "textDocument/diagnostic",
            "params": {"textDocument": {"uri": (tmp_path / "Dockerfile").as_uri()}}}
    initialize = dict(INITIALIZE, params={"processId": None, "rootUri": None,
                                          "capabilities": {"textDocument": {"diagnostic": {}}}})
    code, _, stderr = run([initialize, INITIALIZED, pull, SHUTDOWN, EXIT])
    assert code == 0
    assert "Traceback" not in stderr and "ERROR" not in stderr


def test_exit_without_shutdown_exits_with_1() -> None:
    code, messages, _ = run([INITIALIZE, INITIALIZED, EXIT], ["--stdio"])
    assert code == 1 and response(messages, 1)


def test_logs_never_reach_stdout(tmp_path: Path) -> None:
    log = tmp_path / "layerwise.log"
    opened = {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": (tmp_path / "Dockerfile").as_uri(), "languageId": "dockerfile", "version": 1,
        "text": BROKEN}}}
    code, messages, stderr = run([INITIALIZE, INITIALIZED, opened, SHUTDOWN, EXIT],
                                 ["serve", "--stdio", "-vv", "--log-file", str(log)])
    assert code == 0  # parse() checked that stdout holds nothing but messages
    assert any(m.get("method") == "textDocument/publishDiagnostics" for m in messages)
    assert "publishDiagnostics" in log.read_text(encoding="utf-8")  # -vv logs every message
    assert stderr == ""

    # Without --log-file, logs go to stderr; the end of input ends the server.
    code, messages, stderr = run([INITIALIZE, INITIALIZED, opened], ["serve", "-v"])
    assert code == 0 and "INFO" in stderr
    assert any(m.get("method") == "textDocument/publishDiagnostics" for m in messages)


def test_bare_command_prints_help_in_a_terminal() -> None:
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(LAYERWISE, stdin=follower, capture_output=True, timeout=60,
                              check=False)
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 0
    assert b"usage: layerwise" in proc.stdout and b"serve" in proc.stdout


@pytest.mark.asyncio
async def test_tcp_serves_one_client(tmp_path: Path) -> None:
    import asyncio

    server = await asyncio.create_subprocess_exec(
        *LAYERWISE, "serve", "--tcp", "--port", "0",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert server.stderr is not None
    port = None
    while port is None:
        line = (await server.stderr.readline()).decode()
        assert line, "the server exited before listening"
        if match := re.search(r"serving LSP on 127\.0\.0\.1:(\d+)", line):
            port = int(match.group(1))
    client = make_client()
    try:
        await client.start_tcp("127.0.0.1", port)
        result = await client.initialize_session(types.InitializeParams(
            capabilities=types.ClientCapabilities()))
        assert result.server_info is not None and result.server_info.name == "layerwise"
        uri = (tmp_path / "Dockerfile").as_uri()
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1,
                                                 text=BROKEN)))
        published = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        assert published.version == 1 and published.diagnostics
        await client.shutdown_async(None)
        client.exit(None)
        assert await server.wait() == 0
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
        await client.stop()
