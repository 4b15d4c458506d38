"""LW104 duplicate-stage-name."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .helpers import findings, fires, silent

RULE = "LW104"

FIRES = {
    "same-name": """
        FROM golang:1.22 AS build
        FROM node:20 AS build
        """,
    "different-case": """
        FROM golang:1.22 AS build
        FROM node:20 AS BUILD
        """,
    "checkov-alias-is-unique-failure": """
        FROM alpine:3.20 AS build
        RUN echo one
        FROM alpine:3.20 AS final
        FROM alpine:3.20 AS build
        RUN echo two
        """,
}

SILENT = {
    "distinct-names": """
        FROM golang:1.22 AS build
        FROM alpine:3.20 AS runtime
        COPY --from=build /out /out
        """,
    "similar-names": """
        FROM golang:1.22 AS build
        FROM golang:1.22 AS builder
        FROM golang:1.22 AS build-test
        """,
    "unnamed-stages": """
        FROM golang:1.22
        FROM alpine:3.20
        FROM alpine:3.20
        """,
    "stage-named-like-an-image": """
        FROM golang AS golang
        FROM alpine AS alpine
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_and_related_first_definition() -> None:
    [finding] = fires(FIRES["different-case"], RULE)
    assert finding.severity is Severity.ERROR
    assert finding.span == Span.of(1, 16, 1, 21)
    assert finding.message == (
        "duplicate stage name 'BUILD': the stage at line 1 is already called 'build'")
    assert finding.related[0].span == Span.of(0, 20, 0, 25)
    assert finding.related[0].message == "'build' is first defined here"
    assert finding.data["buildkit"] == "DuplicateStageName"


def test_each_repeat_points_at_the_first() -> None:
    source = """
        FROM alpine:3.20 AS x
        FROM alpine:3.20 AS x
        FROM alpine:3.20 AS x
        """
    result = findings(source, RULE)
    assert [f.span.start.line for f in result] == [1, 2]
    assert all(f.related[0].span.start.line == 0 for f in result)
