"""LW106 unused-stage."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .helpers import apply_fix as _apply
from .helpers import dedented as _text
from .helpers import findings, fires, silent

RULE = "LW106"


# vimagick/dockerfiles ambari: the final stage never copies from `build`.
AMBARI = """
    #
    # Dockerfile for ambari
    #

    FROM maven:3-jdk-8 AS build
    ENV AMBARI_VERSION=2.7.5.0
    RUN curl -sSL https://archive.apache.org/dist/ambari/ambari-${AMBARI_VERSION}/\\
    apache-ambari-${AMBARI_VERSION}-src.tar.gz | tar xz \\
        && cd apache-ambari-${AMBARI_VERSION}-src \\
        && mvn -B clean install package -DskipTests

    FROM centos:7
    RUN yum install -y java-1.8.0-openjdk
    """

FIRES = {
    "vimagick-ambari": AMBARI,
    "unnamed-stage": """
        FROM golang:1.22
        RUN go build -o /out/app .
        FROM alpine:3.20
        COPY app /app
        """,
    "referenced-only-by-itself": """
        FROM alpine:3.20 AS tools
        COPY --from=tools /a /b
        FROM alpine:3.20
        """,
    "forgotten-copy": """
        FROM node:20 AS assets
        RUN npm run build
        FROM golang:1.22 AS api
        RUN go build -o /out/api .
        FROM alpine:3.20
        COPY --from=api /out/api /api
        """,
}

CONVENTIONAL = [
    "test", "tests", "test-unit", "testing", "lint", "dev", "dev-envs", "development", "debug",
    "ci", "release", "binaries", "artifacts", "test-coverage", "go-coverage", "vendor",
    "vendored", "validate", "validate-toc", "unit-test", "golangci-lint", "update", "generate",
]

SILENT = {
    "last-stage": """
        FROM alpine:3.20 AS runtime
        """,
    "single-unnamed-stage": """
        FROM alpine:3.20
        RUN true
        """,
    "used-by-from": """
        FROM python:3.12 AS base
        FROM base
        """,
    "used-by-copy": """
        FROM golang:1.22 AS build
        FROM alpine:3.20
        COPY --from=build /out /out
        """,
    "used-by-mount": """
        FROM golang:1.22 AS modules
        FROM golang:1.22
        RUN --mount=from=modules,target=/go/pkg/mod go build ./...
        """,
    "used-by-index": """
        FROM golang:1.22
        FROM alpine:3.20
        COPY --from=0 /out /out
        """,
    "used-by-forward-copy": """
        FROM alpine:3.20 AS app
        COPY --from=assets /dist /srv
        FROM node:20 AS assets
        FROM app
        """,
    "used-by-forward-from-is-lw102": """
        FROM base AS app
        FROM python:3.12 AS base
        FROM app
        """,
    "selected-through-variable": """
        ARG GOLANGCI_FROM_SOURCE=false
        FROM scratch AS golangci-binary-false
        FROM golang:1.22 AS golangci-binary-true
        RUN go build -o /golangci-lint ./cmd/golangci-lint
        FROM golangci-binary-${GOLANGCI_FROM_SOURCE} AS golangci-binary
        FROM alpine:3.20
        COPY --from=golangci-binary / /usr/bin/
        """,
    "selected-by-platform": """
        FROM alpine:3.20 AS base-linux
        FROM mcr.microsoft.com/windows/nanoserver:ltsc2022 AS base-windows
        FROM base-$TARGETOS
        """,
    "export-stage": """
        FROM golang:1.22 AS generate
        RUN go generate ./... && mkdir /out
        FROM scratch AS out
        COPY --from=generate /out /
        FROM generate AS check
        FROM alpine:3.20
        COPY --from=generate /out /srv
        """,
    "duplicate-names-are-lw104": """
        FROM alpine:3.20 AS build
        FROM alpine:3.20 AS build
        FROM alpine:3.20
        COPY --from=build / /
        """,
    "buildkit-hack-authors": """
        # syntax=docker/dockerfile-upstream:master

        ARG ALPINE_VERSION=3.21

        FROM alpine:${ALPINE_VERSION} AS gen
        RUN apk add --no-cache git
        WORKDIR /src
        RUN --mount=type=bind,target=. <<EOT
          set -e
          mkdir /out
          git log --format='%aN <%aE>' | sort -uf >> /out/AUTHORS
        EOT

        FROM scratch AS update
        COPY --from=gen /out /

        FROM gen AS validate
        RUN --mount=type=bind,target=.,rw <<EOT
          set -e
          git add -A
          cp -rf /out/* .
        EOT
        """,
    "awesome-compose-dev-envs": """
        FROM --platform=$BUILDPLATFORM python:3.10-alpine AS builder
        WORKDIR /app
        COPY requirements.txt /app
        RUN pip3 install -r requirements.txt
        COPY . /app
        ENTRYPOINT ["python3"]
        CMD ["app.py"]

        FROM builder as dev-envs
        RUN apk add git
        COPY --from=gloursdocker/docker / /
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


@pytest.mark.parametrize("name", CONVENTIONAL)
def test_conventional_target_names(name: str) -> None:
    silent(f"""
        FROM golang:1.22 AS {name}
        RUN go test ./...
        FROM alpine:3.20
        """, RULE)


def test_configured_target_is_used() -> None:
    source = """
        FROM golang:1.22 AS tools
        FROM alpine:3.20
        """
    silent(source, RULE, target="tools")
    fires(source, RULE)


def test_configured_target_does_not_hide_other_stages() -> None:
    source = """
        FROM golang:1.22 AS build
        FROM alpine:3.20 AS prod
        FROM alpine:3.20 AS extra
        """
    [finding] = fires(source, RULE, target="prod")
    assert finding.span == Span.of(0, 20, 0, 25)


def test_range_message_tag_and_fix() -> None:
    [finding] = fires(AMBARI, RULE)
    assert finding.severity is Severity.HINT
    assert finding.unnecessary
    assert finding.span == Span.of(4, 22, 4, 27)
    assert finding.message == (
        "stage 'build' is never used: no FROM, --from or --mount=from refers to it and it is "
        "not the build target, so BuildKit skips it")
    assert finding.fix is not None and not finding.fix.safe
    assert finding.fix.title == "Remove stage 'build'"
    assert _apply(AMBARI, finding.fix.edits) == _text("""
        #
        # Dockerfile for ambari
        #

        FROM centos:7
        RUN yum install -y java-1.8.0-openjdk
        """)


def test_unnamed_stage_points_at_from() -> None:
    [finding] = fires(FIRES["unnamed-stage"], RULE)
    assert finding.span == Span.of(0, 0, 0, 4)
    assert finding.message.startswith("stage 0 is never used")


def test_removal_keeps_comments_of_the_next_stage() -> None:
    source = """
        # tools we no longer need
        FROM alpine:3.20 AS tools
        RUN apk add --no-cache jq

        # runtime
        FROM alpine:3.20
        """
    [finding] = fires(source, RULE)
    assert finding.fix is not None
    assert _apply(source, finding.fix.edits) == "# runtime\nFROM alpine:3.20\n"


def test_no_removal_when_later_stages_are_numbered() -> None:
    source = """
        FROM alpine:3.20 AS tools
        FROM golang:1.22
        FROM alpine:3.20
        COPY --from=1 /go/bin /usr/local/bin
        """
    [finding] = findings(source, RULE)
    assert finding.fix is None
