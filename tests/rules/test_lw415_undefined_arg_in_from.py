"""LW415 undefined-arg-in-from."""

from __future__ import annotations

import pytest

from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_typo_in_platform_pins_range_message_and_fix() -> None:
    (finding,) = fires("FROM --platform=$BULIDPLATFORM scratch\nCOPY Dockerfile .\n", "LW415")
    assert finding.span == Span.of(0, 16, 0, 30)
    assert finding.message == ("FROM argument 'BULIDPLATFORM' is not declared "
                               "(did you mean BUILDPLATFORM?)")
    assert finding.data == {"buildkit": "UndefinedArgInFrom", "variable": "BULIDPLATFORM",
                            "suggestion": "BUILDPLATFORM"}
    assert finding.fix is not None and not finding.fix.safe
    assert finding.fix.edits == (TextEdit(Span.of(0, 17, 0, 30), "BUILDPLATFORM"),)


def test_suggests_declared_global_args() -> None:
    (finding,) = fires("ARG MY_OS=linux\nARG MY_ARCH=amd64\nFROM --platform=linux/${MYARCH} "
                       "busybox\nCOPY Dockerfile .\n", "LW415")
    assert finding.message == "FROM argument 'MYARCH' is not declared (did you mean MY_ARCH?)"
    assert finding.span == Span.of(2, 22, 2, 31)


def test_undeclared_without_suggestion_offers_a_declaration() -> None:
    (finding,) = fires("ARG tag=latest\nFROM busybox:${tag}${version} AS b\n", "LW415")
    assert finding.span == Span.of(1, 19, 1, 29)
    assert finding.message == ("FROM argument 'version' is not declared; declare it with ARG "
                               "before the first FROM")
    assert finding.fix is not None
    assert finding.fix.edits == (TextEdit(Span.of(1, 0, 1, 0), "ARG version\n"),)


def test_documented_example_and_later_stages() -> None:
    fires("FROM node:22${VARIANT} AS jsbuilder\n", "LW415")
    (finding,) = fires("FROM alpine AS a\nARG V=1\nFROM busybox:$V\n", "LW415")
    assert finding.span == Span.of(2, 13, 2, 15)


@pytest.mark.parametrize("source", [
    "ARG base=scratch\nFROM $base\nCOPY Dockerfile .\n",
    "ARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM scratch\n",
    "FROM --platform=$BUILDPLATFORM scratch\nCOPY Dockerfile .\n",
    "ARG DEBUG\nFROM scratch${DEBUG}\nCOPY Dockerfile .\n",
    "ARG DEBUG\nFROM scra${DEBUG:-tch}\nCOPY Dockerfile .\n",
    'ARG DEBUG=""\nFROM scratch${DEBUG-@bogus}\nCOPY Dockerfile .\n',
    'ARG VARIANT="-alpine3.20"\nFROM node:22${VARIANT} AS jsbuilder\n',
    "FROM build_${TARGETARCH} AS build\n",
    "FROM --platform=$TARGETOS/$TARGETARCH$TARGETVARIANT alpine AS $notchecked\n",
])
def test_buildkit_negative_cases(source: str) -> None:
    silent(source, "LW415")
