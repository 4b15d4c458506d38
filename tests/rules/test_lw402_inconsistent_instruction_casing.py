"""LW402 inconsistent-instruction-casing."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_mixed_case_keyword_pins_range_message_and_fix() -> None:
    (finding,) = fires("# a comment\n#\nFrom scratch as base\nFROM scratch AS base2\n", "LW402")
    assert finding.span == Span.of(2, 0, 2, 4)
    assert finding.message == ("Command 'From' should match the case of the command majority "
                               "(uppercase); write FROM")
    assert finding.severity is Severity.INFORMATION
    assert finding.fix is not None and finding.fix.safe
    assert finding.fix.edits == (TextEdit(Span.of(2, 0, 2, 4), "FROM"),)
    assert finding.data == {"buildkit": "ConsistentInstructionCasing"}


@pytest.mark.parametrize(("source", "word", "case", "line"), [
    ("FROM scratch\ncopy Dockerfile /foo\nCOPY Dockerfile /bar\n", "copy", "uppercase", 1),
    ("frOM scratch as base\nfrom scratch as base2\n", "frOM", "lowercase", 0),
    ("from scratch\nCOPY Dockerfile /foo\ncopy Dockerfile /bar\n", "COPY", "lowercase", 1),
    ("from scratch\nCOPY a /foo\nCOPY a /bar\nCOPY a /baz\n", "from", "uppercase", 0),
    ("FROM scratch\ncopy a /foo\ncopy a /bar\ncopy a /baz\n", "FROM", "lowercase", 0),
])
def test_buildkit_cases(source: str, word: str, case: str, line: int) -> None:
    (finding,) = fires(source, "LW402")
    assert finding.message.startswith(f"Command '{word}' should match the case of the "
                                      f"command majority ({case})")
    assert finding.span.start.line == line


def test_tie_goes_to_upper_case() -> None:
    (finding,) = fires("FROM a\nrun true\n", "LW402")
    assert finding.message.endswith("write RUN")


def test_global_args_and_onbuild_triggers_count() -> None:
    (finding,) = fires("arg V=1\nFROM alpine\nRUN true\n", "LW402")
    assert finding.span == Span.of(0, 0, 0, 3)
    (trigger,) = fires("FROM alpine\nONBUILD run true\n", "LW402")
    assert trigger.span == Span.of(1, 8, 1, 11)


@pytest.mark.parametrize("source", [
    "from scratch\ncopy Dockerfile /foo\ncopy Dockerfile /bar\n",
    "FROM scratch\nCOPY Dockerfile /foo\nCOPY Dockerfile /bar\n",
    "FROM alpine\nRUN <<'EOT'\nenv\nEOT\n",
    "FROM alpine\nRUNN true\n",
])
def test_consistent_files_are_silent(source: str) -> None:
    silent(source, "LW402")
