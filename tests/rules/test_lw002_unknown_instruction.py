"""LW002 unknown-instruction."""

from __future__ import annotations

from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_typo_pins_range_message_and_fix() -> None:
    (finding,) = fires("FROM alpine\nRUNN apk add curl\n", "LW002")
    assert finding.span == Span.of(1, 0, 1, 4)
    assert finding.message == "unknown instruction 'RUNN'; did you mean RUN?"
    assert finding.fix is not None
    assert finding.fix.edits == (TextEdit(Span.of(1, 0, 1, 4), "RUN"),)


def test_unknown_inner_onbuild_and_junk() -> None:
    assert fires("FROM a\nONBUILD COPPY . /app\n", "LW002")
    (junk,) = fires("FROM a\n\x01\x02\x03garbage-without-a-suggestion\n", "LW002")
    assert "did you mean" not in junk.message


def test_lowercase_and_mixed_case_instructions_are_known() -> None:
    silent("from alpine\nrun echo hi\nCopy a b\n", "LW002")


def test_heredoc_bodies_are_not_instructions() -> None:
    silent("FROM a\nRUN <<EOF\nRUNN not an instruction here\nEOF\n", "LW002")
