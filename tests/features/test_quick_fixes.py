"""Quick fixes, ignore pragmas and fix-all, applied to text and re-analysed."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.features.actions.fix_all import (
    apply_edits,
    fix_text,
    safe_edits,
    self_overlapping,
)
from layerwise.features.actions.quick_fixes import quick_fixes
from layerwise.model.analysis import analyze
from layerwise.rules.base import FileEdit, Finding, Fix, Severity
from layerwise.rules.run import run_rules
from layerwise.syntax.span import Span, TextEdit

TEXT = "FROM alpine\n  RUNN apk add curl\nCMD ['app']\n"


def _ids(text: str) -> list[str]:
    return [f.rule_id for f in run_rules(analyze(text))]


def test_rule_fix_and_ignore_actions_for_a_finding() -> None:
    analysis = analyze(TEXT)
    findings = run_rules(analysis)
    fixes = quick_fixes(analysis, findings, Span.of(1, 3, 1, 3))
    assert [f.title for f in fixes] == ["Change to RUN", "Ignore LW002 for this instruction",
                                        "Ignore LW002 in this file"]
    assert fixes[0].preferred
    assert apply_edits(TEXT, fixes[0].edits) == "FROM alpine\n  RUN apk add curl\nCMD ['app']\n"
    here = apply_edits(TEXT, fixes[1].edits)
    assert here == "FROM alpine\n  # layerwise: ignore=LW002\n  RUNN apk add curl\nCMD ['app']\n"
    assert "LW002" not in _ids(here)
    whole = apply_edits(TEXT, fixes[2].edits)
    assert whole.startswith("# layerwise: ignore-file=LW002\nFROM alpine")
    assert "LW002" not in _ids(whole)


def test_ignore_in_file_goes_below_parser_directives() -> None:
    text = "# syntax=docker/dockerfile:1\nFROM alpine\nRUNN x\n"
    analysis = analyze(text)
    fixes = quick_fixes(analysis, run_rules(analysis), Span.of(2, 0, 2, 4))
    result = apply_edits(text, next(f for f in fixes if "file" in f.title).edits)
    assert result.splitlines()[:2] == ["# syntax=docker/dockerfile:1",
                                       "# layerwise: ignore-file=LW002"]


def test_fix_all_reaches_a_fixpoint_and_is_idempotent() -> None:
    def findings_of(text: str):  # type: ignore[no-untyped-def]
        return run_rules(analyze(text))

    once = fix_text(TEXT, findings_of)
    # Other safe fixes (LW206 adds --no-cache) may apply too.
    assert "  RUN apk add" in once and "RUNN" not in once and '["app"]' in once
    assert fix_text(once, findings_of) == once


def test_apply_edits_clamps_and_orders() -> None:
    edits = [TextEdit(Span.of(1, 1, 1, 99), "Z"), TextEdit(Span.of(0, 0, 0, 1), "Y")]
    assert apply_edits("ab\ncd", edits) == "Yb\ncZ"


def _finding(edits: tuple[TextEdit, ...], safe: bool = True) -> Finding:
    return Finding("LW999", "test", Severity.WARNING, "test", Span.of(1, 0, 1, 4),
                   fix=Fix("Broken fix", edits, safe=safe))


# A deletion of line 1 plus an insert inside that line: no client can apply both.
_CONFLICTING = (TextEdit(Span.of(1, 0, 2, 0), ""), TextEdit(Span.of(1, 3, 1, 3), " --x"))


def test_a_fix_whose_own_edits_overlap_is_not_offered() -> None:
    assert self_overlapping(_CONFLICTING)
    assert not self_overlapping((TextEdit(Span.of(1, 0, 1, 3), "RUN"),
                                 TextEdit(Span.of(1, 3, 1, 3), " --x"),  # touching is fine
                                 TextEdit(Span.of(0, 0, 0, 0), "a"),
                                 TextEdit(Span.of(0, 0, 0, 0), "b")))  # so are two inserts
    analysis = analyze(TEXT)
    fixes = quick_fixes(analysis, [_finding(_CONFLICTING)], Span.of(1, 0, 1, 0))
    assert [f.title for f in fixes] == ["Ignore LW999 for this instruction",
                                        "Ignore LW999 in this file"]
    assert safe_edits([_finding(_CONFLICTING)]) == []


def test_a_fix_of_another_file_is_offered_but_never_applied_by_fix_all(tmp_path: Path) -> None:
    files = (FileEdit(tmp_path / ".dockerignore", (".env",), create=True),)
    finding = Finding("LW999", "test", Severity.WARNING, "test", Span.of(1, 0, 1, 4),
                      fix=Fix("Create .dockerignore with .env", (), safe=False, files=files))
    fixes = quick_fixes(analyze(TEXT), [finding], Span.of(1, 0, 1, 0))
    assert fixes[0].title == "Create .dockerignore with .env"
    assert fixes[0].files == files and fixes[0].edits == () and not fixes[0].preferred
    assert safe_edits([finding]) == []
    with pytest.raises(ValueError, match="cannot be safe"):
        Fix("Add .env", (), files=files)


@pytest.mark.parametrize(("text", "expected"), [
    ("", ".env\n*.pem\n"),
    ("node_modules", "node_modules\n.env\n*.pem\n"),  # the last line is ended first
    ("node_modules\n", "node_modules\n.env\n*.pem\n"),
    ("a\r\nb", "a\r\nb\r\n.env\r\n*.pem\r\n"),  # the file's line breaks are kept
    ("*.pem\n", "*.pem\n.env\n"),  # lines already there are not repeated
    ("  .env  \n*.pem", "  .env  \n*.pem"),  # nothing missing: no edit
])
def test_file_edit_appends_the_missing_lines(text: str, expected: str) -> None:
    edit = FileEdit(Path("/ctx/.dockerignore"), (".env", "*.pem", ".env"))
    assert apply_edits(text, edit.text_edits(text)) == expected
    assert bool(edit.text_edits(text)) == (text != expected)
