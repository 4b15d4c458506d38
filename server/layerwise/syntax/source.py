"""Decode Dockerfile bytes into text, reporting what could not be read faithfully."""

from __future__ import annotations

import codecs

from ..record import record
from .span import Position, Span

#: Files larger than this are not analysed (they are not Dockerfiles anyone edits).
MAX_BYTES = 8 * 1024 * 1024


@record
class SourceProblem:
    """Something about the raw bytes that the user should know."""

    message: str
    span: Span


@record
class Decoded:
    """Text ready for the parser plus the problems found while decoding."""

    text: str
    problems: tuple[SourceProblem, ...]
    binary: bool = False


def decode(data: bytes) -> Decoded:
    """Decode bytes as BuildKit reads them (UTF-8), never raising."""
    if len(data) > MAX_BYTES:
        return Decoded("", (SourceProblem(
            f"file is {len(data) // 1024} KiB; Layerwise analyses files up to "
            f"{MAX_BYTES // (1024 * 1024)} MiB", Span.of(0, 0, 0, 0)),), binary=True)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
        return Decoded(text, (SourceProblem(
            "file is encoded as UTF-16; BuildKit reads Dockerfiles as UTF-8, re-save it as UTF-8",
            Span.of(0, 0, 0, 1)),))
    if b"\x00" in data[:8192]:
        return Decoded("", (SourceProblem(
            "binary file: this does not look like a Dockerfile", Span.of(0, 0, 0, 0)),), binary=True)
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return Decoded(data.decode("utf-8"), ())
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        prefix = data[: exc.start].decode("utf-8", errors="replace")
        line = prefix.count("\n")
        col = len(prefix) - (prefix.rfind("\n") + 1)
        return Decoded(text, (SourceProblem(
            f"invalid UTF-8 at byte {exc.start}; the bytes were replaced with U+FFFD",
            Span(Position(line, col), Position(line, col + 1))),))
