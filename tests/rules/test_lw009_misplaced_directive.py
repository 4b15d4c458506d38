"""LW009 misplaced-directive."""

from __future__ import annotations

from layerwise.model.analysis import analyze
from layerwise.rules.registry import find_rule
from layerwise.syntax.span import Span

from .helpers import fires, silent


def test_directive_after_comment_pins_range_and_message() -> None:
    (finding,) = fires("# hello\n# syntax=docker/dockerfile:1\nFROM a\n", "LW009")
    assert finding.span == Span.of(1, 0, 1, 28)
    assert finding.message.startswith("'# syntax=' is ignored here")


def test_directive_after_blank_line_and_after_instruction() -> None:
    rule = find_rule("LW009")
    assert rule is not None
    assert list(rule.check(analyze("\n# escape=`\nFROM a\n")))
    fires("FROM a\n# syntax=docker/dockerfile:1\nRUN x\n", "LW009")


def test_directives_at_the_top_and_per_instruction_check_skip_are_silent() -> None:
    silent("# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=all\nFROM a\n", "LW009")
    silent("FROM a\n# check=skip=SecretsUsedInArgOrEnv\nARG TOKEN\n", "LW009")
