"""LW206 apk-cache."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW206"

FIRES = {
    "apk-add": """
        FROM alpine:3.20
        RUN apk add curl
        """,
    "apk-update-and-add": """
        FROM alpine:3.20
        RUN apk update && apk add curl
        """,
    "apk-add-update": """
        FROM alpine:3.20
        RUN apk add --update curl
        """,
    "virtual-group-deleted-is-not-an-exemption": """
        FROM alpine:3.20
        RUN apk add --virtual .build-deps gcc musl-dev && make && apk del .build-deps
        """,
    "heredoc": """
        FROM python:3.10-alpine
        RUN <<EOF
        apk update
        apk add git
        EOF
        """,
}

SILENT = {
    "no-cache": """
        FROM alpine:3.20
        RUN apk add --no-cache curl
        """,
    "no-cache-before-action": """
        FROM alpine:3.20
        RUN apk --no-cache add curl
        """,
    "rm-cache-in-the-same-run": """
        FROM alpine:3.20
        RUN apk update && apk add libevent redis && rm -f /var/cache/apk/*
        """,
    "rm-rf-cache-dir": """
        FROM alpine:3.20
        RUN apk add curl && rm -rf /var/cache/apk
        """,
    "cache-mount": """
        FROM alpine:3.20
        RUN --mount=type=cache,target=/var/cache/apk apk add curl
        """,
    "etc-apk-cache-mount": """
        FROM alpine:3.20
        RUN --mount=type=cache,target=/etc/apk/cache apk add curl
        """,
    "artifact-stage": """
        FROM alpine:3.20 AS build
        RUN apk add gcc musl-dev && gcc -o /app app.c
        FROM scratch
        COPY --from=build /app /app
        """,
    "removed-later-is-lw201": """
        FROM alpine:3.20
        RUN apk add curl
        RUN rm -rf /var/cache/apk/*
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_and_fix() -> None:
    source = FIRES["apk-add"]
    (finding,) = fires(source, RULE)
    assert finding.span == Span.of(1, 4, 1, 11)
    assert finding.severity is Severity.INFORMATION
    assert finding.message == ("the apk index cache written at line 2 stays in /var/cache/apk "
                               "in this layer")
    assert finding.fix is not None and finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM alpine:3.20
        RUN apk add --no-cache curl
        """)
    silent(result, RULE)


def test_fix_drops_the_separate_update() -> None:
    source = FIRES["apk-update-and-add"]
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result == text("""
        FROM alpine:3.20
        RUN apk add --no-cache curl
        """)
    silent(result, RULE)


def test_fix_replaces_update_flag() -> None:
    source = FIRES["apk-add-update"]
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result == text("""
        FROM alpine:3.20
        RUN apk add --no-cache curl
        """)
    silent(result, RULE)


def test_fix_in_a_heredoc() -> None:
    source = FIRES["heredoc"]
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result == text("""
        FROM python:3.10-alpine
        RUN <<EOF
        apk add --no-cache git
        EOF
        """)
    silent(result, RULE)


def test_no_fix_when_a_later_add_needs_the_index() -> None:
    first, second = fires("""
        FROM alpine:3.20
        RUN apk update && apk add curl
        RUN apk add git
        """, RULE)
    assert first.fix is None and second.fix is not None
