"""LW110 default-target-is-dev-stage."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .helpers import fires, silent

RULE = "LW110"

# docker/awesome-compose flask: compose builds `target: builder`, the last stage is dev-envs.
AWESOME_COMPOSE_FLASK = """
    # syntax=docker/dockerfile:1.4
    FROM --platform=$BUILDPLATFORM python:3.10-alpine AS builder

    WORKDIR /app

    COPY requirements.txt /app
    RUN --mount=type=cache,target=/root/.cache/pip \\
        pip3 install -r requirements.txt

    COPY . /app

    ENTRYPOINT ["python3"]
    CMD ["app.py"]

    FROM builder as dev-envs

    RUN <<EOF
    apk update
    apk add git
    EOF

    COPY --from=gloursdocker/docker / /
    """

FIRES = {
    "production-then-dev": """
        FROM node:20 AS base
        FROM base AS production
        CMD ["node", "server.js"]
        FROM base AS dev
        RUN npm install -g nodemon
        """,
    "runtime-then-test": """
        FROM golang:1.22 AS build
        FROM gcr.io/distroless/static AS runtime
        COPY --from=build /out/app /app
        FROM build AS test
        RUN go test ./...
        """,
    "final-then-debug": """
        FROM alpine:3.20 AS final
        FROM final AS debug
        RUN apk add --no-cache strace
        """,
}

SILENT = {
    "production-last": """
        FROM node:20 AS base
        FROM base AS dev
        RUN npm install -g nodemon
        FROM base AS production
        CMD ["node", "server.js"]
        """,
    "dev-last-without-a-production-stage": """
        FROM node:20 AS base
        FROM base AS builder
        FROM base AS dev
        """,
    "awesome-compose-flask-without-configuration": AWESOME_COMPOSE_FLASK,
    "single-dev-stage": """
        FROM node:20 AS dev
        """,
    "unnamed-last-stage": """
        FROM node:20 AS production
        FROM node:20
        """,
    "last-stage-not-dev": """
        FROM node:20 AS app
        FROM app AS devops-tools-image
        FROM app AS server
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_configured_target_differs_from_the_dev_stage() -> None:
    [finding] = fires(AWESOME_COMPOSE_FLASK, RULE, target="builder")
    assert finding.severity is Severity.INFORMATION
    assert finding.span == Span.of(14, 16, 14, 24)
    assert finding.message == (
        "the last stage 'dev-envs' looks like a dev/test stage, but the workspace builds stage "
        "'builder': a plain `docker build` produces the 'dev-envs' image; make the production "
        "stage the last one, or document --target")
    assert finding.related[0].span == Span.of(1, 53, 1, 60)


def test_configured_target_is_the_last_stage() -> None:
    silent(AWESOME_COMPOSE_FLASK, RULE, target="dev-envs")


def test_configured_target_is_itself_a_dev_stage() -> None:
    source = """
        FROM node:20 AS test
        FROM node:20 AS dev
        """
    silent(source, RULE, target="test")


def test_heuristic_range_and_related() -> None:
    [finding] = fires(FIRES["production-then-dev"], RULE)
    assert finding.span == Span.of(3, 13, 3, 16)
    assert finding.related[0].span == Span.of(1, 13, 1, 23)
    assert "rather than 'production'" in finding.message
