"""The language server: construction, explicit handler registration, and transports.

``create_server()`` builds a fresh server and registers every handler; importing this module does
no work. ``serve_stdio()`` and ``serve_tcp()`` run it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Coroutine, Generator
from typing import TYPE_CHECKING, Any, BinaryIO

import cattrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcParseError
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from .. import __version__
from .capabilities import ClientFeatures
from .documents import DocumentStore
from .settings import SettingsStore

if TYPE_CHECKING:
    from .handlers.diagnostics import DiagnosticsPublisher

__all__ = ["LayerwiseProtocol", "LayerwiseServer", "create_server", "serve_stdio", "serve_tcp"]

logger = logging.getLogger(__name__)

#: Returned by :meth:`LayerwiseProtocol.structure_message` for a request already answered.
_ANSWERED = object()


class LayerwiseProtocol(LanguageServerProtocol):
    """pygls's protocol, with two changes.

    * Document text lives in :class:`DocumentStore` only: pygls's own copy splits lines with
      ``str.splitlines`` (which also breaks at form feeds and other separators) and would be a
      second, diverging copy of every document.
    * A request whose parameters do not match the LSP types gets an ``InvalidParams`` error
      response instead of no response at all.
    """

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
            self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        """Hand the notification to the server's handler."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
            self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        """Hand the notification to the server's handler."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
            self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        """Hand the notification to the server's handler."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Structure a message; answer a malformed request with ``InvalidParams``.

        A malformed response (say, to ``workspace/configuration``) fails the request that
        waits for it instead of leaving it waiting forever.
        """
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            msg_id = data.get("id") if isinstance(data, dict) else None
            if not isinstance(msg_id, int | str):
                raise
            if "method" not in data:
                future = self._request_futures.pop(msg_id, None)
                if future is None:
                    raise
                future.set_exception(exc)
                return _ANSWERED
            detail = exc.message
            cause = exc.__cause__
            if isinstance(cause, cattrs.BaseValidationError):
                detail = "; ".join(cattrs.transform_error(cause, path="request"))
            error = JsonRpcInvalidParams(
                message=f"invalid parameters for {data['method']}: {detail}")
            self._send_response(msg_id, error=error.to_response_error())
            return _ANSWERED

    def _send_response(self, msg_id: Any, result: Any | None = None,
                       error: Any | None = None) -> None:
        """Send a response; a result a handler built in JSON form already (a dict: completion,
        pulled diagnostics) goes out as it is instead of through cattrs, which would walk
        every value of it again."""
        if error is None and isinstance(result, dict):
            self._result_types.pop(msg_id, None)
            self._send_data({"id": msg_id, "jsonrpc": self.VERSION, "result": result})
            return
        super()._send_response(msg_id, result, error)

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
        self._tasks: set[asyncio.Task[Any]] = set()

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

    def publish_diagnostics(self, uri: str, version: int | None, diagnostics: list[Any]) -> None:
        """Send ``textDocument/publishDiagnostics`` with diagnostics already in JSON form
        (:meth:`to_json`); the message is the one pygls writes for the typed notification."""
        params: dict[str, Any] = {"uri": uri, "diagnostics": diagnostics}
        if version is not None:
            params["version"] = version
        self.protocol._send_data({"params": params,
                                  "method": types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
                                  "jsonrpc": "2.0"})

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


def serve_stdio(server: LayerwiseServer, stdin: BinaryIO | None = None,
                stdout: BinaryIO | None = None) -> int:
    """Serve one client over stdin/stdout until it exits; return the exit code.

    A thread moves stdin into an asyncio stream as soon as bytes arrive, so the loop handles
    every message already received before it runs deferred work: a burst of edits reaches the
    document store before the diagnostics of the first one are computed (they are coalesced).
    """
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    stop = threading.Event()
    server._stop_event = stop  # pygls's shutdown() sets it to end the message loop
    server.protocol.set_writer(StdoutWriter(stdout))

    async def main() -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=1 << 20)
        threading.Thread(target=_pump, args=(stdin, reader, loop), name="layerwise-stdin",
                         daemon=True).start()
        await run_async(stop_event=stop, reader=reader, protocol=server.protocol,
                        logger=logger, error_handler=server.report_server_error)

    return _run(server, main)


def _pump(stdin: BinaryIO, reader: asyncio.StreamReader,
          loop: asyncio.AbstractEventLoop) -> None:
    """Copy stdin into ``reader`` chunk by chunk (runs in a daemon thread).

    It reads the file descriptor directly: a daemon thread blocked inside a buffered reader
    holds its lock, and Python aborts at exit when it finds that lock taken.
    """
    try:
        fd = stdin.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    read = (lambda: os.read(fd, 1 << 16)) if fd is not None else (
        lambda: stdin.read1(1 << 16))  # type: ignore[attr-defined]
    try:
        while chunk := read():
            loop.call_soon_threadsafe(reader.feed_data, chunk)
    except (OSError, ValueError) as exc:
        logger.debug("stdin closed: %s", exc)
    except RuntimeError:  # the loop is closed: the server has exited
        return
    try:
        loop.call_soon_threadsafe(reader.feed_eof)
    except RuntimeError:
        pass


def serve_tcp(server: LayerwiseServer, host: str, port: int) -> int:
    """Serve one client on ``host:port`` (for debugging); return the exit code.

    Port 0 picks a free port. The address is printed on stderr once the server listens, and it
    stops listening when the client connects.
    """
    stop = threading.Event()
    server._stop_event = stop

    async def main() -> None:
        finished = asyncio.Event()

        async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            listener.close()  # one client per server
            server.protocol.set_writer(writer)  # type: ignore[arg-type]
            try:
                await run_async(stop_event=stop, reader=reader, protocol=server.protocol,
                                logger=logger, error_handler=server.report_server_error)
            finally:
                finished.set()

        listener = await asyncio.start_server(connected, host, port, limit=1 << 20)
        bound = listener.sockets[0].getsockname()
        print(f"layerwise: serving LSP on {bound[0]}:{bound[1]}", file=sys.stderr, flush=True)
        await finished.wait()

    return _run(server, main)


def _run(server: LayerwiseServer, main: Callable[[], Coroutine[Any, Any, None]]) -> int:
    """Run the message loop until the client exits or disconnects; return the exit code."""
    try:
        asyncio.run(main())
    except SystemExit as exc:  # the exit notification
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        logger.error("the client closed the connection")
        return 1
    finally:
        server.shutdown()
    return 0
