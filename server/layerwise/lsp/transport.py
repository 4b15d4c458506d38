"""Transports: the message loop over stdio (or one TCP client), with LSP's framing.

Messages are read as soon as they arrive and handled in order; work deferred with
:meth:`LayerwiseServer.after_input` runs once none is left, so a burst of edits reaches the
document store before diagnostics are computed (they are coalesced).
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import os
import select
import sys
import threading
from collections.abc import Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any, BinaryIO

from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter

from .framing import Framer

if TYPE_CHECKING:
    from .early import SessionStart
    from .server import LayerwiseServer

__all__ = ["Inbox", "serve_stdio", "serve_tcp"]

logger = logging.getLogger(__name__)

def serve_stdio(server: LayerwiseServer, stdin: BinaryIO | None = None,
                stdout: BinaryIO | None = None, start: SessionStart | None = None) -> int:
    """Serve one client over stdin/stdout until it exits; return the exit code.

    The loop reads stdin itself when it can watch it (a pipe, on Unix); otherwise a thread
    copies stdin to the loop. ``start`` is the start of the session, served already (see
    :mod:`.early`): its messages left over are handled first.
    """
    stdin = stdin or sys.stdin.buffer
    server.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

    async def main() -> None:
        inbox = server.inbox = (Inbox(server, start.framer, start.replay) if start is not None
                                else Inbox(server))
        if not _watch(stdin, inbox):
            loop = asyncio.get_running_loop()
            threading.Thread(target=_pump, args=(stdin, inbox, loop), name="layerwise-stdin",
                             daemon=True).start()
        await inbox.closed

    return _run(server, main)


class Inbox:
    """Hands the messages a client sends to the protocol, and runs the work deferred until
    they are handled.

    ``framer`` may hold the rest of a message already partly read, ``replay`` messages already
    read (by the start of the session, :mod:`.early`) to handle first.
    """

    def __init__(self, server: LayerwiseServer, framer: Framer | None = None,
                 replay: Iterable[bytes] = ()) -> None:
        self._server = server
        self._framer = framer or Framer()
        self._deferred: list[Callable[[], None]] | None = None
        """Work waiting for :meth:`settle`; ``None`` outside :meth:`take` … :meth:`settle`."""
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        """Done at the end of the input."""
        replay = list(replay)
        if replay:
            self._deferred = []
            for body in replay:
                self._receive(body)
            self.settle()

    def take(self, data: bytes) -> None:
        """Handle every message ``data`` completes (empty ``data``: the end of the input).

        The transport calls :meth:`settle` once it has nothing more to read.
        """
        if self._deferred is None:
            self._deferred = []
        if not data:
            if not self.closed.done():
                self.closed.set_result(None)
            return
        for body in self._framer.bodies(data):
            self._receive(body)

    def _receive(self, body: bytes | bytearray) -> None:
        """Hand one message to the protocol; a failure is logged, never raised."""
        try:
            self._server.protocol.receive(body)
        except Exception as exc:
            if not isinstance(exc, json.JSONDecodeError):  # bad input needs no traceback
                logger.exception("cannot handle a message")
            self._server._report_server_error(exc, JsonRpcException)

    def defer(self, work: Callable[[], None]) -> None:
        """Run ``work`` at the next :meth:`settle`, or soon if no message is being read."""
        if self._deferred is None:
            asyncio.get_running_loop().call_soon(work)
        else:
            self._deferred.append(work)

    def settle(self) -> None:
        """Run the deferred work: every message received has been handled."""
        deferred, self._deferred = self._deferred, None
        for work in deferred or ():
            try:
                work()
            except Exception:
                logger.exception("deferred work failed")


def _watch(stdin: BinaryIO, inbox: Inbox) -> bool:
    """Have the loop read stdin when it is readable; False when it cannot watch it."""
    try:
        fd = stdin.fileno()
        poll = select.poll()
        poll.register(fd, select.POLLIN)
        loop = asyncio.get_running_loop()
    except (AttributeError, OSError, ValueError):
        return False

    def readable() -> None:
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:  # a spurious wake-up
                break
            except OSError as exc:
                logger.debug("stdin closed: %s", exc)
                chunk = b""
            inbox.take(chunk)
            if not chunk:
                loop.remove_reader(fd)
                break
            if not poll.poll(0):  # nothing more has arrived meanwhile
                break
        inbox.settle()

    try:
        loop.add_reader(fd, readable)
    except (OSError, NotImplementedError, ValueError):  # a regular file; no selector
        return False
    return True


def _pump(stdin: BinaryIO, inbox: Inbox, loop: asyncio.AbstractEventLoop) -> None:
    """Copy stdin to ``inbox`` chunk by chunk (runs in a daemon thread).

    It reads the file descriptor directly: a daemon thread blocked inside a buffered reader
    holds its lock, and Python aborts at exit when it finds that lock taken.
    """
    try:
        fd = stdin.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    read = (lambda: os.read(fd, 1 << 16)) if fd is not None else (
        lambda: stdin.read1(1 << 16))  # type: ignore[attr-defined]
    received: collections.deque[bytes] = collections.deque()

    def drain() -> None:
        while received:
            inbox.take(received.popleft())
        inbox.settle()

    while True:
        try:
            chunk = read()
        except (OSError, ValueError) as exc:
            logger.debug("stdin closed: %s", exc)
            chunk = b""
        received.append(chunk)
        try:
            loop.call_soon_threadsafe(drain)
        except RuntimeError:  # the loop is closed: the server has exited
            return
        if not chunk:
            return


def serve_tcp(server: LayerwiseServer, host: str, port: int) -> int:
    """Serve one client on ``host:port`` (for debugging); return the exit code.

    Port 0 picks a free port. The address is printed on stderr once the server listens, and it
    stops listening when the client connects.
    """

    async def main() -> None:
        finished = asyncio.Event()

        async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            listener.close()  # one client per server
            server.protocol.set_writer(writer)  # type: ignore[arg-type]
            inbox = server.inbox = Inbox(server)
            try:
                while not inbox.closed.done():
                    inbox.take(await reader.read(1 << 16))
                    inbox.settle()
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
