"""The language server and its protocol: construction and explicit handler registration.

``create_server()`` builds a fresh server and registers every handler; importing this module does
no work. ``serve_stdio()`` and ``serve_tcp()`` (from :mod:`.transport`) run it.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Callable, Coroutine, Generator
from typing import TYPE_CHECKING, Any, TypeVar

import cattrs
from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
)
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from .. import __version__
from . import wire
from .capabilities import ClientFeatures
from .documents import DocumentStore
from .framing import frame
from .json_params import InvalidParams
from .settings import SettingsStore
from .transport import serve_stdio, serve_tcp

if TYPE_CHECKING:
    from .early import SessionStart
    from .handlers.diagnostics import DiagnosticsPublisher
    from .transport import Inbox

__all__ = ["JsonText", "LayerwiseProtocol", "LayerwiseServer", "create_server", "serve_stdio",
           "serve_tcp"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

#: Returned by :meth:`LayerwiseProtocol.structure_message` for a request already answered.
_ANSWERED = object()


def _invalid(method: str, exc: JsonRpcException) -> str:
    """What is wrong with the parameters of a message pygls could not structure."""
    detail = exc.message
    cause = exc.__cause__
    if isinstance(cause, cattrs.BaseValidationError):
        detail = "; ".join(cattrs.transform_error(cause, path="request"))
    return f"invalid parameters for {method}: {detail}"


class _DeserializeTraceback(logging.Filter):
    """Drops pygls's own log of a message it cannot structure (a traceback):
    :meth:`LayerwiseProtocol.structure_message` logs it in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unable to deserialize message")


_QUIET = _DeserializeTraceback()


class JsonText(str):
    """A handler's result already in JSON text, sent as it is."""


class LayerwiseProtocol(LanguageServerProtocol):
    """pygls's protocol, with these changes.

    * Document text lives in :class:`DocumentStore` only: pygls's own copy splits lines with
      ``str.splitlines`` (which also breaks at form feeds and other separators) and would be a
      second, diverging copy of every document.
    * A request whose parameters do not match the LSP types gets an ``InvalidParams`` error
      response instead of no response at all.
    * Notifications in :attr:`json_handlers` (``didChange``: one per keystroke) skip pygls's
      structuring and dispatch; their handlers read the JSON parameters themselves.
    * Messages go out as compact JSON, in one write.
    """

    def __init__(self, server: LanguageServer, converter: cattrs.Converter) -> None:
        super().__init__(server, converter)
        logging.getLogger("pygls.protocol.json_rpc").addFilter(_QUIET)  # once: filters are a set
        self.json_handlers: dict[str, Callable[[Any], None]] = {}
        self.initialize_json: Any = None
        """The parameters of ``initialize`` as the client sent them (JSON)."""
        self.answered: tuple[Any, dict[str, Any]] | None = None
        """The id of an ``initialize`` request the start of the session answered (see
        :mod:`.early`), and the result it sent."""

    def receive(self, body: bytes | bytearray) -> None:
        """Handle one message body from the client."""
        data = json.loads(body)
        if type(data) is not dict:  # a batch, or no message at all: LSP has neither
            logger.error("not a JSON-RPC message: %.200s", body)
            self._send_data({"jsonrpc": "2.0", "id": None, "error": {
                "code": JsonRpcInvalidRequest.CODE,
                "message": "not a JSON-RPC message: expected a JSON object"}})
            return
        if data.get("method") == types.INITIALIZE:
            self.initialize_json = data.get("params")
        method = data.get("method") if "id" not in data else None
        handler = self.json_handlers.get(method) if isinstance(method, str) else None
        if handler is None or data.get("jsonrpc") != self.VERSION:
            self.handle_message(self.structure_message(data))
        elif self._shutdown:
            logger.warning("ignoring %s: the server is shutting down", method)
        else:
            try:
                handler(data.get("params"))
            except InvalidParams as exc:
                logger.error("invalid parameters for %s: %s", method, exc)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
            self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        """Hand the notification to the server's handler."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
            self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        """Hand the notification to the server's handler."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Structure a message; answer a malformed request with ``InvalidParams``, drop a
        malformed notification (both logged in one line, the path of each bad member).

        A malformed response (say, to ``workspace/configuration``) fails the request that
        waits for it instead of leaving it waiting forever.
        """
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            msg_id = data.get("id")
            method = data.get("method")
            if "id" not in data and isinstance(method, str):
                logger.error("dropped a notification: %s", _invalid(method, exc))
                return _ANSWERED
            if not isinstance(msg_id, int | str):
                raise
            if method is None:
                future = self._request_futures.pop(msg_id, None)
                if future is None:
                    raise
                future.set_exception(exc)
                return _ANSWERED
            message = _invalid(str(method), exc)
            logger.error("answered InvalidParams: %s", message)
            error = JsonRpcInvalidParams(message=message)
            self._send_response(msg_id, error=error.to_response_error())
            return _ANSWERED

    def _send_response(self, msg_id: Any, result: Any | None = None,
                       error: Any | None = None) -> None:
        """Send a response; a result a handler built in JSON form already (a dict: completion;
        :class:`JsonText`: pulled diagnostics) goes out as it is instead of through cattrs,
        which would walk every value of it again."""
        if self.answered is not None and msg_id == self.answered[0]:
            self._result_types.pop(msg_id, None)
            self._check_answer(self.answered[1], result, error)
            self.answered = None
            return
        if error is None and isinstance(result, dict | JsonText):
            self._result_types.pop(msg_id, None)
            if isinstance(result, JsonText):
                self.send_json(
                    f'{{"id":{json.dumps(msg_id)},"result":{result},"jsonrpc":"2.0"}}')
            else:
                self._send_data({"id": msg_id, "jsonrpc": self.VERSION, "result": result})
            return
        super()._send_response(msg_id, result, error)

    def _check_answer(self, sent: dict[str, Any], result: Any, error: Any) -> None:
        """Compare pygls's answer to a replayed ``initialize`` with the one sent (kept to
        itself): they must agree."""
        if error is not None:
            logger.error("initialize, answered at the start, fails here: %s", error.message)
        elif (built := self._converter.unstructure(result)) != sent:
            logger.error("initialize was answered at the start with %s, pygls answers %s",
                         json.dumps(sent), json.dumps(built))

    def _send_data(self, data: Any) -> None:
        """Send a message (a dict, or an lsprotocol object)."""
        if not data:
            return
        try:
            text = json.dumps(data, default=self._serialize_message, separators=(",", ":"))
        except (TypeError, ValueError) as error:
            logger.exception("cannot serialise a message")
            self._server._report_server_error(error, JsonRpcInternalError)
            return
        self.send_json(text)

    def send_json(self, text: str) -> None:
        """Send a message given as JSON text (ASCII, as ``json.dumps`` writes it)."""
        if self.writer is None:
            logger.error("cannot send a message: no transport")
            return
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("sending %s", text)
        body = text.encode()
        try:
            self.writer.write(frame(body))
        except BrokenPipeError:
            logger.error("cannot send a message: the client closed the connection")
            raise
        except ValueError:  # stdout closed at exit: answers still pending have nowhere to go
            logger.info("dropped a message: the connection is closed")
        except Exception as error:
            logger.exception("cannot send a message")
            self._server._report_server_error(error, JsonRpcInternalError)

    def handle_message(self, message: Any) -> None:
        """Dispatch a message, skipping requests already answered with an error."""
        if message is _ANSWERED:
            return
        super().handle_message(message)


class LayerwiseServer(LanguageServer):
    """The server plus its state: settings, open documents, client features, diagnostics."""

    def __init__(self) -> None:
        super().__init__("layerwise", __version__, protocol_cls=LayerwiseProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = SettingsStore()
        self.documents = DocumentStore(self.settings.for_uri)
        self.client = ClientFeatures()
        self.diagnostics: DiagnosticsPublisher  # set by handlers.diagnostics.register()
        self.protocol: LayerwiseProtocol
        self._tasks: set[asyncio.Task[Any]] = set()
        self.inbox: Inbox | None = None
        """Where messages come in (set by the transport)."""
        self.started: SessionStart | None = None
        """The start of the session this server took over, if it answered ``initialize``."""

    def adopt(self, start: SessionStart) -> None:
        """Go on with a session whose start answered ``initialize`` (see :mod:`.early`):
        take its settings, documents and published diagnostics."""
        if start.answered is None:
            return
        self.started = start
        self.settings = start.settings
        self.documents = start.documents
        self.client = start.client
        self.diagnostics.adopt(start.sent, start.published)
        self.protocol.answered = start.answered

    def json_notification(self, method: str,
                          handler: Callable[[LayerwiseServer, Any], None]) -> None:
        """Handle a notification from its JSON parameters (see :class:`LayerwiseProtocol`).

        The handler checks their shape; it raises :class:`InvalidParams` to have the message
        dropped and logged.
        """
        self.protocol.json_handlers[method] = functools.partial(handler, self)

    def after_input(self, work: Callable[[], None]) -> None:
        """Run ``work`` once every message received so far is handled: right after them when
        they came in through :mod:`.transport`, else on the next turn of the loop."""
        if self.inbox is None:
            asyncio.get_running_loop().call_soon(work)
        else:
            self.inbox.defer(work)

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a coroutine in the background (kept referenced until it is done)."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log errors that happen outside a request; never interrupt the user with them.

        A message that is not JSON gets JSON-RPC's parse error response (with a null id).
        """
        logger.error("%s: %s", getattr(source, "__name__", source), error)
        if isinstance(error, json.JSONDecodeError):
            # pygls drops a null id, which JSON-RPC requires here; send the response as is.
            self.protocol._send_data({
                "jsonrpc": "2.0", "id": None,
                "error": {"code": JsonRpcParseError.CODE, "message": f"not JSON: {error}"}})

    def to_json(self, value: Any) -> Any:
        """An LSP value (an lsprotocol object) in the JSON form it has on the wire."""
        return self.protocol._converter.unstructure(value)

    def from_json(self, value: Any, kind: type[_T]) -> _T:
        """An LSP value in JSON form as an lsprotocol object of type ``kind``."""
        return self.protocol._converter.structure(value, kind)  # type: ignore[no-any-return]

    def publish_diagnostics(self, uri: str, version: int | None, diagnostics: list[str]) -> None:
        """Send ``textDocument/publishDiagnostics`` with diagnostics already in JSON text."""
        self.protocol.send_json(wire.publish_json(uri, version, diagnostics))

    def show_message(self, message: str,
                     kind: types.MessageType = types.MessageType.Warning) -> None:
        """Show a message to the user."""
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))


def create_server() -> LayerwiseServer:
    """Build a server with every handler registered."""
    from .handlers import (
        code_actions,
        completion,
        diagnostics,
        hover,
        lifecycle,
        navigation,
        symbols,
        text_sync,
    )

    server = LayerwiseServer()
    for module in (lifecycle, text_sync, diagnostics, completion, hover, navigation, symbols,
                   code_actions):
        module.register(server)
    return server
