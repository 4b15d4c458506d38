"""LW105 stage-name-invalid."""

from __future__ import annotations

import pytest

from layerwise.model.analysis import analyze
from layerwise.rules.base import Severity
from layerwise.rules.registry import find_rule
from layerwise.syntax.span import Span

from .helpers import apply_fix as _apply
from .helpers import dedented as _text
from .helpers import findings, fires, silent

RULE = "LW105"


FIRES = {
    "starts-with-digit": "FROM alpine:3.20 AS 1stage\n",
    "symbol": "FROM alpine:3.20 AS build@home\n",
    "variable": "FROM alpine:3.20 AS $NAME\n",
    "upper-case": "FROM alpine:3.20 AS Builder\n",
    "all-upper-case": "FROM alpine:3.20 AS BUILD\n",
    "reserved-scratch": "FROM alpine:3.20 AS scratch\n",
    "reserved-context": "FROM alpine:3.20 AS context\n",
    "lower-as-in-upper-file": "FROM alpine:3.20 as build\n",
    "upper-as-in-lower-file": "from alpine:3.20 AS build\n",
    "mixed-as-in-upper-file": "FROM alpine:3.20 As build\n",
}

SILENT = {
    "lower-case": "FROM alpine:3.20 AS build\n",
    "allowed-symbols": "FROM alpine:3.20 AS build-stage_1.0\n",
    "lower-file": "from alpine:3.20 as build\n",
    "mixed-case-from-is-skipped": "From alpine:3.20 as build\n",
    "unnamed": "FROM alpine:3.20\n",
    "reserved-word-as-image": """
        FROM scratch
        COPY --from=context /x /x
        """,
    "realistic": """
        FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build-env
        FROM build-env AS go.test
        FROM gcr.io/distroless/static AS runtime_image
        COPY --from=build-env /out /out
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


@pytest.mark.parametrize(("name", "severity"), [
    ("starts-with-digit", Severity.ERROR),
    ("symbol", Severity.ERROR),
    ("upper-case", Severity.WARNING),
    ("reserved-scratch", Severity.WARNING),
    ("reserved-context", Severity.WARNING),
    ("lower-as-in-upper-file", Severity.INFORMATION),
])
def test_severities(name: str, severity: Severity) -> None:
    [finding] = fires(FIRES[name], RULE)
    assert finding.severity is severity


def test_invalid_name_range_and_message() -> None:
    [finding] = fires(FIRES["starts-with-digit"], RULE)
    assert finding.span == Span.of(0, 20, 0, 26)
    assert finding.message == (
        "invalid stage name '1stage': a stage name starts with a letter and contains only "
        "letters, digits, '-', '_' and '.'")


def test_upper_case_fix_renames_every_reference() -> None:
    source = """
        FROM golang:1.22 AS Builder
        RUN go build -o /out/app .
        FROM Builder AS tested
        FROM alpine:3.20
        COPY --from=BUILDER /out/app /app
        RUN --mount=from=Builder,target=/b ls /b
        COPY --from=builder /out/app /app2
        """
    [finding] = fires(source, RULE)
    assert finding.span == Span.of(0, 20, 0, 27)
    assert finding.data["buildkit"] == "StageNameCasing"
    assert finding.fix is not None
    fixed = _apply(source, finding.fix.edits)
    assert fixed == _text("""
        FROM golang:1.22 AS builder
        RUN go build -o /out/app .
        FROM builder AS tested
        FROM alpine:3.20
        COPY --from=builder /out/app /app
        RUN --mount=from=builder,target=/b ls /b
        COPY --from=builder /out/app /app2
        """)
    assert not list(find_rule(RULE).check(analyze(fixed)))  # type: ignore[union-attr]


def test_as_casing_fix() -> None:
    [finding] = fires(FIRES["lower-as-in-upper-file"], RULE)
    assert finding.span == Span.of(0, 17, 0, 19)
    assert finding.data["buildkit"] == "FromAsCasing"
    assert finding.fix is not None
    fixed = _apply(FIRES["lower-as-in-upper-file"], finding.fix.edits)
    assert fixed == "FROM alpine:3.20 AS build\n"


def test_upper_reserved_name_reports_both() -> None:
    result = findings("FROM alpine:3.20 AS Scratch\n", RULE)
    assert sorted(f.data["buildkit"] for f in result) == ["ReservedStageName", "StageNameCasing"]
