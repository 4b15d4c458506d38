"""LW405 workdir-relative-path."""

from __future__ import annotations

import pytest

from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_relative_workdir_pins_range_message_and_fix() -> None:
    (finding,) = fires("FROM scratch\nWORKDIR app/\n", "LW405")
    assert finding.span == Span.of(1, 8, 1, 12)
    assert finding.message == ('Relative workdir "app/" can have unexpected results if the base '
                               "image changes; use an absolute path")
    assert finding.data == {"buildkit": "WorkdirRelativePath"}
    assert finding.fix is not None and finding.fix.safe  # scratch starts in /
    assert finding.fix.edits == (TextEdit(Span.of(1, 8, 1, 8), "/"),)


def test_fix_on_an_image_needs_review_and_replaces_dot_slash() -> None:
    (finding,) = fires("FROM nginx:1.27\nWORKDIR ./build\n", "LW405")
    assert finding.fix is not None and not finding.fix.safe
    assert finding.fix.edits == (TextEdit(Span.of(1, 8, 1, 10), "/"),)


def test_expanded_value_is_checked() -> None:
    (finding,) = fires("FROM alpine\nARG DIR=app\nWORKDIR $DIR\n", "LW405")
    assert '"app"' in finding.message


def test_only_the_first_workdir_of_a_stage_chain_counts() -> None:
    found = fires("FROM alpine\nWORKDIR a\nWORKDIR b\nFROM alpine\nWORKDIR c\n", "LW405")
    assert [f.span.start.line for f in found] == [1, 4]


@pytest.mark.parametrize("source", [
    "FROM scratch AS a\nWORKDIR /app\n\nFROM a AS b\nWORKDIR subdir/\n",
    "FROM scratch\nWORKDIR /app\nWORKDIR sub\n",
    "FROM alpine\nARG DIR=/srv\nWORKDIR $DIR/app\n",
    "FROM golang\nWORKDIR $GOPATH/src/app\n",
    "FROM mcr.microsoft.com/windows/nanoserver\nWORKDIR C:\\\\app\n",
    'FROM alpine\nWORKDIR "/app"\n',
    "FROM alpine\nONBUILD WORKDIR app\n",
])
def test_absolute_or_unknown_paths_are_silent(source: str) -> None:
    silent(source, "LW405")
