"""LW414 invalid-default-arg-in-from."""

from __future__ import annotations

import pytest

from layerwise.rules.buildkit.lw414_invalid_default_arg_in_from import valid_reference
from layerwise.syntax.span import Span

from .helpers import fires, silent


def test_missing_default_pins_range_message_and_related() -> None:
    (finding,) = fires("ARG VERSION\nFROM busybox:$VERSION\n", "LW414")
    assert finding.span == Span.of(1, 5, 1, 21)
    assert finding.message == ("Default value for ARG results in an invalid base image: "
                               "busybox:$VERSION expands to 'busybox:'; give ARG VERSION a "
                               "default value")
    assert finding.related[0].span == Span.of(0, 4, 0, 11)
    assert finding.data == {"buildkit": "InvalidDefaultArgInFrom"}


def test_buildkit_cases_that_fire() -> None:
    (empty,) = fires("ARG IMAGE\nFROM $IMAGE\n", "LW414")
    assert "$IMAGE expands to an empty name; give ARG IMAGE a default value" in empty.message
    (bad,) = fires('ARG SFX="box:"\nFROM busy${SFX}\n', "LW414")
    assert bad.message.endswith("expands to 'busybox:'; change the default of ARG SFX")
    (undeclared,) = fires("FROM busybox:${TAG}\n", "LW414")
    assert undeclared.message.endswith("declare ARG TAG with a default value")


@pytest.mark.parametrize("source", [
    'ARG VERSION="latest"\nFROM busybox:${VERSION}\n',
    'ARG BUSYBOX_VARIANT=""\nFROM busybox:stable${BUSYBOX_VARIANT}\n',
    "ARG BUSYBOX_VARIANT\nFROM busybox:stable${BUSYBOX_VARIANT}\n",
    "ARG TAG\nFROM alpine:${TAG:-3.14}\n",
    "ARG base=scratch\nFROM $base\n",
    'ARG DEBUG=""\nFROM scratch${DEBUG-@bogus}\n',
    "FROM alpine AS build_amd64\nFROM build_${TARGETARCH} AS build\n",
    "ARG REGISTRY=ghcr.io/acme\nFROM ${REGISTRY}/base:1.0\n",
    "FROM Busybox\n",
])
def test_valid_defaults_are_silent(source: str) -> None:
    silent(source, "LW414")


@pytest.mark.parametrize(("reference", "valid"), [
    ("busybox", True), ("busybox:latest", True), ("docker.io/library/alpine:3.20", True),
    ("localhost:5000/foo/bar:1", True), ("Foo/bar", True), ("[::1]:5000/x", True),
    ("alpine@sha256:" + "a" * 64, True), ("a/b/c:d", True),
    ("", False), ("busybox:", False), ("Busybox", False), ("ghcr.io/Foo/bar", False),
    ("alpine@sha256:" + "A" * 64, False), ("alpine@md5:" + "a" * 32, False), ("a" * 64, False),
    ("my..stage", False), ("foo:linux/amd64", False), ("x:" + "t" * 129, False),
])
def test_valid_reference(reference: str, valid: bool) -> None:
    assert valid_reference(reference) is valid
