"""LW413 expose-invalid-format."""

from __future__ import annotations

import pytest

from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_buildkit_case_pins_ranges_messages_and_fixes() -> None:
    found = fires("FROM scratch\nEXPOSE 127.0.0.1:80:80 [::1]:8080:8080 5000:5000 8000\n",
                  "LW413")
    assert [f.span for f in found] == [Span.of(1, 7, 1, 22), Span.of(1, 23, 1, 38),
                                       Span.of(1, 39, 1, 48)]
    assert found[0].message == ("EXPOSE instruction should not define an IP address or "
                                "host-port mapping, found '127.0.0.1:80:80'; expose only the "
                                "container port 80")
    assert found[1].message.endswith("found '[::1]:8080:8080'; expose only the container "
                                     "port 8080")
    assert found[0].data == {"buildkit": "ExposeInvalidFormat"}
    assert found[0].fix is not None and found[0].fix.safe
    assert found[0].fix.edits == (TextEdit(Span.of(1, 7, 1, 22), "80"),)


def test_protocol_is_kept_by_the_fix() -> None:
    (finding,) = fires("FROM alpine\nEXPOSE 8080:80/udp\n", "LW413")
    assert finding.fix is not None
    assert finding.fix.edits[0].new_text == "80/udp"


def test_unknown_host_variable_still_shows_a_mapping() -> None:
    (finding,) = fires("FROM alpine\nEXPOSE ${HOST_PORT}:80\n", "LW413")
    assert "found '…:80'" in finding.message
    assert finding.fix is None


@pytest.mark.parametrize("source", [
    "FROM alpine\nEXPOSE 80\n",
    "FROM alpine\nEXPOSE 80/udp 8000-8010\n",
    "FROM alpine\nARG PORT=80\nEXPOSE $PORT\n",
    "FROM alpine\nEXPOSE ${PORT:-80}\n",
    "FROM alpine\nEXPOSE 80:80/bogus\n",
])
def test_plain_ports_are_silent(source: str) -> None:
    silent(source, "LW413")
