"""The start of a session, served before pygls and lsprotocol are loaded.

Loading them takes most of a second (lsprotocol defines a thousand classes): longer than
analysing a Dockerfile. So over stdio, :class:`SessionStart` reads the first messages itself:
it answers ``initialize`` (with :mod:`.offer`), pulls the ``layerwise`` settings when the client
can be asked, and publishes the diagnostics of the first document opened (or answers the
client's first pull for it), with the same stores and conversions the full server uses. Then it hands over: the full server adopts its stores,
replays ``initialize`` and ``initialized`` for its own state (``initialize`` is not answered
twice) and every message not handled yet, and goes on from there.

It hands over at once, leaving the message to the full server, on anything else: invalid
initialization options, any other message, a message that is not JSON, the end of the input,
or no message for a while. Each of those costs the time it saves,
never a behaviour.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import select
import stat
import time
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn

from ..config import Settings
from . import wire
from .capabilities import ClientFeatures, get
from .documents import Document, DocumentStore, is_ignore_file
from .encoding import Codec, choose_encoding
from .framing import Framer, frame
from .offer import initialize_result
from .sent import SentDiagnostics
from .settings import SettingsStore

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["SessionStart", "configuration_request_id"]

logger = logging.getLogger(__name__)

#: How long to wait for the client's next message before handing over, in seconds (clients
#: send ``initialized`` and ``didOpen`` right away).
IDLE = 0.1
#: How long to wait for the answer to ``workspace/configuration``, in seconds.
ANSWER_WAIT = 1.0


class _HandOver(Exception):
    """Ends the start of the session: the full server takes it from here."""


class SessionStart:
    """The state the start of a session builds, for the full server to adopt."""

    def __init__(self, stdin: int, stdout: BinaryIO) -> None:
        self.settings = SettingsStore()
        self.documents = DocumentStore(self.settings.for_uri)
        self.client = ClientFeatures()
        self.sent = SentDiagnostics()
        self.published: dict[str, Settings] = {}
        """The settings each published document's diagnostics were computed under."""
        self.framer = Framer()
        """The input read so far that completes no message."""
        self.replay: list[bytes] = []
        """The messages for the full server, in order."""
        self.answered: tuple[Any, dict[str, Any]] | None = None
        """The id of the ``initialize`` request and the result sent."""
        self.pulled = False
        """Whether the workspace settings arrived."""
        self.served = 0
        """How many pulled reports were answered."""
        self._stdin = stdin
        self._stdout = stdout
        self._unread: collections.deque[bytes] = collections.deque()

    @classmethod
    def over(cls, stdin: BinaryIO, stdout: BinaryIO) -> SessionStart | None:
        """A start for a session over these streams; ``None`` unless stdin is a pipe or a
        socket (one that can be waited on with a timeout)."""
        try:
            fd = stdin.fileno()
            mode = os.fstat(fd).st_mode
        except (AttributeError, OSError, ValueError):
            return None
        if os.name != "posix" or not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
            return None
        return cls(fd, stdout)

    def run(self) -> None:
        """Serve the start of the session until it is time to hand over."""
        try:
            self._initialize()
            self._open()
        except _HandOver:
            pass
        except Exception:
            logger.exception("the start of the session failed; the full server goes on")
        logger.info("handing over after the start of the session: %s initialize, %d document(s)"
                    " published, %d report(s) served, %d message(s) to replay",
                    "answered" if self.answered else "did not answer", len(self.published),
                    self.served, len(self.replay) + len(self._unread))
        self.replay.extend(self._unread)
        self._unread.clear()

    # ------------------------------------------------------------------ messages

    def _initialize(self) -> None:
        """Answer ``initialize`` and take ``initialized``; pull the settings."""
        body, message = self._next(None)
        params = message.get("params")
        if message.get("method") != "initialize" or "id" not in message or not (
                isinstance(params, dict) and _well_formed(params.get("capabilities", {}))):
            self._leave(body)
        self.replay.append(body)
        capabilities = params.get("capabilities") or {}
        self.client = ClientFeatures.of(capabilities)
        self.settings.folder_uris = _folder_uris(params.get("workspaceFolders"))
        self.settings.set_initialization_options(params.get("initializationOptions"))
        if self.settings.problems:
            raise _HandOver
        self.documents.codec = Codec(choose_encoding(capabilities))
        result = initialize_result(capabilities, pull=self.client.pull_diagnostics)
        self._send({"id": message["id"], "jsonrpc": "2.0", "result": result})
        self.answered = (message["id"], result)
        body, message = self._next(IDLE)
        if message.get("method") != "initialized":
            self._leave(body)
        self.replay.append(body)
        if self.client.configuration:
            self._pull()

    def _pull(self) -> None:
        """Ask for the workspace settings and wait for the answer; messages that come
        meanwhile wait too (a configuration change asks again)."""
        held: list[bytes] = []
        try:
            number = self._ask()
            deadline = time.monotonic() + ANSWER_WAIT
            while True:
                body, message = self._next(max(deadline - time.monotonic(), 0.0))
                if message.get("id") == configuration_request_id(number) and "method" not in message:
                    if "error" in message:  # the full server asks again
                        raise _HandOver
                    self.settings.pulled(number, message.get("result"))
                    self.pulled = True
                    return
                if message.get("method") == "workspace/didChangeConfiguration":
                    number = self._ask()
                elif "method" in message:
                    held.append(body)
        finally:
            self._unread.extendleft(reversed(held))

    def _ask(self) -> int:
        """Send ``workspace/configuration``; return the number of the request."""
        number = self.settings.pulling()
        self._send({"id": configuration_request_id(number), "jsonrpc": "2.0",
                    "method": "workspace/configuration",
                    "params": self.settings.configuration_params()})
        return number

    def _open(self) -> None:
        """Open the first document; publish its diagnostics, or serve them to a client that
        pulls."""
        body, message = self._next(IDLE)
        item = get(message, "params", "textDocument")
        uri, version, text = get(item, "uri"), get(item, "version"), get(item, "text")
        language = get(item, "languageId")
        if (message.get("method") != "textDocument/didOpen" or not isinstance(uri, str)
                or type(version) is not int or not isinstance(text, str)
                or not isinstance(language, str) or is_ignore_file(uri)):
            self._leave(body)
        try:
            doc = self.documents.open(uri, version, text, language)
            if self.client.pull_diagnostics:
                self._serve_pull(doc)
                return
            items = self.sent.items(self.documents, doc)
        except Exception:  # a failure or a hand-over: the full server opens it again
            self._unread.appendleft(body)
            raise
        self.published[uri] = self.documents.settings(doc)
        self._write(wire.publish_json(uri, version, items))

    def _serve_pull(self, doc: Document) -> None:
        """Answer the client's first ``textDocument/diagnostic`` request, for ``doc``."""
        body, message = self._next(IDLE)
        if message.get("method") != "textDocument/diagnostic" or "id" not in message or (
                get(message, "params", "textDocument", "uri") != doc.uri):
            self._leave(body)
        result_id = self.documents.result_id(doc, self.settings.epoch)
        report = wire.full_report_json(result_id, self.sent.items(self.documents, doc))
        self._write(f'{{"id":{json.dumps(message["id"])},"jsonrpc":"2.0","result":{report}}}')
        self.served += 1

    # ------------------------------------------------------------------ input and output

    def _next(self, timeout: float | None) -> tuple[bytes, Mapping[str, Any]]:
        """The next message (body and JSON object); hands over when none comes in ``timeout``
        seconds (``None``: wait), at the end of the input, or when it is no JSON object."""
        while not self._unread:
            if timeout is not None and not select.select([self._stdin], [], [], timeout)[0]:
                raise _HandOver
            chunk = os.read(self._stdin, 1 << 16)
            if not chunk:  # the full server reads the end of the input again
                raise _HandOver
            self._unread.extend(bytes(body) for body in self.framer.bodies(chunk))
        body = self._unread.popleft()
        logger.debug("received %s", body)
        try:
            message = json.loads(body)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            self._leave(body)
        return body, message

    def _leave(self, body: bytes) -> NoReturn:
        """Hand over, leaving ``body`` to the full server."""
        self._unread.appendleft(body)
        raise _HandOver

    def _send(self, message: dict[str, Any]) -> None:
        """Send a message given as JSON."""
        self._write(json.dumps(message, separators=(",", ":")))

    def _write(self, text: str) -> None:
        """Send a message given as JSON text."""
        logger.debug("sending %s", text)
        self._stdout.write(frame(text.encode()))
        self._stdout.flush()


def _well_formed(capabilities: Any) -> bool:
    """Whether client capabilities are an object of objects (``experimental`` aside): the
    full server answers malformed ones with an error."""
    return isinstance(capabilities, dict) and all(
        value is None or isinstance(value, dict)
        for key, value in capabilities.items() if key != "experimental")


def _folder_uris(folders: Any) -> list[str]:
    """The uris of the workspace folders in ``initialize``, as pygls's workspace lists them."""
    uris = [get(folder, "uri") for folder in folders] if isinstance(folders, list) else []
    return list(dict.fromkeys(uri for uri in uris if isinstance(uri, str)))


def configuration_request_id(number: int) -> str:
    """The id of the start's ``workspace/configuration`` request ``number``."""
    return f"layerwise-start-{number}"
