"""LW401 empty-continuation."""

from __future__ import annotations

from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_buildkit_case_pins_range_message_and_fix() -> None:
    source = "FROM scratch\n# warning: empty continuation line\nCOPY Dockerfile \\\n\n.\n" \
             "COPY Dockerfile \\\n.\n"
    (finding,) = fires(source, "LW401")
    assert finding.span == Span.of(3, 0, 4, 0)
    assert finding.message == ("Empty continuation line in COPY: BuildKit will reject it in a "
                               "future release; remove it or make it a comment")
    assert finding.data["buildkit"] == "NoEmptyContinuation"
    assert finding.fix is not None
    assert finding.fix.edits == (TextEdit(Span.of(3, 0, 4, 0), ""),)


def test_runs_of_empty_and_blank_lines() -> None:
    found = fires("FROM a\nRUN a \\\n  \n\n  b \\\n\n  c\n", "LW401")
    assert [f.span for f in found] == [Span.of(2, 0, 4, 0), Span.of(5, 0, 6, 0)]
    assert found[0].message.startswith("2 empty continuation lines in RUN:")


def test_documented_example_with_expose() -> None:
    (finding,) = fires("FROM alpine\nEXPOSE \\\n\n80\n", "LW401")
    assert finding.span == Span.of(2, 0, 3, 0)


def test_empty_line_at_end_of_file_takes_the_preceding_break() -> None:
    (finding,) = fires("FROM a\nRUN apk add \\\n\n", "LW401")
    assert finding.fix is not None
    assert finding.fix.edits[0].span == Span.of(1, 13, 2, 0)


def test_comments_and_plain_continuations_are_silent() -> None:
    silent("""\
        FROM alpine
        EXPOSE \\
        # Port
        80
        COPY Dockerfile \\
        .
        RUN echo a

        RUN echo b
        """, "LW401")
