"""Positions, spans and text edits: the core's own coordinate types.

Lines are 0-based; columns count Unicode code points (Python ``str`` indexes).
The LSP adapter converts them to the client's position encoding.
"""

from __future__ import annotations

from typing import NamedTuple


class Position(NamedTuple):
    """A place in a document: 0-based line and code-point column."""

    line: int
    col: int


class Span(NamedTuple):
    """A half-open range ``[start, end)`` between two positions."""

    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, col: int, end_line: int, end_col: int) -> Span:
        """Build a span from four numbers."""
        return cls(Position(line, col), Position(end_line, end_col))

    def contains(self, pos: Position) -> bool:
        """Tell whether ``pos`` lies inside the span (end inclusive, for cursors)."""
        return self.start <= pos <= self.end


class TextEdit(NamedTuple):
    """Replace the text in ``span`` with ``new_text``."""

    span: Span
    new_text: str
