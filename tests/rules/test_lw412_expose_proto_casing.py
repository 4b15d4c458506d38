"""LW412 expose-proto-casing."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_buildkit_case_pins_ranges_messages_and_fixes() -> None:
    first, second = fires("FROM scratch\nEXPOSE 80/TcP 8080/TCP 8080/udp\n", "LW412")
    assert first.span == Span.of(1, 10, 1, 13)
    assert first.message == ("Defined protocol '80/TcP' in EXPOSE instruction should be "
                             "lowercase; write tcp")
    assert first.severity is Severity.INFORMATION
    assert first.data == {"buildkit": "ExposeProtoCasing"}
    assert first.fix is not None
    assert first.fix.edits == (TextEdit(Span.of(1, 10, 1, 13), "tcp"),)
    assert second.message.startswith("Defined protocol '8080/TCP'")
    assert second.span == Span.of(1, 19, 1, 22)


def test_expanded_protocols_are_checked_on_the_word() -> None:
    (finding,) = fires("FROM scratch\nARG P=UDP\nEXPOSE 53/$P\n", "LW412")
    assert finding.span == Span.of(2, 7, 2, 12)
    assert finding.fix is None
    assert "'53/UDP'" in finding.message


@pytest.mark.parametrize("source", [
    "FROM alpine\nEXPOSE 80/tcp\n",
    "FROM alpine\nEXPOSE 80 443 8000-8010/udp 9/sctp\n",
    "FROM alpine\nEXPOSE 80/foo\n",
    "FROM alpine\nEXPOSE $PORT/$PROTO\n",
])
def test_lower_case_or_invalid_protocols_are_silent(source: str) -> None:
    silent(source, "LW412")
