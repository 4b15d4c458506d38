"""LW103 stage-cycle."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .helpers import findings, fires, silent

RULE = "LW103"

# moby/buildkit frontend/dockerfile/dockerfile2llb/convert_test.go,
# TestDockerfileCircularDependencies
BUILDKIT_SELF = """
    FROM busybox AS stage0
    COPY --from=stage0 f1 /sub/
    """
BUILDKIT_THREE = """
    FROM busybox AS stage0
    COPY --from=stage2 f1 /sub/
    FROM busybox AS stage1
    COPY --from=stage0 f2 /sub/
    FROM busybox AS stage2
    COPY --from=stage1 f2 /sub/
    """

FIRES = {
    "buildkit-self-reference": BUILDKIT_SELF,
    "buildkit-three-stage-cycle": BUILDKIT_THREE,
    "two-stage-cycle": """
        FROM alpine:3.20 AS a
        COPY --from=b /x /x
        FROM alpine:3.20 AS b
        COPY --from=a /y /y
        """,
    "self-mount": """
        FROM golang:1.22 AS build
        RUN --mount=from=build,target=/cache go build ./...
        """,
    "self-by-index": """
        FROM alpine:3.20
        COPY --from=0 /etc/hosts /hosts
        """,
    "cycle-through-from": """
        FROM alpine:3.20 AS base
        COPY --from=app /srv /srv
        FROM base AS app
        """,
}

SILENT = {
    "chain": """
        FROM golang:1.22 AS build
        FROM build AS test
        FROM alpine:3.20
        COPY --from=build /out /out
        """,
    "diamond": """
        FROM alpine:3.20 AS base
        FROM base AS left
        FROM base AS right
        FROM alpine:3.20
        COPY --from=left /l /l
        COPY --from=right /r /r
        """,
    "forward-without-cycle": """
        FROM alpine:3.20 AS app
        COPY --from=assets /dist /srv
        FROM node:20 AS assets
        """,
    "mount-index-is-an-image": """
        FROM alpine:3.20
        RUN --mount=from=0,target=/x ls /x
        """,
    "image-named-like-the-stage": """
        FROM golang AS golang
        COPY --from=golang:1.22 /usr/local/go /usr/local/go
        """,
    "realistic-multi-stage": """
        FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.6.1 AS xx
        FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build
        COPY --from=xx / /
        RUN --mount=type=cache,target=/root/.cache xx-go build -o /out/app .
        FROM build AS test
        RUN --mount=from=xx,target=/xx go test ./...
        FROM scratch
        COPY --from=build /out/app /app
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_self_reference_range_and_message() -> None:
    [finding] = fires(BUILDKIT_SELF, RULE)
    assert finding.severity is Severity.ERROR
    assert finding.span == Span.of(1, 12, 1, 18)
    assert finding.message == (
        "stage 'stage0' copies from itself: circular dependency stage0 → stage0")


def test_three_stage_cycle_is_reported_once_with_its_path() -> None:
    [finding] = findings(BUILDKIT_THREE, RULE)
    assert finding.message == (
        "circular dependency between stages: stage0 → stage2 → stage1 → stage0")
    assert finding.span == Span.of(1, 12, 1, 18)
    assert [r.span for r in finding.related] == [Span.of(5, 12, 5, 18), Span.of(3, 12, 3, 18)]
    assert finding.related[0].message == "'stage2' copies from 'stage1' here"


def test_unnamed_stages_are_named_as_buildkit_does() -> None:
    [finding] = fires(FIRES["self-by-index"], RULE)
    assert "stage-0 → stage-0" in finding.message


def test_two_separate_cycles() -> None:
    source = """
        FROM alpine:3.20 AS a
        COPY --from=a /x /x
        FROM alpine:3.20 AS b
        COPY --from=c /x /x
        FROM alpine:3.20 AS c
        COPY --from=b /x /x
        """
    assert len(findings(source, RULE)) == 2
