"""The adapter's pure parts: position conversion, diagnostics, the document store."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.protocol import default_converter

from layerwise.config import Settings
from layerwise.lsp import convert, wire
from layerwise.lsp.documents import Change, Document, DocumentStore
from layerwise.lsp.encoding import Codec
from layerwise.rules.base import Finding, Fix, Related, Severity
from layerwise.rules.catalog import rule_docs_url
from layerwise.syntax.span import Position, Span, TextEdit

LINE = 'LABEL a="😀中" b=1'  # 😀: 1 code point, 2 UTF-16 units, 4 UTF-8 bytes; 中: 1, 1, 3


def doc(text: str, encoding: str = "utf-16") -> Document:
    return Document("file:///w/Dockerfile", 1, text, Codec(encoding))


@pytest.mark.parametrize(("encoding", "after_emoji", "after_cjk", "end"), [
    ("utf-16", 11, 12, 17), ("utf-8", 13, 16, 21), ("utf-32", 10, 11, 16)])
def test_columns_in_each_encoding(encoding: str, after_emoji: int, after_cjk: int,
                                  end: int) -> None:
    d = doc(f"FROM a\n{LINE}\n", encoding)
    for col, units in ((10, after_emoji), (11, after_cjk), (len(LINE), end)):
        assert convert.to_lsp_position(d, Position(1, col)) == types.Position(1, units)
        assert convert.from_lsp_position(d, types.Position(1, units)) == Position(1, col)


def test_clamping() -> None:
    d = doc("FROM a\nRUN x\n")
    assert convert.from_lsp_position(d, types.Position(1, 99)) == Position(1, 5)
    assert convert.from_lsp_position(d, types.Position(99, 0)) == Position(2, 0)
    assert convert.to_lsp_position(d, Position(7, 3)) == types.Position(2, 0)
    assert convert.to_lsp_position(d, Position(0, 99)) == types.Position(0, 6)
    # Inside a surrogate pair: after the character.
    assert convert.from_lsp_position(doc(LINE), types.Position(0, 10)) == Position(0, 10)


def test_lines_split_like_lsp() -> None:
    d = doc("a\r\nb\rc\x0cd\u2028e\nf")
    assert list(d.lines) == ["a", "b", "c\x0cd\u2028e", "f"]
    d.apply(Change((2, 2, 3, 0), "X"))
    assert d.text == "a\r\nb\rc\x0cXf"


def test_diagnostic_fields() -> None:
    d = doc("FROM a AS x\nMAINTAINER me\n")
    finding = Finding("LW106", "unused-stage", Severity.HINT, "stage 'x' is never used",
                      Span.of(0, 10, 0, 11),
                      related=(Related(Span.of(1, 0, 1, 10), "see here"),),
                      fix=Fix("Remove stage 'x'", (TextEdit(Span.of(0, 0, 1, 0), ""),)),
                      unnecessary=True, deprecated=True, data={"stage": "x"})
    item = default_converter().structure(wire.diagnostic_json(d, finding), types.Diagnostic)
    assert item.range == types.Range(types.Position(0, 10), types.Position(0, 11))
    assert item.severity == types.DiagnosticSeverity.Hint
    assert item.code == "LW106" and item.source == "layerwise"
    assert item.code_description == types.CodeDescription(
        href=rule_docs_url("LW106"))
    assert list(item.tags or ()) == [types.DiagnosticTag.Unnecessary, types.DiagnosticTag.Deprecated]
    assert list(item.related_information or ()) == [types.DiagnosticRelatedInformation(
        location=types.Location(uri=d.uri, range=types.Range(types.Position(1, 0),
                                                              types.Position(1, 10))),
        message="see here")]
    assert item.data == {"id": "LW106", "name": "unused-stage", "fix": True,
                         "args": {"stage": "x"}}


def test_plain_snippet() -> None:
    assert convert.plain_snippet('CMD ["${1:executable}"]') == 'CMD ["executable"]'
    assert convert.plain_snippet("ARG ${1:name}=$2$0") == "ARG name="
    assert convert.plain_snippet(r"echo \$HOME") == "echo $HOME"


def test_store_analyses_once_per_revision_and_settings() -> None:
    settings = {"value": Settings()}
    store = DocumentStore(lambda uri: settings["value"])
    d = store.open("file:///w/Dockerfile", 1, 'FROM a\nCMD ["a", 1]\n')
    first = store.analysis(d)
    assert store.analysis(d) is first
    assert [f.rule_id for f in store.findings(d)] == ["LW001"]
    settings["value"] = Settings(rules={"LW001": "off"})
    assert store.findings(d) == []
    store.change(d.uri, 2, [Change(None, "FROM b\n")])
    assert store.analysis(d) is not first and d.version == 2


def test_store_does_not_analyse_binary_or_huge_text() -> None:
    store = DocumentStore(lambda uri: Settings())
    binary = store.open("file:///w/a", 1, "FROM a\n\x00\x01\x02")
    assert any("binary file" in f.message for f in store.findings(binary))
    huge = store.open("file:///w/b", 1, "#" * (9 * 1024 * 1024))
    assert any("larger than" in f.message for f in store.findings(huge))
