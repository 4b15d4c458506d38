"""A document's text and line tables after incremental changes, as the client sends them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from layerwise.lsp.documents import Document

_CHARS = st.sampled_from(["a", " ", "\\", "😀", "中", "\n", "\r\n", "\r", "é"])
_TEXT = st.lists(_CHARS, max_size=40).map("".join)


def _fresh(text: str) -> Document:
    return Document("file:///w/Dockerfile", 1, text, PositionCodec(types.PositionEncodingKind.Utf16))


def _change(doc: Document, line: int, col: int, length: int,
            text: str) -> types.TextDocumentContentChangePartial:
    """Replace ``length`` UTF-16 units from (line, col), clamped to the document."""
    line = min(line, len(doc.lines) - 1)
    width = len(doc.lines[line].encode("utf-16-le")) // 2
    col = min(col, width)
    end = min(col + length, width)
    return types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(line, col), types.Position(line, end)), text=text)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.lists(st.tuples(st.integers(0, 8), st.integers(0, 12), st.integers(0, 3),
                                 _TEXT), max_size=12))
def test_line_tables_follow_every_change(text: str,
                                         edits: list[tuple[int, int, int, str]]) -> None:
    """Typing within a line updates the tables in place; the result always equals tables
    computed from the text alone."""
    doc = _fresh(text)
    for line, col, length, inserted in edits:
        doc.apply(_change(doc, line, col, length, inserted))
        fresh = _fresh(doc.text)
        assert list(doc.lines) == list(fresh.lines)
        assert list(doc.line_starts) == list(fresh.line_starts)


def test_typing_keeps_the_tables() -> None:
    doc = _fresh("FROM a\nRUN echo 😀 x\r\nCMD b\n")
    lines = doc.lines
    doc.apply(_change(doc, 1, 12, 0, "yz"))
    assert doc.lines is lines
    assert doc.text == "FROM a\nRUN echo 😀 yzx\r\nCMD b\n"
    assert list(doc.line_starts) == [0, 7, 23, 29]
