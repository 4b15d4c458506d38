"""LW205 apt-install-recommends."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW205"

FIRES = {
    "apt-get-install": """
        FROM debian:12
        RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
        """,
    "apt-install": """
        FROM ubuntu:24.04
        RUN apt update && apt install -y curl && rm -rf /var/lib/apt/lists/*
        """,
    "other-option": """
        FROM debian:12
        RUN apt-get -o Dpkg::Options::=--force-confnew install -y curl
        """,
    "recommends-config-for-another-stage": """
        FROM debian:12 AS other
        RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/01norecommends
        FROM debian:12
        RUN apt-get install -y curl
        """,
}

SILENT = {
    "flag": """
        FROM debian:12
        RUN apt-get install -y --no-install-recommends curl
        """,
    "flag-before-install": """
        FROM debian:12
        RUN apt-get --no-install-recommends install -y curl
        """,
    "option-false": """
        FROM debian:12
        RUN apt-get install -y -o APT::Install-Recommends=false curl
        """,
    "option-zero": """
        FROM debian:12
        RUN apt-get install -y -oAPT::Install-Recommends=0 curl
        """,
    "config-written-earlier": """
        FROM debian:12
        RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/01norecommends
        RUN apt-get install -y curl
        """,
    "config-written-in-the-same-run": """
        FROM debian:12
        RUN printf 'APT::Install-Recommends "false";\\n' > /etc/apt/apt.conf.d/99no \\
            && apt-get install -y curl
        """,
    "config-copied-from-heredoc": """
        FROM debian:12
        COPY <<EOF /etc/apt/apt.conf.d/99norecommends
        APT::Install-Recommends "0";
        EOF
        RUN apt-get install -y curl
        """,
    "config-copied-by-name": """
        FROM debian:12
        COPY 99-no-recommends /etc/apt/apt.conf.d/
        RUN apt-get install -y curl
        """,
    "config-in-a-base-stage": """
        FROM debian:12 AS base
        RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/01norecommends
        FROM base
        RUN apt-get install -y curl
        """,
    "local-deb-only": """
        FROM debian:12
        RUN apt-get install -y ./vendor/app_1.0_amd64.deb
        """,
    "artifact-stage": """
        FROM debian:12 AS build
        RUN apt-get update && apt-get install -y gcc && gcc -o /out/app app.c
        FROM gcr.io/distroless/base-debian12
        COPY --from=build /out/app /app
        """,
    "builder-binary-copied-out": """
        FROM debian:12 AS build
        RUN apt-get update && apt-get install -y gcc make && make install
        FROM debian:12-slim
        COPY --from=build /usr/local/bin/app /usr/local/bin/app
        """,
    "no-packages": """
        FROM debian:12
        RUN apt-get install -f -y
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_and_fix() -> None:
    source = FIRES["apt-get-install"]
    (finding,) = fires(source, RULE)
    assert finding.span == Span.of(1, 22, 1, 37)
    assert finding.severity is Severity.INFORMATION
    assert finding.message == ("apt-get install without --no-install-recommends also installs "
                               "the recommended packages into this layer")
    assert finding.fix is not None and not finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*
        """)
    silent(result, RULE)


def test_whole_filesystem_copy_of_a_builder_counts() -> None:
    fires("""
        FROM debian:12 AS rootfs
        RUN apt-get install -y curl
        FROM scratch
        COPY --from=rootfs / /
        """, RULE)
