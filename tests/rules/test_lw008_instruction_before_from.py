"""LW008 instruction-before-from."""

from __future__ import annotations

from layerwise.syntax.span import Span

from .helpers import fires, silent


def test_env_before_from_pins_range_and_message() -> None:
    (finding,) = fires("ENV A=1\nFROM alpine\n", "LW008")
    assert finding.span == Span.of(0, 0, 0, 3)
    assert finding.message == "ENV before the first FROM; only ARG may come first"


def test_args_comments_and_directives_are_silent() -> None:
    silent("# syntax=docker/dockerfile:1\n# hi\nARG V=1\nFROM alpine:${V}\nENV A=1\n",
           "LW008")
