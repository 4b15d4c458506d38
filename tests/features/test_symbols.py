"""Document symbols (outline) and folding ranges."""

from __future__ import annotations

from layerwise.features.symbols import FoldingRange, Symbol, document_symbols, folding_ranges
from layerwise.syntax.span import Span

from .helpers import doc

SOURCE = """
    # syntax=docker/dockerfile:1
    # Build the app, then ship it.
    # Two stages.
    ARG GO_VERSION=1.22
    FROM golang:${GO_VERSION} AS build
    ENV CGO_ENABLED=0 GOOS=linux
    RUN go build \\
        -o /out/app .
    COPY <<EOF /etc/app.conf
    level=info
    EOF

    FROM alpine:3.20
    # ship only the binary
    COPY --from=build /out/app /app
"""


def test_outline_is_nested_by_stage() -> None:
    symbols = document_symbols(doc(SOURCE))
    assert symbols == [
        Symbol("syntax", "docker/dockerfile:1", "directive", Span.of(0, 2, 0, 28),
               Span.of(0, 2, 0, 8)),
        Symbol("ARG", "GO_VERSION=1.22", "instruction", Span.of(3, 0, 3, 19),
               Span.of(3, 0, 3, 3), (
                   Symbol("GO_VERSION", "1.22", "variable", Span.of(3, 4, 3, 19),
                          Span.of(3, 4, 3, 14)),)),
        Symbol("build", "FROM golang:${GO_VERSION}", "stage", Span.of(4, 0, 10, 3),
               Span.of(4, 29, 4, 34), (
                   Symbol("ENV", "CGO_ENABLED=0 GOOS=linux", "instruction",
                          Span.of(5, 0, 5, 28), Span.of(5, 0, 5, 3), (
                              Symbol("CGO_ENABLED", "0", "variable", Span.of(5, 4, 5, 17),
                                     Span.of(5, 4, 5, 15)),
                              Symbol("GOOS", "linux", "variable", Span.of(5, 18, 5, 28),
                                     Span.of(5, 18, 5, 22)))),
                   Symbol("RUN", "go build -o /out/app .", "instruction",
                          Span.of(6, 0, 7, 17), Span.of(6, 0, 6, 3)),
                   Symbol("COPY", "<<EOF /etc/app.conf", "instruction", Span.of(8, 0, 10, 3),
                          Span.of(8, 0, 8, 4)))),
        Symbol("stage 1", "FROM alpine:3.20", "stage", Span.of(12, 0, 14, 31),
               Span.of(12, 0, 12, 4), (
                   Symbol("COPY", "--from=build /out/app /app", "instruction",
                          Span.of(14, 0, 14, 31), Span.of(14, 0, 14, 4)),)),
    ]


def test_every_selection_lies_inside_its_span() -> None:
    def check(symbols: tuple[Symbol, ...] | list[Symbol]) -> None:
        for symbol in symbols:
            assert symbol.span.start <= symbol.selection_span.start
            assert symbol.selection_span.end <= symbol.span.end
            for child in symbol.children:
                assert symbol.span.start <= child.span.start and child.span.end <= symbol.span.end
            check(symbol.children)

    check(document_symbols(doc(SOURCE)))


def test_long_details_are_shortened() -> None:
    symbols = document_symbols(doc("FROM alpine\nRUN " + "x" * 100 + "\n"))
    assert symbols[0].children[0].detail == "x" * 59 + "…"


def test_folding_ranges() -> None:
    assert folding_ranges(doc(SOURCE)) == [
        FoldingRange(0, 2, "comment"),
        FoldingRange(4, 10, "region"),
        FoldingRange(6, 7, "region"),
        FoldingRange(8, 10, "region"),
        FoldingRange(12, 14, "region"),
    ]


def test_folding_heredocs_inside_a_longer_instruction() -> None:
    ranges = folding_ranges(doc("""
        FROM alpine
        RUN <<ONE <<TWO \\
            && echo done
        echo one
        ONE
        echo two
        TWO
        # a
        # b
        RUN true
    """))
    assert ranges == [
        FoldingRange(0, 9, "region"),
        FoldingRange(1, 6, "region"),
        FoldingRange(2, 4, "region"),
        FoldingRange(4, 6, "region"),
        FoldingRange(7, 8, "comment"),
    ]


def test_single_lines_do_not_fold() -> None:
    assert folding_ranges(doc("FROM alpine\n# one comment\nRUN true\n")) == [
        FoldingRange(0, 2, "region")]
    assert folding_ranges(doc("FROM alpine\n")) == []
