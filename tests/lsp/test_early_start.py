"""The start of a session, served before pygls is loaded (``layerwise.lsp.early``).

Whole sessions are written to the server's stdin at once (see ``test_wire``); the log at
``-v`` says how much of the session the start served before the full server took over.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest
from lsprotocol import converters

from layerwise.lsp.capabilities import ClientFeatures
from layerwise.lsp.early import SessionStart, configuration_request_id
from layerwise.lsp.offer import initialize_result
from layerwise.lsp.server import create_server

from .helpers import BROKEN, capabilities
from .test_publish import _Wire
from .test_wire import (
    EXIT,
    INITIALIZE,
    INITIALIZED,
    LAYERWISE,
    SHUTDOWN,
    _opened,
    _published,
    frame,
    parse,
    response,
    run,
)

_JSON = converters.get_converter()

CLIENTS: dict[str, Any] = {
    "nothing": {},
    **{profile: _JSON.unstructure(capabilities(profile))
       for profile in ("vscode", "neovim", "plain", "noresolve")},
    "utf-32 first": {"general": {"positionEncodings": ["utf-32", "utf-8"]}},
    "unknown encoding": {"general": {"positionEncodings": ["x-unknown"]}},
    "no encodings": {"general": {"positionEncodings": []}},
    "prepare rename, will save": {"textDocument": {
        "rename": {"prepareSupport": True},
        "synchronization": {"willSave": True, "willSaveWaitUntil": False}}},
    "notebooks": {"notebookDocument": {"synchronization": {}}},
    "file operations": {"workspace": {"fileOperations": {"didCreate": True,
                                                         "willRename": True}}},
    "pulls": {"textDocument": {"diagnostic": {}}},
}


@pytest.mark.parametrize("caps", CLIENTS.values(), ids=CLIENTS.keys())
async def test_the_start_answers_initialize_as_pygls_does(caps: Any) -> None:
    server = create_server()
    wire = _Wire()
    server.protocol.set_writer(wire)
    message = dict(INITIALIZE, params={"processId": None, "rootUri": None, "capabilities": caps})
    server.protocol.receive(json.dumps(message).encode())
    (answer,) = wire.messages
    pull = ClientFeatures.of(caps).pull_diagnostics
    assert answer["result"] == initialize_result(caps, pull=pull)


class _Session:
    """A server over pipes, logging (``-v``) to a file; messages go in as the test says."""

    def __init__(self, tmp_path: Path) -> None:
        self.log = tmp_path / "layerwise.log"
        self.proc = subprocess.Popen(
            [*LAYERWISE, "serve", "--stdio", "-v", "--log-file", str(self.log)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.sent: list[dict[str, Any]] = []
        """What the server sent so far."""

    def send(self, *messages: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"".join(frame(m) for m in messages))
        self.proc.stdin.flush()

    def wait(self, done: Callable[[list[dict[str, Any]]], Any]) -> None:
        """Read what the server sends until ``done`` holds for it."""
        assert self.proc.stdout is not None
        watchdog = threading.Timer(60, self.proc.kill)  # a server that hangs fails the test
        watchdog.start()
        try:
            while not done(self.sent):
                self.sent.append(_read(self.proc.stdout))
        finally:
            watchdog.cancel()

    def end(self) -> tuple[list[dict[str, Any]], str]:
        """Shut the server down; return all it sent and its log."""
        rest, _ = self.proc.communicate(frame(SHUTDOWN) + frame(EXIT), timeout=60)
        self.sent += parse(rest)
        assert self.proc.returncode == 0
        log = self.log.read_text(encoding="utf-8")
        assert "pygls answers" not in log and "fails here" not in log  # the answers agree
        assert len([m for m in self.sent if m.get("id") == 1]) == 1  # answered once
        return self.sent, log


def _session(tmp_path: Path, messages: list[Any], *,
             publishes: bool = True) -> tuple[list[dict[str, Any]], str]:
    """Run a session, ended once diagnostics are published if it ``publishes``; return the
    messages sent and the log."""
    session = _Session(tmp_path)
    session.send(*messages)
    if publishes:
        session.wait(_published)
    return session.end()


def _read(stream: IO[bytes]) -> dict[str, Any]:
    """The next message the server writes."""
    length = None
    while (line := stream.readline().strip()):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    assert length is not None, "the server ended the session"
    return json.loads(stream.read(length))  # type: ignore[no-any-return]


def _initialize(caps: Any, options: Any = None) -> dict[str, Any]:
    return dict(INITIALIZE, params={"processId": None, "rootUri": None, "capabilities": caps,
                                    "initializationOptions": options})


#: The capabilities of a client that pulls diagnostics.
PULLS = {"textDocument": {"diagnostic": {}}}


def _pull(uri: str, msg_id: int, previous: str | None = None) -> dict[str, Any]:
    """A ``textDocument/diagnostic`` request."""
    return {"jsonrpc": "2.0", "id": msg_id, "method": "textDocument/diagnostic",
            "params": {"textDocument": {"uri": uri}, "previousResultId": previous}}


def _asked(sent: list[dict[str, Any]]) -> list[Any]:
    """The ids of the ``workspace/configuration`` requests."""
    return [m["id"] for m in sent if m.get("method") == "workspace/configuration"]


def test_the_start_publishes_the_first_document(tmp_path: Path) -> None:
    uri = (tmp_path / "Dockerfile").as_uri()
    sent, log = _session(tmp_path, [INITIALIZE, INITIALIZED, _opened(uri, BROKEN)])
    assert "answered initialize, 1 document(s) published" in log
    assert _published(sent) == [(1, ["LW001", "LW006"])]


def test_the_start_waits_for_the_newest_workspace_settings(tmp_path: Path) -> None:
    # A configuration change while the settings are asked for asks again; only the newest
    # answer counts, and the full server does not ask a third time. The workspace folder's
    # settings are asked for too, and win inside it.
    folder = tmp_path.as_uri()
    uri = (tmp_path / "Dockerfile").as_uri()
    changed = {"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration",
               "params": {"settings": None}}

    def answer(number: int, rules: dict[str, str]) -> dict[str, Any]:
        return {"jsonrpc": "2.0", "id": configuration_request_id(number),
                "result": [{"rules": {"LW006": "warning"}}, {"rules": rules}]}

    initialize = _initialize({"workspace": {"configuration": True}})
    initialize["params"]["workspaceFolders"] = [{"uri": folder, "name": "w"}]
    sent, log = _session(tmp_path, [
        initialize, INITIALIZED, changed,
        answer(1, {"LW006": "off"}), _opened(uri, BROKEN), answer(2, {"LW001": "off"})])
    assert "answered initialize, 1 document(s) published" in log
    asked = [m for m in sent if m.get("method") == "workspace/configuration"]
    assert [m["id"] for m in asked] == [configuration_request_id(n) for n in (1, 2)]
    assert asked[0]["params"] == {"items": [{"section": "layerwise"},
                                            {"scopeUri": folder, "section": "layerwise"}]}
    assert _published(sent) == [(1, ["LW006"])]


def test_without_an_answer_the_full_server_asks_and_waits(tmp_path: Path) -> None:
    # The input ends before the client answers: nothing is published under settings that are
    # still being asked for, and the full server asks again.
    uri = (tmp_path / "Dockerfile").as_uri()
    code, sent, _ = run([_initialize({"workspace": {"configuration": True}}), INITIALIZED,
                         _opened(uri, BROKEN)])
    assert code == 0
    assert len(_asked(sent)) == 2 and _published(sent) == []


def test_any_other_message_goes_to_the_full_server(tmp_path: Path) -> None:
    uri = (tmp_path / "Dockerfile").as_uri()
    hover = {"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}}
    sent, log = _session(tmp_path, [INITIALIZE, INITIALIZED, hover, _opened(uri, BROKEN)])
    assert "answered initialize, 0 document(s) published" in log
    assert "result" in response(sent, 5) or "error" in response(sent, 5)
    assert _published(sent) == [(1, ["LW001", "LW006"])]


def test_shutdown_right_after_initialize(tmp_path: Path) -> None:
    sent, log = _session(tmp_path, [INITIALIZE], publishes=False)
    assert "answered initialize, 0 document(s) published" in log
    assert response(sent, 1)["result"]["serverInfo"]["name"] == "layerwise"
    assert response(sent, 99) == {"jsonrpc": "2.0", "id": 99, "result": None}


def test_the_start_serves_the_first_pull(tmp_path: Path) -> None:
    # Its report's id is the full server's: pulled again without a change, it is unchanged.
    uri = (tmp_path / "Dockerfile").as_uri()
    session = _Session(tmp_path)
    session.send(_initialize(PULLS), INITIALIZED, _opened(uri, BROKEN), _pull(uri, 7))
    session.wait(lambda sent: any(m.get("id") == 7 for m in sent))
    first = response(session.sent, 7)["result"]
    session.send(_pull(uri, 8, first["resultId"]))
    session.wait(lambda sent: any(m.get("id") == 8 for m in sent))
    sent, log = session.end()
    assert "answered initialize, 0 document(s) published, 1 report(s) served" in log
    assert response(sent, 1)["result"] == initialize_result(PULLS, pull=True)
    assert first["kind"] == "full"
    assert [d["code"] for d in first["items"]] == ["LW001", "LW006"]
    assert response(sent, 8)["result"] == {"kind": "unchanged", "resultId": first["resultId"]}
    assert _published(sent) == []


def test_a_pulling_client_that_asks_something_else_first(tmp_path: Path) -> None:
    # The full server opens the document again and serves the pull.
    uri = (tmp_path / "Dockerfile").as_uri()
    hover = {"jsonrpc": "2.0", "id": 9, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}}
    session = _Session(tmp_path)
    session.send(_initialize(PULLS), INITIALIZED, _opened(uri, BROKEN), hover, _pull(uri, 10))
    session.wait(lambda sent: any(m.get("id") == 10 for m in sent))
    sent, log = session.end()
    assert "answered initialize, 0 document(s) published, 0 report(s) served" in log
    assert "result" in response(sent, 9)
    report = response(sent, 10)["result"]
    assert [d["code"] for d in report["items"]] == ["LW001", "LW006"]


def test_malformed_capabilities_get_the_full_servers_error(tmp_path: Path) -> None:
    sent, log = _session(tmp_path, [_initialize({"textDocument": 5})], publishes=False)
    assert "did not answer initialize" in log
    assert response(sent, 1)["error"]["code"] == -32602


def test_invalid_initialization_options_go_to_the_full_server(tmp_path: Path) -> None:
    uri = (tmp_path / "Dockerfile").as_uri()
    sent, log = _session(tmp_path, [_initialize({}, {"rules": 5}), INITIALIZED,
                                    _opened(uri, BROKEN)])
    assert "did not answer initialize" in log
    assert response(sent, 1)["result"] == initialize_result({}, pull=False)
    assert len([m for m in sent if m.get("method") == "window/showMessage"]) == 1


def test_a_failure_leaves_the_document_to_the_full_server(tmp_path: Path) -> None:
    read, write = os.pipe()
    uri = (tmp_path / "Dockerfile").as_uri()
    os.write(write, b"".join(frame(m) for m in (INITIALIZE, INITIALIZED, _opened(uri, BROKEN))))
    os.close(write)
    start = SessionStart(read, io.BytesIO())

    def failing(*args: Any) -> list[str]:
        raise RuntimeError("boom")

    start.sent.items = failing  # type: ignore[method-assign]
    start.run()
    os.close(read)
    assert start.answered is not None and start.published == {}
    assert [json.loads(body)["method"] for body in start.replay] == [
        "initialize", "initialized", "textDocument/didOpen"]
