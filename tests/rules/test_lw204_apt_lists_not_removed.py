"""LW204 apt-lists-not-removed."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW204"

FIRES = {
    "apt-get-update": """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        """,
    "apt-update": """
        FROM ubuntu:24.04
        RUN apt update && apt install -y --no-install-recommends curl
        """,
    "aptitude-update": """
        FROM debian:12
        RUN aptitude update && aptitude install -y curl
        """,
    "unrelated-rm-rf-does-not-count": """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl \\
            && rm -rf /tmp/foo
        """,
    "cleanup-before-the-update": """
        FROM debian:12
        RUN rm -rf /var/lib/apt/lists/* && apt-get update \\
            && apt-get install -y --no-install-recommends curl
        """,
    "apt-get-clean-alone-is-not-enough": """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean
        """,
    "heredoc": """
        FROM debian:12
        RUN <<EOF
        set -eux
        apt-get update
        apt-get install -y --no-install-recommends curl
        EOF
        """,
    "mount-on-the-archives-only": """
        FROM debian:12
        RUN --mount=type=cache,target=/var/cache/apt apt-get update \\
            && apt-get install -y --no-install-recommends curl
        """,
    "docker-clean-removed-without-clean": """
        FROM debian:12
        RUN rm -f /etc/apt/apt.conf.d/docker-clean
        RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update \\
            && apt-get install -y --no-install-recommends curl
        """,
}

SILENT = {
    "rm-rf-lists-star": """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl \\
            && rm -rf /var/lib/apt/lists/*
        """,
    "rm-lists-dir": """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl \\
            && rm -r /var/lib/apt/lists
        """,
    "rm-double-star": """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl \\
            && rm -rf /var/lib/apt/lists/**
        """,
    "dist-clean": """
        FROM debian:trixie-slim
        RUN apt-get update && apt-get install -y --no-install-recommends curl \\
            && apt-get dist-clean
        """,
    "distclean-spelling": """
        FROM debian:trixie-slim
        RUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get distclean
        """,
    "find-delete": """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl \\
            && find /var/lib/apt/lists -mindepth 1 -delete
        """,
    "cache-mount-on-lists": """
        FROM debian:12
        RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update \\
            && apt-get install -y --no-install-recommends curl
        """,
    "tmpfs-on-var-lib-apt": """
        FROM debian:12
        RUN --mount=type=tmpfs,target=/var/lib/apt apt-get update \\
            && apt-get install -y --no-install-recommends curl
        """,
    "docs-apt-cache-mounts": """
        FROM ubuntu:24.04
        RUN rm -f /etc/apt/apt.conf.d/docker-clean; \\
            echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache
        RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
            --mount=type=cache,target=/var/lib/apt,sharing=locked \\
            apt-get update && apt-get --no-install-recommends install -y gcc
        """,
    "artifact-stage": """
        FROM debian:12 AS build
        RUN apt-get update && apt-get install -y --no-install-recommends gcc && gcc -o /app app.c
        FROM debian:12-slim
        COPY --from=build /app /app
        """,
    "removed-later-is-lw201": """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN rm -rf /var/lib/apt/lists/*
        """,
    "update-alone-is-lw210": """
        FROM debian:12
        RUN apt-get update
        RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
        """,
    "clean-after-docker-clean-removal": """
        FROM debian:12
        RUN rm -f /etc/apt/apt.conf.d/docker-clean
        RUN apt-get update && apt-get install -y --no-install-recommends curl \\
            && apt-get clean && rm -rf /var/lib/apt/lists/*
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_and_fix() -> None:
    source = FIRES["apt-get-update"]
    (finding,) = fires(source, RULE)
    assert finding.span == Span.of(1, 4, 1, 18)
    assert finding.severity is Severity.WARNING
    assert finding.message == ("the apt package lists downloaded at line 2 are not removed in "
                               "this RUN: they stay in its layer")
    assert finding.fix is not None and finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
        """)
    silent(result, RULE)


def test_fix_in_a_heredoc() -> None:
    source = FIRES["heredoc"]
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN <<EOF
        set -eux
        apt-get update
        apt-get install -y --no-install-recommends curl
        rm -rf /var/lib/apt/lists/*
        EOF
        """)
    silent(result, RULE)


def test_fix_after_a_semicolon_list() -> None:
    source = """
        FROM debian:12
        RUN set -eux; \\
            apt-get update; \\
            apt-get install -y --no-install-recommends curl;
        """
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result.endswith("apt-get install -y --no-install-recommends curl; "
                           "rm -rf /var/lib/apt/lists/*\n")
    silent(result, RULE)


def test_docker_clean_message_points_at_the_removal() -> None:
    source = FIRES["docker-clean-removed-without-clean"]
    (finding,) = fires(source, RULE)
    assert "docker-clean was removed at line 2" in finding.message
    assert finding.related[0].span == Span.of(1, 10, 1, 42)
    silent(fixed(source, finding), RULE)


def test_stage_chain_and_target() -> None:
    source = """
        FROM debian:12 AS base
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        FROM base AS app
        RUN echo app
        FROM debian:12 AS other
        """
    fires(source, RULE, target="app")
    silent(source, RULE)


def test_no_fix_when_a_later_install_needs_the_lists() -> None:
    (finding,) = fires("""
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN apt-get install -y --no-install-recommends git
        """, RULE)
    assert finding.fix is None
