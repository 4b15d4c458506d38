"""LW212 context-copy-before-deps."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.model.context import BuildContext
from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import findings, fires, silent

RULE = "LW212"

FIRES = {
    "distroless-nodejs": """
        FROM node:20 AS build-env
        COPY . /app
        WORKDIR /app
        RUN npm ci --omit=dev

        FROM gcr.io/distroless/nodejs20-debian12
        COPY --from=build-env /app /app
        WORKDIR /app
        CMD ["hello.js"]
        """,
    "distroless-go": """
        FROM golang:1.22 AS build
        WORKDIR /go/src/app
        COPY . .
        RUN go mod download
        RUN CGO_ENABLED=0 go build -o /go/bin/app

        FROM gcr.io/distroless/static-debian12
        COPY --from=build /go/bin/app /
        CMD ["/app"]
        """,
    "pip-requirements": """
        FROM python:3.12-slim
        WORKDIR /app
        COPY . .
        RUN pip install --no-cache-dir -r requirements.txt
        """,
    "yarn": """
        FROM node:20-slim
        WORKDIR /app
        ADD . .
        RUN yarn install --frozen-lockfile
        """,
    "poetry": """
        FROM python:3.12-slim
        COPY . /src
        WORKDIR /src
        RUN poetry install --no-root
        """,
    "bundle": """
        FROM ruby:3.3
        COPY . /app
        RUN bundle install
        """,
    "composer": """
        FROM composer:2
        COPY . /app
        RUN composer install --no-dev
        """,
    "cargo-fetch": """
        FROM rust:1.79
        COPY . .
        RUN cargo fetch
        """,
    "maven": """
        FROM maven:3.9
        COPY . .
        RUN mvn -B dependency:go-offline
        """,
    "gradle": """
        FROM gradle:8-jdk21
        COPY . .
        RUN gradle dependencies
        """,
    "dotnet": """
        FROM mcr.microsoft.com/dotnet/sdk:8.0
        COPY . .
        RUN dotnet restore
        """,
}

SILENT = {
    "voting-app-worker": """
        FROM mcr.microsoft.com/dotnet/sdk:7.0 AS build
        WORKDIR /source
        COPY *.csproj .
        RUN dotnet restore
        COPY . .
        RUN dotnet publish -c release -o /app --no-restore
        FROM mcr.microsoft.com/dotnet/runtime:7.0
        COPY --from=build /app .
        """,
    "manifests-first": """
        FROM node:20-slim
        WORKDIR /app
        COPY package*.json ./
        RUN npm ci
        COPY . .
        RUN npm run build
        """,
    "flask": """
        FROM python:3.10-alpine
        WORKDIR /app
        COPY requirements.txt /app
        RUN --mount=type=cache,target=/root/.cache/pip pip3 install -r requirements.txt
        COPY . /app
        """,
    "go-mod-first": """
        FROM golang:1.22
        COPY go.mod go.sum ./
        RUN go mod download
        COPY . .
        RUN go build ./...
        """,
    "bind-mounted-manifest": """
        FROM python:3.12-slim
        COPY . /app
        RUN --mount=type=bind,source=requirements.txt,target=/tmp/requirements.txt \\
            pip install --no-cache-dir -r /tmp/requirements.txt
        """,
    "build-after-copy": """
        FROM node:20-slim
        COPY . .
        RUN npm run build && go build ./...
        """,
    "global-tool-install": """
        FROM node:20-slim
        COPY . .
        RUN npm install -g typescript
        """,
    "install-before-copy": """
        FROM node:20-slim
        RUN npm ci
        COPY . .
        """,
    "pip-install-of-the-project": """
        FROM python:3.12-slim
        COPY . /app
        RUN pip install --no-cache-dir /app
        """,
    "copy-from-another-stage": """
        FROM node:20 AS src
        FROM node:20-slim
        COPY --from=src . .
        RUN npm ci
        """,
    "requirements-dir-first": """
        FROM python:3.12-slim
        WORKDIR /app
        COPY requirements/ requirements/
        RUN pip install --no-cache-dir -r requirements/base.txt
        COPY . .
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_related_and_fix() -> None:
    source = FIRES["distroless-nodejs"]
    (finding,) = fires(source, RULE)
    assert finding.span == Span.of(1, 5, 1, 6)
    assert finding.severity is Severity.INFORMATION
    assert finding.message == ("the whole context is copied before the install at line 4: any "
                               "source change re-runs it; copy package*.json first")
    assert finding.related[0].span == Span.of(3, 4, 3, 7)
    assert finding.fix is not None and not finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM node:20 AS build-env
        COPY package*.json /app/
        WORKDIR /app
        RUN npm ci --omit=dev
        COPY . /app

        FROM gcr.io/distroless/nodejs20-debian12
        COPY --from=build-env /app /app
        WORKDIR /app
        CMD ["hello.js"]
        """)
    silent(result, RULE)


def test_fix_for_requirements() -> None:
    source = FIRES["pip-requirements"]
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result == text("""
        FROM python:3.12-slim
        WORKDIR /app
        COPY requirements.txt ./
        RUN pip install --no-cache-dir -r requirements.txt
        COPY . .
        """)
    silent(result, RULE)


def test_no_fix_when_a_run_sits_between() -> None:
    (finding,) = fires(FIRES["distroless-go"], RULE)
    assert finding.fix is not None
    (finding,) = fires("""
        FROM golang:1.22
        COPY . .
        RUN go generate ./...
        RUN go mod download
        """, RULE)
    assert finding.fix is None


def test_several_installs_are_one_finding() -> None:
    (finding,) = fires("""
        FROM python:3.12
        COPY . /app
        WORKDIR /app
        RUN pip install --no-cache-dir -r requirements.txt
        RUN npm ci
        """, RULE)
    assert finding.message.startswith(
        "the whole context is copied before the dependency installs at lines 4 and 5")
    assert len(finding.related) == 2 and finding.fix is None


def test_manifests_from_the_build_context(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "yarn.lock").write_text("")
    dockerfile = tmp_path / "Dockerfile"
    source = FIRES["yarn"]
    dockerfile.write_text(text(source))
    (finding,) = findings(source, RULE, path=dockerfile,
                          context=BuildContext.for_dockerfile(dockerfile))
    assert finding.message.endswith("copy package.json yarn.lock first")
    assert "ADD package.json yarn.lock ./\n" in fixed(source, finding)
