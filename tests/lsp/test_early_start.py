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


def _session(tmp_path: Path, messages: list[Any], *,
             publishes: bool = True) -> tuple[list[dict[str, Any]], str]:
    """Run a session with info logs in a file, ended (shutdown, exit) once diagnostics are
    published if it ``publishes``; return the messages sent and the log."""
    log = tmp_path / "layerwise.log"
    proc = subprocess.Popen([*LAYERWISE, "serve", "--stdio", "-v", "--log-file", str(log)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"".join(frame(m) for m in messages))
    proc.stdin.flush()
    sent: list[dict[str, Any]] = []
    watchdog = threading.Timer(60, proc.kill)  # a server that never publishes fails the test
    watchdog.start()
    try:
        while publishes and not _published(sent):
            sent.append(_read(proc.stdout))
    finally:
        watchdog.cancel()
    rest, _ = proc.communicate(frame(SHUTDOWN) + frame(EXIT), timeout=60)
    sent += parse(rest)
    assert proc.returncode == 0
    text = log.read_text(encoding="utf-8")
    assert "pygls answers" not in text and "fails here" not in text  # the answers agree
    assert len([m for m in sent if m.get("id") == 1]) == 1  # initialize is answered once
    return sent, text


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


@pytest.mark.parametrize(("caps", "options"), [
    ({"textDocument": {"diagnostic": {}}}, None),  # pulls diagnostics
    ({}, {"rules": 5}),  # invalid initialization options: the full server says so
], ids=["pulls", "invalid options"])
def test_the_full_server_answers_some_clients(tmp_path: Path, caps: Any, options: Any) -> None:
    uri = (tmp_path / "Dockerfile").as_uri()
    pulls = bool(caps)  # a pulling client gets no diagnostics it does not ask for
    sent, log = _session(tmp_path, [_initialize(caps, options), INITIALIZED,
                                    _opened(uri, BROKEN)], publishes=not pulls)
    assert "did not answer initialize" in log
    result = response(sent, 1)["result"]
    assert result == initialize_result(caps, pull=pulls)
    shown = [m for m in sent if m.get("method") == "window/showMessage"]
    assert len(shown) == (1 if options else 0)


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
