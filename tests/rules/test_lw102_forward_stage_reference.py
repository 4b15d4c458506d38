"""LW102 forward-stage-reference."""

from __future__ import annotations

import pytest

from layerwise.model.analysis import analyze
from layerwise.rules.base import Severity
from layerwise.rules.registry import find_rule
from layerwise.syntax.span import Span

from .helpers import apply_fix as _apply
from .helpers import dedented as _text
from .helpers import fires, silent

RULE = "LW102"


FIRES = {
    "copy-from-later-stage": """
        FROM alpine:3.20 AS app
        COPY --from=assets /dist /srv
        FROM node:20 AS assets
        RUN npm run build
        """,
    "mount-from-later-stage": """
        FROM golang:1.22 AS build
        RUN --mount=from=modules,target=/go/pkg/mod go build ./...
        FROM golang:1.22 AS modules
        RUN go mod download
        """,
    "from-later-stage": """
        FROM base AS app
        COPY . /app
        FROM python:3.12-slim AS base
        """,
    "from-later-stage-through-arg": """
        ARG VARIANT=linux
        FROM base-${VARIANT} AS app
        FROM alpine:3.20 AS base-linux
        """,
    "copy-case-insensitive": """
        FROM alpine:3.20
        COPY --from=Assets /dist /srv
        FROM node:20 AS assets
        """,
}

SILENT = {
    "backward-copy": """
        FROM node:20 AS assets
        RUN npm run build
        FROM alpine:3.20
        COPY --from=assets /dist /srv
        """,
    "backward-from": """
        FROM python:3.12-slim AS base
        FROM base AS app
        """,
    "backward-mount": """
        FROM golang:1.22 AS modules
        FROM golang:1.22
        RUN --mount=from=modules,target=/go/pkg/mod go build ./...
        """,
    "image-named-like-its-stage": """
        FROM golang AS golang
        FROM alpine:3.20
        COPY --from=golang /usr/local/go /usr/local/go
        """,
    "image-references": """
        FROM alpine:3.20
        COPY --from=gloursdocker/docker / /
        COPY --from=golang:1.22 /usr/local/go /usr/local/go
        """,
    "numeric-backward": """
        FROM golang:1.22
        FROM alpine:3.20
        COPY --from=0 /go/bin /usr/local/bin
        """,
    "self-reference-is-lw103": """
        FROM busybox AS stage0
        COPY --from=stage0 f1 /sub/
        """,
    "buildkit-cycle-is-lw103": """
        FROM busybox AS stage0
        COPY --from=stage2 f1 /sub/
        FROM busybox AS stage1
        COPY --from=stage0 f2 /sub/
        FROM busybox AS stage2
        COPY --from=stage1 f2 /sub/
        """,
    "realistic-node-app": """
        FROM node:20-alpine AS deps
        WORKDIR /app
        COPY package.json package-lock.json ./
        RUN npm ci

        FROM deps AS build
        COPY . .
        RUN npm run build

        FROM nginx:1.27-alpine
        COPY --from=build /app/dist /usr/share/nginx/html
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_copy_range_message_and_severity() -> None:
    """The stage holding the reference is not built for the default target: a Warning."""
    [finding] = fires(FIRES["copy-from-later-stage"], RULE)
    assert finding.severity is Severity.WARNING
    assert finding.span == Span.of(1, 12, 1, 18)
    assert finding.message == (
        "--from=assets refers to stage 'assets', which is defined later (line 3): BuildKit "
        "builds stages in file order, so building a target that needs this stage fails; "
        "define 'assets' above the stage that uses it")
    assert finding.related[0].span == Span.of(2, 16, 2, 22)


# moby/buildkit frontend/dockerfile/dockerfile_multistage_test.go testOutOfOrderStage:
# the build fails with "cannot copy from stage", "needs to be defined before current stage".
BUILDKIT_OUT_OF_ORDER = """
    FROM busybox AS target
    COPY --from=build / /out

    FROM alpine AS build
    COPY /Dockerfile /d2

    FROM target
    """


def test_forward_copy_in_a_built_stage_is_an_error() -> None:
    [finding] = fires(BUILDKIT_OUT_OF_ORDER, RULE)
    assert finding.severity is Severity.ERROR
    assert finding.span == Span.of(1, 12, 1, 17)
    assert "so the build fails" in finding.message


def test_forward_mount_for_another_target_is_a_warning() -> None:
    source = """
        FROM golang:1.22 AS build
        RUN --mount=from=modules,target=/go/pkg/mod go build ./...
        FROM golang:1.22 AS modules
        FROM alpine:3.20
        """
    [finding] = fires(source, RULE)
    assert finding.severity is Severity.WARNING
    [finding] = fires(source, RULE, target="build")
    assert finding.severity is Severity.ERROR


def test_from_is_an_error() -> None:
    [finding] = fires(FIRES["from-later-stage"], RULE)
    assert finding.severity is Severity.ERROR
    assert finding.span == Span.of(0, 5, 0, 9)
    assert finding.message == (
        "stage 'base' is defined later (line 3): FROM only sees the stages above it, "
        "so BuildKit pulls an image named 'base' instead")


def test_move_fix_is_exact() -> None:
    source = """
        # the app
        FROM base AS app
        COPY . /app

        # shared base
        FROM python:3.12-slim AS base
        RUN pip install --no-cache-dir flask

        FROM app
        CMD ["flask", "run"]
        """
    [finding] = fires(source, RULE)
    assert finding.fix is not None and not finding.fix.safe
    assert finding.fix.title == "Move stage 'base' above stage 'app'"
    moved = _apply(source, finding.fix.edits)
    assert moved == _text("""
        # shared base
        FROM python:3.12-slim AS base
        RUN pip install --no-cache-dir flask

        # the app
        FROM base AS app
        COPY . /app

        FROM app
        CMD ["flask", "run"]
        """)
    after = analyze(moved)
    assert not list(find_rule(RULE).check(after))  # type: ignore[union-attr]


def test_no_move_of_the_last_stage() -> None:
    """Moving the last stage would change what `docker build` produces."""
    [finding] = fires(FIRES["copy-from-later-stage"], RULE)
    assert finding.fix is None


def test_no_move_with_numeric_references() -> None:
    source = """
        FROM alpine:3.20 AS app
        COPY --from=assets /dist /srv
        FROM node:20 AS assets
        FROM alpine:3.20
        COPY --from=0 /srv /srv
        """
    [finding] = fires(source, RULE)
    assert finding.severity is Severity.ERROR
    assert finding.fix is None


def test_no_move_above_a_stage_it_needs() -> None:
    source = """
        FROM alpine:3.20 AS app
        COPY --from=assets /dist /srv
        FROM node:20 AS toolchain
        FROM toolchain AS assets
        FROM app
        """
    [finding] = fires(source, RULE)
    assert finding.fix is None
