"""LW410 from-platform-constant."""

from __future__ import annotations

import pytest

from layerwise.rules.buildkit.lw410_from_platform_constant import Platform, parse_platform
from layerwise.syntax.span import Span

from .helpers import fires, silent


def test_constant_platform_pins_range_and_message() -> None:
    (finding,) = fires("FROM --platform=linux/amd64 scratch\n", "LW410")
    assert finding.span == Span.of(0, 5, 0, 27)
    assert finding.message == ('FROM --platform flag should not use constant value "linux/amd64"'
                               "; use $BUILDPLATFORM or $TARGETPLATFORM, or name the stage after "
                               "the platform")
    assert finding.data == {"buildkit": "FromPlatformFlagConstDisallowed"}


@pytest.mark.parametrize("source", [
    "FROM --platform=linux/arm64/v8 alpine AS base\n",
    "FROM --platform=arm64 alpine\n",
    "FROM --platform=windows alpine AS base\n",
])
def test_other_constants_fire(source: str) -> None:
    fires(source, "LW410")


@pytest.mark.parametrize("source", [
    "FROM --platform=linux/amd64 scratch AS my_amd64_stage\n",
    "FROM --platform=linux/amd64 scratch AS linux\n",
    "FROM --platform=linux/x86_64 alpine AS build-amd64\n",
    "FROM --platform=${BUILDPLATFORM} alpine AS base\n",
    "ARG P=linux/amd64\nFROM --platform=$P alpine\n",
    "FROM --platform=linux/amd64/v2/extra alpine\n",
    "FROM --platform=bogus alpine\n",
    "FROM alpine\n",
])
def test_variables_platform_names_and_invalid_values_are_silent(source: str) -> None:
    silent(source, "LW410")


def test_documented_multi_platform_pattern_is_silent() -> None:
    silent("""\
        FROM --platform=linux/amd64 alpine AS build_amd64
        RUN true
        FROM --platform=linux/arm64 alpine AS build_arm64
        RUN true
        FROM build_${TARGETARCH} AS build
        """, "LW410")


@pytest.mark.parametrize(("text", "expected"), [
    ("linux/amd64", Platform("linux", "amd64")),
    ("Linux/AARCH64", Platform("linux", "arm64")),
    ("macos/arm64", Platform("darwin", "arm64")),
    ("linux", Platform("linux", "amd64")),
    ("armhf", Platform("linux", "arm")),
    ("windows(10.0.17763)/amd64", Platform("windows", "amd64")),
    ("linux/*", None),
    ("linux/a b", None),
    ("", None),
])
def test_parse_platform(text: str, expected: Platform | None) -> None:
    assert parse_platform(text) == expected
