"""LW108 unpinned-external-from."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .helpers import fires, silent

RULE = "LW108"
DIGEST = "sha256:6d9ac9237a84afe1516540f40a0fafdc86859b2141954b4d643af7066d598b74"

FIRES = {
    "namespaced-image": """
        FROM alpine:3.20
        COPY --from=gloursdocker/docker / /
        """,
    "registry-port-is-no-tag": """
        FROM alpine:3.20
        COPY --from=localhost:5000/tools/jq /jq /usr/bin/jq
        """,
    "registry-image": """
        FROM alpine:3.20
        COPY --from=ghcr.io/astral-sh/uv /uv /bin/uv
        """,
    "mount-from-image": """
        FROM golang:1.22
        RUN --mount=from=crazymax/gomod-updates,source=/usr/bin/gomod-updates,target=/gomod \\
            gomod-updates --update
        """,
}

SILENT = {
    "tag": """
        FROM alpine:3.20
        COPY --from=gloursdocker/docker:4.29 / /
        """,
    "digest": f"""
        FROM alpine:3.20
        COPY --from=gloursdocker/docker@{DIGEST} \\
            / /
        """,
    "registry-port-and-tag": """
        FROM alpine:3.20
        COPY --from=localhost:5000/tools/jq:1.7 /jq /usr/bin/jq
        """,
    "stage": """
        FROM golang:1.22 AS build
        FROM alpine:3.20
        COPY --from=build /out /out
        """,
    "index": """
        FROM golang:1.22
        FROM alpine:3.20
        COPY --from=0 /out /out
        """,
    "bare-name-is-lw101": """
        FROM alpine:3.20
        COPY --from=busybox /bin/busybox /busybox
        """,
    "untagged-from-is-not-this-rule": """
        FROM gloursdocker/docker
        """,
    "variable": """
        ARG TOOLS_IMAGE=example/tools:1.0
        FROM alpine:3.20
        COPY --from=${TOOLS_IMAGE} /bin/tool /bin/tool
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_and_message() -> None:
    [finding] = fires(FIRES["namespaced-image"], RULE)
    assert finding.severity is Severity.INFORMATION
    assert finding.span == Span.of(1, 12, 1, 31)
    assert finding.message == (
        "--from=gloursdocker/docker has no tag or digest, so BuildKit pulls "
        "'gloursdocker/docker:latest', which changes over time; pin a tag or an @sha256: digest")


def test_mount_range() -> None:
    [finding] = fires(FIRES["mount-from-image"], RULE)
    assert finding.span == Span.of(1, 17, 1, 39)
    assert finding.message.startswith("--mount=from=crazymax/gomod-updates has no tag")
