"""LW216 copy-whole-filesystem."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .helpers import fires, silent

RULE = "LW216"

FIRES = {
    "stage": """
        FROM golang:1.22 AS build
        RUN go build -o /out/app ./cmd/app
        FROM debian:12-slim
        COPY --from=build / /
        """,
    "external-image": """
        FROM python:3.10-alpine AS dev-envs
        COPY --from=gloursdocker/docker / /
        """,
    "root-into-a-folder": """
        FROM debian:12 AS rootfs
        FROM alpine:3.20
        COPY --from=rootfs / /rootfs
        """,
}

SILENT = {
    "explicit-paths": """
        FROM golang:1.22 AS build
        RUN go build -o /out/app ./cmd/app
        FROM debian:12-slim
        COPY --from=build /out/app /usr/local/bin/app
        """,
    "scratch-stage": """
        FROM golang:1.22 AS build
        RUN go build -o /out/app ./cmd/app
        FROM scratch AS binaries
        COPY --from=build /out/app /
        FROM alpine:3.20
        COPY --from=binaries / /usr/local/bin/
        """,
    "xx-helper": """
        FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4.0 AS xx
        FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build
        COPY --from=xx / /
        RUN xx-go build ./...
        FROM alpine:3.20
        COPY --from=build /go/bin/app /app
        """,
    "xx-image-directly": """
        FROM alpine:3.20
        COPY --from=tonistiigi/xx:1.4.0 / /
        """,
    "artifact-stage": """
        FROM debian:12 AS a
        FROM alpine:3.20 AS b
        COPY --from=a / /
        FROM alpine:3.20
        COPY --from=b /etc/os-release /x
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_and_message() -> None:
    (finding,) = fires(FIRES["stage"], RULE)
    assert finding.span == Span.of(3, 18, 3, 19)
    assert finding.severity is Severity.INFORMATION
    assert finding.message == ("COPY --from=build / copies its whole filesystem into this layer "
                               "(package manager, caches, toolchain); copy the paths you need")
