"""LW210 update-without-install."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW210"

FIRES = {
    "apt-get": """
        FROM debian:12
        RUN apt-get update
        RUN apt-get install -y --no-install-recommends curl
        """,
    "apk": """
        FROM alpine:3.20
        RUN apk update
        RUN apk add curl
        """,
    "dnf-makecache": """
        FROM rockylinux:9
        RUN dnf makecache
        RUN dnf install -y git && dnf clean all
        """,
    "zypper-refresh": """
        FROM opensuse/leap:15.6
        RUN zypper refresh
        RUN zypper in -y git
        """,
    "other-commands-in-the-update-run": """
        FROM debian:12
        RUN apt-get update && echo refreshed
        ENV X=1
        RUN apt-get install -y --no-install-recommends curl
        """,
    "across-stages-of-the-chain": """
        FROM debian:12 AS base
        RUN apt-get update
        FROM base
        RUN apt-get install -y --no-install-recommends curl
        """,
}

SILENT = {
    "same-run": """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        """,
    "later-run-refreshes-itself": """
        FROM debian:12
        RUN apt-get update
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        """,
    "no-install-follows": """
        FROM debian:12
        RUN apt-get update
        """,
    "different-manager": """
        FROM debian:12
        RUN apt-get update
        RUN pip install --no-cache-dir flask
        """,
    "install-in-the-update-run": """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN apt-get install -y --no-install-recommends git
        """,
    "artifact-stage": """
        FROM debian:12 AS build
        RUN apt-get update
        RUN apt-get install -y --no-install-recommends gcc
        FROM scratch
        COPY --from=build /etc/hostname /x
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_related_and_fix() -> None:
    source = FIRES["apt-get"]
    (finding,) = fires(source, RULE)
    assert finding.span == Span.of(1, 4, 1, 18)
    assert finding.severity is Severity.WARNING
    assert finding.message == ("the package index refreshed here is only used by the install at "
                               "line 3: the build cache can keep this index stale, and it ships "
                               "in a layer of its own")
    assert finding.related[0].span == Span.of(2, 4, 2, 19)
    assert finding.fix is not None and finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        """)
    silent(result, RULE)


def test_fix_keeps_other_commands_and_is_unsafe_across_runs() -> None:
    source = """
        FROM debian:12
        RUN apt-get update && echo refreshed
        RUN echo between
        RUN set -eux; apt-get install -y --no-install-recommends curl
        """
    (finding,) = fires(source, RULE)
    assert finding.fix is not None and not finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN echo refreshed
        RUN echo between
        RUN set -eux; apt-get update && apt-get install -y --no-install-recommends curl
        """)
    silent(result, RULE)
