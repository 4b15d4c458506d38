"""LW211 toolchain-in-final-image."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .helpers import fires, silent

RULE = "LW211"

FIRES = {
    "apt-build-essential": """
        FROM debian:12-slim
        RUN apt-get update && apt-get install -y --no-install-recommends build-essential \\
            && rm -rf /var/lib/apt/lists/*
        """,
    "apt-dev-headers": """
        FROM python:3.12-slim
        RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev \\
            && rm -rf /var/lib/apt/lists/*
        """,
    "apk-build-base": """
        FROM alpine:3.20
        RUN apk add --no-cache build-base
        """,
    "apk-musl-dev": """
        FROM alpine:3.20
        RUN apk add --no-cache gcc musl-dev
        """,
    "rpm-devel": """
        FROM rockylinux:9
        RUN dnf install -y gcc openssl-devel && dnf clean all
        """,
    "sdk-package": """
        FROM debian:12-slim
        RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk maven \\
            && rm -rf /var/lib/apt/lists/*
        """,
    "in-a-base-stage-of-the-chain": """
        FROM python:3.12-slim AS base
        RUN apt-get update && apt-get install -y --no-install-recommends gcc
        FROM base AS app
        COPY . /app
        """,
}

SILENT = {
    "saved-apt-mark-purge": """
        FROM debian:12-slim
        RUN set -eux; \\
            savedAptMark="$(apt-mark showmanual)"; \\
            apt-get update; \\
            apt-get install -y --no-install-recommends gcc make libssl-dev; \\
            make install; \\
            apt-mark auto '.*' > /dev/null; \\
            apt-mark manual $savedAptMark; \\
            apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\
            rm -rf /var/lib/apt/lists/*
        """,
    "apk-virtual-deleted": """
        FROM alpine:3.20
        RUN apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del .build-deps
        """,
    "apt-remove": """
        FROM debian:12-slim
        RUN apt-get update && apt-get install -y gcc make && make && apt remove -y gcc make \\
            && rm -rf /var/lib/apt/lists/*
        """,
    "builder-stage": """
        FROM python:3.12 AS build
        RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
        RUN pip wheel -w /wheels psycopg2
        FROM python:3.12-slim
        COPY --from=build /wheels /wheels
        """,
    "devcontainer-base": """
        FROM mcr.microsoft.com/devcontainers/base:bookworm
        RUN apt-get update && apt-get install -y build-essential
        """,
    "buildpack-deps-base": """
        FROM buildpack-deps:bookworm
        RUN apt-get update && apt-get install -y cmake
        """,
    "sdk-base": """
        FROM mcr.microsoft.com/dotnet/sdk:8.0
        RUN apt-get update && apt-get install -y clang
        """,
    "toolchain-image": """
        FROM golang:1.22
        RUN apt-get update && apt-get install -y gcc-multilib make
        """,
    "dev-target-stage": """
        FROM python:3.12-slim AS dev
        RUN apt-get update && apt-get install -y --no-install-recommends gcc
        """,
    "ci-target-stage": """
        FROM node:20 AS ci
        RUN apt-get update && apt-get install -y --no-install-recommends make
        """,
    "runtime-packages": """
        FROM debian:12-slim
        RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libpq5 \\
            && rm -rf /var/lib/apt/lists/*
        """,
    "copy-only-final-stage": """
        FROM golang:1.22 AS build
        RUN apt-get update && apt-get install -y gcc
        FROM gcr.io/distroless/static-debian12
        COPY --from=build /go/bin/app /app
        """,
    "purged-later-is-lw201": """
        FROM debian:12-slim
        RUN apt-get update && apt-get install -y gcc
        RUN apt-get purge -y gcc
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_and_message() -> None:
    (finding,) = fires("""
        FROM python:3.12-slim
        RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev curl \\
            && rm -rf /var/lib/apt/lists/*
        """, RULE)
    assert finding.span == Span.of(1, 65, 1, 68)
    assert finding.severity is Severity.INFORMATION
    assert finding.message == ("build toolchain in the final image: gcc and libpq-dev are installed "
                               "here and never removed; build in a separate stage and copy only "
                               "the result")
    assert finding.fix is None


def test_devcontainer_folder(tmp_path: Path) -> None:
    silent(FIRES["apt-build-essential"], RULE, path=tmp_path / ".devcontainer" / "Dockerfile")
