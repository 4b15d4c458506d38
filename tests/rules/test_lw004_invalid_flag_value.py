"""LW004 invalid-flag-value."""

from __future__ import annotations

import pytest

from layerwise.syntax.span import Span

from .helpers import fires, silent


def test_cache_mount_without_target_pins_range_and_message() -> None:
    (finding,) = fires("FROM a\nRUN --mount=type=cache pip install x\n", "LW004")
    assert finding.span == Span.of(1, 4, 1, 22)
    assert finding.message == "--mount=type=cache needs target=<path>"


@pytest.mark.parametrize("line", [
    "COPY --chmod=abc a b",
    "RUN --network=bogus true",
    "RUN --security=root true",
    "HEALTHCHECK --interval=5 CMD true",
    "HEALTHCHECK --retries=many CMD true",
    "COPY --link=maybe a b",
    "RUN --mount=type=cache,target=/x,sharing=exclusive true",
    "RUN --mount=type=secret,id=x,uid=root true",
    "ADD --checksum=md5:abc https://example.com/x /x",
    "COPY --from a b",
])
def test_bad_values_fire(line: str) -> None:
    fires(f"FROM --platform=linux/arm64 alpine\n{line}\n", "LW004")


def test_bad_platform_fires() -> None:
    fires("FROM --platform=linux/amd64/v2/extra alpine\n", "LW004")


def test_good_and_variable_values_are_silent() -> None:
    silent("""\
        ARG MODE=0755
        FROM --platform=$BUILDPLATFORM golang:1.22
        COPY --chmod=$MODE a b
        COPY --chmod=u+x,g-w a b
        RUN --mount=type=secret,id=tok,env=TOKEN --network=host true
        RUN --mount=type=ssh true
        HEALTHCHECK --interval=1m30s --timeout=500ms --retries=0 CMD true
        """, "LW004")
