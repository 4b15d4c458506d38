"""LW109 arg-scope."""

from __future__ import annotations

import pytest

from layerwise.model.analysis import analyze
from layerwise.rules.base import Severity
from layerwise.rules.registry import find_rule
from layerwise.syntax.span import Span

from .helpers import apply_fix as _apply
from .helpers import dedented as _text
from .helpers import findings, fires, silent

RULE = "LW109"


FIRES = {
    "run": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        RUN wget https://example.com/tool-$VERSION.tar.gz
        """,
    "run-braces-in-double-quotes": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        RUN echo "tool ${VERSION}" > /version
        """,
    "env": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        ENV APP_VERSION=$VERSION
        """,
    "env-same-name": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        ENV VERSION=${VERSION}
        """,
    "copy-source": """
        ARG DIST=dist
        FROM nginx:1.27
        COPY ${DIST}/ /usr/share/nginx/html/
        """,
    "copy-chown-flag": """
        ARG APP_USER=app
        FROM alpine:3.20
        COPY --chown=$APP_USER app /app
        """,
    "workdir": """
        ARG APP_DIR=/srv/app
        FROM alpine:3.20
        WORKDIR $APP_DIR
        """,
    "label": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        LABEL org.opencontainers.image.version=$VERSION
        """,
    "user": """
        ARG UID=10001
        FROM alpine:3.20
        USER $UID
        """,
    "expose": """
        ARG PORT=8080
        FROM alpine:3.20
        EXPOSE $PORT
        """,
    "arg-default": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        ARG TAG=v$VERSION
        """,
    "mount-option": """
        ARG CACHE_ID=go
        FROM golang:1.22
        RUN --mount=type=cache,id=$CACHE_ID,target=/root/.cache go build ./...
        """,
    "heredoc-script": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        RUN <<EOF
        set -e
        wget https://example.com/tool-$VERSION.tar.gz
        EOF
        """,
    "heredoc-data-unquoted": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        RUN cat <<EOF > /etc/tool.conf
        version = '$VERSION'
        EOF
        """,
    "platform-arg": """
        FROM --platform=$BUILDPLATFORM golang:1.22
        RUN GOARCH=$TARGETARCH go build -o /out/app .
        """,
    "second-stage-does-not-inherit-from-first": """
        ARG VERSION=1.4.2
        FROM alpine:3.20 AS one
        ARG VERSION
        RUN echo $VERSION
        FROM alpine:3.20 AS two
        RUN echo $VERSION
        """,
    "used-before-its-declaration": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        RUN echo $VERSION
        ARG VERSION
        """,
    "default-does-not-see-the-global": """
        ARG NODE_VERSION=20
        FROM debian:bookworm-slim
        RUN echo ${NODE_VERSION:-18}
        """,
}

SILENT = {
    "redeclared": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        ARG VERSION
        RUN wget https://example.com/tool-$VERSION.tar.gz
        """,
    "redeclared-in-base-stage": """
        ARG VERSION=1.4.2
        FROM alpine:3.20 AS base
        ARG VERSION
        FROM base
        RUN echo $VERSION
        """,
    "env-in-base-stage": """
        ARG VERSION=1.4.2
        FROM alpine:3.20 AS base
        ENV VERSION=2.0
        FROM base
        RUN echo $VERSION
        """,
    "global-used-in-from": """
        ARG GO_VERSION=1.22
        FROM golang:${GO_VERSION}-alpine
        RUN go version
        """,
    "from-with-undeclared-arg-is-lw415": """
        FROM golang:${GO_VERSION}-alpine
        RUN go version
        """,
    "undeclared-variable-is-lw406": """
        FROM alpine:3.20
        RUN echo $NOT_DECLARED_ANYWHERE
        WORKDIR $ALSO_UNKNOWN
        """,
    "single-quoted-in-run": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        RUN echo '$VERSION' > /literal
        """,
    "escaped-in-run": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        RUN echo \\$VERSION > /literal
        """,
    "assigned-by-the-script": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        RUN VERSION=$(cat /etc/alpine-release) && echo $VERSION
        """,
    "for-loop-variable": """
        ARG ARCH=amd64
        FROM alpine:3.20
        RUN for ARCH in amd64 arm64; do echo $ARCH; done
        """,
    "exec-form-run": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        RUN ["echo", "$VERSION"]
        """,
    "runtime-instructions": """
        ARG PORT=8080
        FROM alpine:3.20
        CMD echo $PORT
        ENTRYPOINT exec /app --port $PORT
        HEALTHCHECK CMD wget -q localhost:$PORT
        """,
    "proxy-args": """
        ARG HTTP_PROXY=http://proxy:3128
        FROM alpine:3.20
        RUN echo $HTTP_PROXY
        """,
    "official-image-env": """
        ARG PYTHON_VERSION=3.12
        FROM python:${PYTHON_VERSION}-slim
        RUN echo "built with python $PYTHON_VERSION"
        """,
    "official-image-env-through-stage": """
        ARG NODE_VERSION=20
        FROM node:${NODE_VERSION}-alpine AS base
        FROM base
        RUN echo $NODE_VERSION
        """,
    "quoted-heredoc-data": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        RUN cat <<'EOF' > /usr/local/bin/show
        echo $VERSION
        EOF
        """,
    "python-heredoc-script": """
        ARG HOME_DIR=/srv
        FROM python:3.12
        RUN <<EOF
        #!/usr/bin/env python3
        print("$HOME_DIR")
        EOF
        """,
    "onbuild": """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        ONBUILD RUN echo $VERSION
        """,
    "platform-arg-redeclared": """
        FROM --platform=$BUILDPLATFORM golang:1.22
        ARG TARGETOS TARGETARCH
        RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
        """,
    "buildkit-lint-dockerfile": """
        ARG GO_VERSION=1.26
        ARG ALPINE_VERSION=3.23
        ARG GOLANGCI_LINT_VERSION=v2.12.2
        ARG GOPLS_ANALYZERS="embeddirective fillreturns"

        FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS golang-base

        FROM golang-base AS golangci-build
        WORKDIR /src
        ARG GOLANGCI_LINT_VERSION
        RUN --mount=type=cache,target=/root/.cache \\
            git clone --branch ${GOLANGCI_LINT_VERSION} https://github.com/golangci/golangci-lint .

        FROM golang-base AS gopls-analyze
        ARG GOPLS_ANALYZERS
        ARG TARGETNAME
        ARG TARGETPLATFORM
        RUN --mount=target=. \\
          --mount=target=/root/.cache,type=cache,id=lint-cache-${TARGETNAME}-${TARGETPLATFORM} <<EOF
          set -ex
          for analyzer in ${GOPLS_ANALYZERS}; do
            go vet -vettool=/gopls-analyzers/$analyzer ./...
          done
        EOF
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_related_and_fix() -> None:
    source = FIRES["run"]
    [finding] = fires(source, RULE)
    assert finding.severity is Severity.WARNING
    assert finding.span == Span.of(2, 34, 2, 42)
    assert finding.message == (
        "global ARG 'VERSION' is declared before the first FROM and is unset in stage 0: "
        "add `ARG VERSION` in the stage to use its value")
    assert finding.related[0].span == Span.of(0, 4, 0, 11)
    assert finding.fix is not None
    fixed = _apply(source, finding.fix.edits)
    assert fixed == _text("""
        ARG VERSION=1.4.2
        FROM alpine:3.20
        ARG VERSION
        RUN wget https://example.com/tool-$VERSION.tar.gz
        """)
    assert not list(find_rule(RULE).check(analyze(fixed)))  # type: ignore[union-attr]


def test_braced_reference_range() -> None:
    [finding] = fires(FIRES["env-same-name"], RULE)
    assert finding.span == Span.of(2, 12, 2, 22)


def test_heredoc_body_range() -> None:
    [finding] = fires(FIRES["heredoc-script"], RULE)
    assert finding.span == Span.of(4, 30, 4, 38)


def test_continuation_line_range() -> None:
    source = """
        ARG VERSION=1.4.2
        FROM alpine:3.20
        RUN apk add --no-cache curl \\
         && curl -fsSLO https://example.com/v$VERSION/tool
        """
    [finding] = fires(source, RULE)
    assert finding.span == Span.of(3, 37, 3, 45)


def test_platform_arg_message() -> None:
    [finding] = fires(FIRES["platform-arg"], RULE)
    assert finding.span == Span.of(1, 11, 1, 22)
    assert finding.message.startswith("'TARGETARCH' is an automatic platform ARG")
    assert finding.related == ()


def test_late_declaration_says_move_and_has_no_fix() -> None:
    [finding] = fires(FIRES["used-before-its-declaration"], RULE)
    assert "declares it only at line 4" in finding.message
    assert finding.fix is None


def test_one_finding_per_instruction_and_name() -> None:
    source = """
        ARG V=1
        FROM alpine:3.20 AS build
        RUN curl -o /tool-$V https://example.com/$V/tool-$V
        RUN echo $V
        """
    result = findings(source, RULE)
    assert [f.span.start.line for f in result] == [2, 3]
    assert "stage 'build'" in result[0].message


def test_fix_follows_casing_indentation_and_line_endings() -> None:
    source = "arg V=1\r\n  from alpine:3.20\r\nrun echo $V\r\n"
    result = list(find_rule(RULE).check(analyze(source)))  # type: ignore[union-attr]
    [finding] = result
    assert finding.fix is not None
    [edit] = finding.fix.edits
    assert edit.span == Span.of(2, 0, 2, 0)
    assert edit.new_text == "  arg V\r\n"
