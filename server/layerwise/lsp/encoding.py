"""Position encodings: the one a session uses, and the length of text in its code units."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["Codec", "choose_encoding"]

#: The encodings positions can be counted in.
SUPPORTED = ("utf-8", "utf-16", "utf-32")


def choose_encoding(capabilities: Any) -> str:
    """The position encoding for a client's ``initialize`` capabilities (as JSON): the first of
    ``general.positionEncodings`` that is supported, else UTF-16 (pygls chooses the same)."""
    general = capabilities.get("general") if isinstance(capabilities, Mapping) else None
    offered = general.get("positionEncodings") if isinstance(general, Mapping) else None
    for encoding in offered if isinstance(offered, list) else ():
        if encoding in SUPPORTED:
            return str(encoding)
    return "utf-16"


class Codec:
    """Counts text in the code units of one position encoding."""

    __slots__ = ("encoding",)

    def __init__(self, encoding: str = "utf-16") -> None:
        self.encoding = encoding

    def units(self, text: str) -> int:
        """The length of ``text`` in code units."""
        if text.isascii() or self.encoding == "utf-32":
            return len(text)
        if self.encoding == "utf-8":
            return len(text.encode("utf-8", "surrogatepass"))
        return len(text.encode("utf-16-le", "surrogatepass")) // 2

    def __repr__(self) -> str:
        return f"Codec({self.encoding!r})"
