"""LSP's framing: message bodies behind ``Content-Length`` headers."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

__all__ = ["Framer", "frame"]

logger = logging.getLogger(__name__)

#: The length of a message received, in its header.
_CONTENT_LENGTH = re.compile(rb"^content-length:[ \t]*(\d+)[ \t]*\r?$",
                             re.IGNORECASE | re.MULTILINE)
#: How much input without a header end is dropped as junk.
_MAX_HEADER = 1 << 20
#: The header of every message sent (as pygls writes it), for its body's length.
_HEADER = (b"Content-Length: %d\r\n"
           b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n")


def frame(body: bytes) -> bytes:
    """A message body with its header, as every message is sent (the header pygls writes)."""
    return _HEADER % len(body) + body


class Framer:
    """Splits the bytes a client sends into message bodies, each behind a ``Content-Length``
    header."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._length = -1
        """The body length of the message being read; -1 while reading its header."""

    def bodies(self, data: bytes) -> Iterator[bytearray]:
        """The bodies of the messages ``data`` completes, in order."""
        buffer = self._buffer
        buffer += data
        while True:
            if self._length < 0:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(buffer) > _MAX_HEADER:
                        logger.error("dropped %d bytes that hold no message header", len(buffer))
                        buffer.clear()
                    return
                match = _CONTENT_LENGTH.search(bytes(buffer[:end]))
                del buffer[:end + 4]
                if match is None:
                    logger.error("dropped a message header without Content-Length")
                    continue
                self._length = int(match[1])
            if len(buffer) < self._length:
                return
            body = buffer[:self._length]
            del buffer[:self._length]
            self._length = -1
            yield body
