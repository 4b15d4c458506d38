"""LW101 unknown-stage-reference."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .helpers import apply_fix as _apply
from .helpers import findings, fires, silent

RULE = "LW101"
DIGEST = "sha256:6d9ac9237a84afe1516540f40a0fafdc86859b2141954b4d643af7066d598b74"


FIRES = {
    "index-past-last-stage": """
        FROM golang:1.22 AS build
        FROM alpine:3.20
        COPY --from=2 /out/app /app
        """,
    "mount-index-past-last-stage": """
        FROM alpine:3.20
        RUN --mount=from=3,target=/src ls /src
        """,
    "mount-index": """
        FROM golang:1.22 AS build
        FROM alpine:3.20
        RUN --mount=from=0,source=/go/bin,target=/bin2 ls /bin2
        """,
    "negative-index": """
        FROM golang:1.22 AS build
        FROM alpine:3.20
        COPY --from=-1 /out/app /app
        """,
    "copy-typo": """
        FROM golang:1.22 AS builder
        FROM alpine:3.20
        COPY --from=buidler /out/app /app
        """,
    "copy-typo-two-edits": """
        FROM node:20 AS frontend
        FROM nginx:1.27
        COPY --from=frontnd /app/dist /usr/share/nginx/html
        """,
    "mount-typo": """
        FROM golang:1.22 AS modules
        FROM golang:1.22
        RUN --mount=from=modlues,source=/go/pkg,target=/go/pkg go build ./...
        """,
    "from-typo": """
        FROM golang:1.22 AS builder
        RUN go build -o /out/app .
        FROM bulder AS tested
        RUN /out/app --self-test
        """,
    "from-case-mismatch": """
        FROM golang:1.22 AS builder
        FROM Builder
        """,
    "bare-name": """
        FROM alpine:3.20
        COPY --from=tools /usr/bin/jq /usr/bin/jq
        """,
    "bare-name-in-mount": """
        FROM alpine:3.20
        RUN --mount=from=assets,target=/assets cp -r /assets /srv
        """,
}

SILENT = {
    "tagged-image": """
        FROM alpine:3.20
        COPY --from=golang:alpine3.24 /usr/local/go /usr/local/go
        """,
    "image-with-namespace": """
        FROM alpine:3.20
        COPY --from=gloursdocker/docker / /
        """,
    "image-with-namespace-and-tag": """
        FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.6.1 AS xx
        FROM alpine:3.20
        COPY --from=tonistiigi/xx:1.6.1 / /
        """,
    "registry-image": """
        FROM alpine:3.20
        COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv
        """,
    "digest-image": f"""
        FROM alpine:3.20
        COPY --from=busybox@{DIGEST} \\
            /bin/busybox /busybox
        """,
    "from-scratch": """
        FROM scratch
        COPY app /app
        """,
    "copy-from-scratch": """
        FROM alpine:3.20
        COPY --from=scratch / /empty
        """,
    "from-bare-image": """
        FROM ubuntu
        RUN echo hello
        """,
    "from-image-named-like-its-stage": """
        FROM node AS node
        RUN node --version
        """,
    "from-later-stage-is-lw102": """
        FROM base AS app
        FROM python:3.12 AS base
        """,
    "from-typo-of-later-stage-only": """
        FROM bulder AS app
        FROM golang:1.22 AS builder
        """,
    "valid-stage": """
        FROM golang:1.22 AS builder
        FROM alpine:3.20
        COPY --from=builder /out/app /app
        """,
    "copy-name-case-insensitive": """
        FROM golang:1.22 AS builder
        FROM alpine:3.20
        COPY --from=BUILDER /out/app /app
        """,
    "valid-index": """
        FROM golang:1.22
        FROM alpine:3.20
        COPY --from=0 /out/app /app
        COPY --from=1 /etc/os-release /os-release
        """,
    "variable-from": """
        ARG IMG=golang:1.22
        FROM alpine:3.20
        COPY --from=${IMG} /usr/local/go /usr/local/go
        """,
    "from-image-through-global-arg": """
        ARG GO_VERSION=1.22
        FROM golang:${GO_VERSION}-alpine AS build
        FROM alpine:3.20
        COPY --from=build /go/bin /usr/local/bin
        """,
    "official-image-near-a-stage-name": """
        FROM alpine:3.20 AS app
        FROM php
        COPY --from=app / /srv
        """,
    "two-letter-names-are-not-typos": """
        FROM alpine:3.20 AS js
        FROM jq
        COPY --from=js / /srv
        """,
    "realistic-go-service": """
        # syntax=docker/dockerfile:1
        ARG GO_VERSION=1.22
        FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS build
        WORKDIR /src
        RUN --mount=type=cache,target=/go/pkg/mod \\
            --mount=type=bind,source=go.mod,target=go.mod \\
            go mod download
        COPY . .
        RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server

        FROM gcr.io/distroless/static-debian12 AS runtime
        COPY --from=build /out/server /server
        ENTRYPOINT ["/server"]
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_typo_range_message_and_fix() -> None:
    source = """
        FROM golang:1.22 AS builder
        RUN go build -o /out/app .

        FROM alpine:3.20
        COPY --from=buidler /out/app /usr/local/bin/app
        """
    [finding] = fires(source, RULE)
    assert finding.severity is Severity.ERROR
    assert finding.message == "unknown stage 'buidler', did you mean 'builder'?"
    assert finding.span == Span.of(4, 12, 4, 19)
    assert finding.related[0].span == Span.of(0, 20, 0, 27)
    assert finding.fix is not None
    assert "COPY --from=builder /out/app" in _apply(source, finding.fix.edits)


def test_from_typo_fix_rewrites_the_from_line() -> None:
    source = FIRES["from-typo"]
    [finding] = fires(source, RULE)
    assert finding.span == Span.of(2, 5, 2, 11)
    assert finding.fix is not None
    assert "FROM builder AS tested" in _apply(source, finding.fix.edits)


def test_bad_index_message() -> None:
    [finding] = fires(FIRES["index-past-last-stage"], RULE)
    assert finding.severity is Severity.ERROR
    assert finding.span == Span.of(2, 12, 2, 13)
    assert finding.message == (
        "invalid stage index 2: the Dockerfile has 2 stages, so the index must be 0 to 1")
    assert finding.fix is None


def test_mount_index_is_an_image_in_buildkit() -> None:
    """BuildKit resolves `--mount=from` by name only (`detectRunMount`): `0` is an image."""
    source = FIRES["mount-index"]
    [finding] = fires(source, RULE)
    assert finding.severity is Severity.ERROR
    assert finding.span == Span.of(2, 17, 2, 18)
    assert finding.message == (
        "--mount=from takes a stage name, not an index: BuildKit pulls an image named '0' "
        "instead of using stage 0")
    assert finding.fix is not None
    assert "RUN --mount=from=build,source=/go/bin" in _apply(source, finding.fix.edits)


def test_mount_index_of_unnamed_stage_has_no_fix() -> None:
    source = """
        FROM golang:1.22
        FROM alpine:3.20
        RUN --mount=from=0,target=/src ls /src
        """
    [finding] = fires(source, RULE)
    assert finding.fix is None


def test_bare_name_is_a_hint() -> None:
    [finding] = fires(FIRES["bare-name"], RULE)
    assert finding.severity is Severity.HINT
    assert finding.span == Span.of(1, 12, 1, 17)
    assert "docker.io/library/tools:latest" in finding.message
    assert "build context named 'tools'" in finding.message


def test_official_image_close_to_a_stage_is_only_a_hint() -> None:
    """`--from=node` next to a stage `code` means the image, not a typo."""
    source = """
        FROM alpine:3.20 AS code
        FROM alpine:3.20
        COPY --from=code /src /src
        COPY --from=node /usr/local/bin/node /usr/local/bin/node
        """
    [finding] = fires(source, RULE)
    assert finding.severity is Severity.HINT


def test_case_mismatch_in_from() -> None:
    [finding] = fires(FIRES["from-case-mismatch"], RULE)
    assert finding.severity is Severity.ERROR
    assert finding.span == Span.of(1, 5, 1, 12)
    assert "case-sensitively" in finding.message
    assert finding.fix is not None
    assert _apply(FIRES["from-case-mismatch"], finding.fix.edits).endswith("FROM builder\n")


def test_typo_through_a_variable_has_no_fix() -> None:
    source = """
        ARG BASE=buidler
        FROM golang:1.22 AS builder
        FROM ${BASE}
        """
    [finding] = fires(source, RULE)
    assert finding.fix is None
    assert finding.span == Span.of(2, 5, 2, 12)


def test_every_reference_is_checked() -> None:
    source = """
        FROM golang:1.22 AS builder
        FROM alpine:3.20
        COPY --from=buidler /a /a
        RUN --mount=from=buidler,target=/b true
        COPY --from=9 /c /c
        """
    assert len(findings(source, RULE)) == 3
