"""LW005 missing-arguments."""

from __future__ import annotations

import pytest

from layerwise.syntax.span import Span

from .helpers import fires, silent


def test_copy_without_destination_pins_range_and_message() -> None:
    (finding,) = fires("FROM node:20\nCOPY package.json\n", "LW005")
    assert finding.span == Span.of(1, 5, 1, 17)
    assert finding.message == "COPY needs a destination after the source"


@pytest.mark.parametrize("line", ["FROM", "FROM a b", "ENV", "WORKDIR", "USER", "RUN",
                                  "LABEL", "EXPOSE", "VOLUME", "ADD", "SHELL /bin/bash"])
def test_missing_arguments_fire(line: str) -> None:
    fires(f"FROM alpine\n{line}\n", "LW005")


def test_complete_instructions_are_silent() -> None:
    silent("""\
        FROM alpine AS base
        COPY <<EOF /etc/motd
        hello
        EOF
        RUN <<EOF
        echo hi
        EOF
        CMD []
        ENTRYPOINT ["sh"]
        SHELL ["/bin/bash", "-c"]
        ENV A=1
        WORKDIR /app
        """, "LW005")


def test_parse_errors_are_not_reported_twice() -> None:
    silent('FROM a\nCOPY ["a", 1]\n', "LW005")
