"""A document's text and line tables after incremental changes, as the client sends them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from layerwise.lsp.documents import Change, Document
from layerwise.lsp.encoding import Codec

_CHARS = st.sampled_from(["a", " ", "\\", "😀", "中", "\n", "\r\n", "\r", "é"])
_TEXT = st.lists(_CHARS, max_size=40).map("".join)


def _fresh(text: str) -> Document:
    return Document("file:///w/Dockerfile", 1, text, Codec())


def _change(doc: Document, line: int, col: int, length: int, text: str) -> Change:
    """Replace ``length`` UTF-16 units from (line, col), clamped to the document."""
    line = min(line, len(doc.lines) - 1)
    width = len(doc.lines[line].encode("utf-16-le")) // 2
    col = min(col, width)
    end = min(col + length, width)
    return Change((line, col, line, end), text)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.lists(st.tuples(st.integers(0, 8), st.integers(0, 12), st.integers(0, 3),
                                 _TEXT), max_size=12))
def test_line_tables_follow_every_change(text: str,
                                         edits: list[tuple[int, int, int, str]]) -> None:
    """Typing within a line updates the tables in place (line starts only when asked for);
    the text and tables always equal those of a document opened with the same text."""
    doc = _fresh(text)
    for n, (line, col, length, inserted) in enumerate(edits):
        change = _change(doc, line, col, length, inserted)
        reference = _fresh(text)
        reference.apply(change)
        text = reference.text
        doc.apply(change)
        assert doc.text == text
        assert list(doc.lines) == list(_fresh(text).lines)
        if n % 3 == 2:
            assert list(doc.line_starts) == list(_fresh(text).line_starts)
    assert list(doc.line_starts) == list(_fresh(text).line_starts)


def test_typing_keeps_the_tables() -> None:
    doc = _fresh("FROM a\nRUN echo 😀 x\r\nCMD b\n")
    lines = doc.lines
    doc.apply(_change(doc, 1, 12, 0, "yz"))
    assert doc.lines is lines
    assert doc.text == "FROM a\nRUN echo 😀 yzx\r\nCMD b\n"
    assert list(doc.line_starts) == [0, 7, 23, 29]
