"""LW409 redundant-target-platform."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_target_platform_pins_range_message_and_fix() -> None:
    (finding,) = fires("FROM --platform=$TARGETPLATFORM scratch\n", "LW409")
    assert finding.span == Span.of(0, 5, 0, 31)
    assert finding.message == ("Setting platform to predefined $TARGETPLATFORM in FROM is "
                               "redundant as this is the default behavior; remove the "
                               "--platform flag")
    assert finding.unnecessary
    assert finding.severity is Severity.INFORMATION
    assert finding.data == {"buildkit": "RedundantTargetPlatform"}
    assert finding.fix is not None and finding.fix.safe
    assert finding.fix.edits == (TextEdit(Span.of(0, 5, 0, 32), ""),)


def test_braced_form_is_quoted_as_written() -> None:
    (finding,) = fires("FROM --platform=${TARGETPLATFORM} scratch AS a\n", "LW409")
    assert "predefined ${TARGETPLATFORM} in FROM" in finding.message


def test_flag_on_its_own_line_is_removed_alone() -> None:
    (finding,) = fires("FROM --platform=$TARGETPLATFORM \\\n    alpine\n", "LW409")
    assert finding.fix is not None
    assert finding.fix.edits == (TextEdit(Span.of(0, 5, 0, 31), ""),)


@pytest.mark.parametrize("source", [
    "# check=skip=Nothing\nFROM --platform=$BUILDPLATFORM scratch\n",
    "FROM --platform=$TARGETOS/$TARGETARCH scratch\n",
    "FROM --platform=${TARGETPLATFORM}-x scratch\n",
    "FROM --platform=linux/amd64 scratch\n",
    "FROM scratch\n",
])
def test_other_platforms_are_silent(source: str) -> None:
    silent(source, "LW409")
