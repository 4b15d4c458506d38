"""LW107 numeric-stage-reference."""

from __future__ import annotations

import pytest

from layerwise.model.analysis import analyze
from layerwise.rules.base import Severity
from layerwise.rules.registry import find_rule
from layerwise.syntax.span import Span

from .helpers import apply_fix as _apply
from .helpers import dedented as _text
from .helpers import findings, fires, silent

RULE = "LW107"


# vimagick/dockerfiles ggr-ui
GGR_UI = """
    #
    # Dockerfile for ggr-ui
    #

    FROM golang:alpine
    RUN apk add --no-cache git
    RUN go get -d -v github.com/aerokube/ggr-ui
    RUN CGO_ENABLED=0 go install github.com/aerokube/ggr-ui

    FROM alpine:3
    COPY --from=0 /go/bin/ggr-ui /usr/local/bin/
    ENTRYPOINT ["ggr-ui"]
    """

FIRES = {
    "vimagick-ggr-ui": GGR_UI,
    "index-of-named-stage": """
        FROM golang:1.22 AS build
        FROM alpine:3.20
        COPY --from=0 /go/bin /usr/local/bin
        """,
}

SILENT = {
    "named-reference": """
        FROM golang:1.22 AS build
        FROM alpine:3.20
        COPY --from=build /go/bin /usr/local/bin
        """,
    "bad-index-is-lw101": """
        FROM alpine:3.20
        COPY --from=4 /a /b
        """,
    "image-reference": """
        FROM alpine:3.20
        COPY --from=golang:1.22 /usr/local/go /usr/local/go
        """,
    "mount-index-is-lw101": """
        FROM golang:1.22
        FROM alpine:3.20
        RUN --mount=from=0,source=/go/bin,target=/bin2 ls /bin2
        """,
    "numbers-elsewhere": """
        FROM alpine:3.20
        COPY --chmod=0755 run.sh /run.sh
        EXPOSE 0
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_and_naming_fix() -> None:
    [finding] = fires(GGR_UI, RULE)
    assert finding.severity is Severity.INFORMATION
    assert finding.span == Span.of(10, 12, 10, 13)
    assert finding.message == (
        "--from=0 refers to stage 0 by index: name the stage (FROM … AS name) and use the "
        "name, which survives reordering")
    assert finding.fix is not None
    fixed = _apply(GGR_UI, finding.fix.edits)
    assert "FROM golang:alpine AS stage-0\n" in fixed
    assert "COPY --from=stage-0 /go/bin/ggr-ui /usr/local/bin/\n" in fixed
    assert not list(find_rule(RULE).check(analyze(fixed)))  # type: ignore[union-attr]


def test_fix_uses_an_existing_name() -> None:
    [finding] = fires(FIRES["index-of-named-stage"], RULE)
    assert "stage 'build'" in finding.message
    assert finding.fix is not None
    assert finding.fix.title == "Use the stage name 'build'"
    assert _apply(FIRES["index-of-named-stage"], finding.fix.edits).endswith(
        "COPY --from=build /go/bin /usr/local/bin\n")


def test_fix_rewrites_every_numeric_reference_and_follows_casing() -> None:
    source = """
        from golang:1.22
        from alpine:3.20 AS stage-0
        copy --from=0 /a /a
        copy --from=0 /b /b
        """
    result = findings(source, RULE)
    assert len(result) == 2
    fix = result[0].fix
    assert fix is not None and fix == result[1].fix
    assert _apply(source, fix.edits) == _text("""
        from golang:1.22 as stage-0-2
        from alpine:3.20 AS stage-0
        copy --from=stage-0-2 /a /a
        copy --from=stage-0-2 /b /b
        """)
