"""LW001 parse-error."""

from __future__ import annotations

from layerwise.model.analysis import analyze_bytes
from layerwise.rules.registry import find_rule
from layerwise.syntax.span import Span

from .helpers import findings, fires, silent


def test_non_string_json_array_pins_range_and_message() -> None:
    (finding,) = fires('FROM alpine\nCMD ["sh", 1]\n', "LW001")
    assert finding.span == Span.of(1, 4, 1, 13)
    assert finding.message == (
        "when using JSON array syntax, arrays must be comprised of strings only")


def test_env_single_word_and_mixed_forms() -> None:
    assert fires("FROM a\nENV FOO\n", "LW001")[0].message == "ENV must have two arguments"
    assert "can't find =" in fires("FROM a\nENV A=1 B\n", "LW001")[0].message


def test_duplicate_and_invalid_escape_directives() -> None:
    assert "only one escape" in fires("# escape=`\n# escape=\\\nFROM a\n", "LW001")[0].message
    assert "invalid escape" in fires("# escape=x\nFROM a\n", "LW001")[0].message


def test_empty_and_comment_only_files() -> None:
    assert fires("", "LW001")
    assert fires("# just a comment\n", "LW001")


def test_invalid_utf8_and_binary_input_are_reported() -> None:
    rule = find_rule("LW001")
    assert rule is not None
    bad = list(rule.check(analyze_bytes(b"FROM alpine\nLABEL a=\xff\n")))
    assert bad and "UTF-8" in bad[0].message and bad[0].span.start.line == 1
    binary = list(rule.check(analyze_bytes(b"\x00\x01\x02ELF" * 50)))
    assert [f.message for f in binary] == ["binary file: this does not look like a Dockerfile"]


def test_errors_do_not_hide_later_instructions() -> None:
    analysis_text = 'FROM a\nCMD ["x", 1]\nRUNN foo\nCOPY --form=x a b\n'
    assert findings(analysis_text, "LW002")
    assert findings(analysis_text, "LW003")


def test_silent_on_valid_files() -> None:
    silent("FROM alpine\nRUN echo hi\nCMD [\"sh\"]\n", "LW001")
    silent("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n", "LW001")
    silent("FROM a\nCMD ['not', 'json']\n", "LW001")
