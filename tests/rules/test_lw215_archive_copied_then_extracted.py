"""LW215 archive-copied-then-extracted."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW215"

FIRES = {
    "tar": """
        FROM debian:12
        COPY vendor.tar.gz /tmp/vendor.tar.gz
        RUN tar -xzf /tmp/vendor.tar.gz -C /opt
        """,
    "zip": """
        FROM debian:12
        COPY dist.zip /tmp/
        RUN unzip /tmp/dist.zip -d /srv
        """,
    "extracted-and-removed": """
        FROM debian:12
        WORKDIR /tmp
        COPY app.tgz .
        RUN tar xzf app.tgz -C /opt && rm app.tgz
        """,
    "extracted-in-a-child-stage": """
        FROM debian:12 AS base
        COPY sdk.tar.xz /opt/
        FROM base
        RUN tar -xJf /opt/sdk.tar.xz -C /opt
        """,
}

SILENT = {
    "add-extracts": """
        FROM debian:12
        ADD vendor.tar.gz /opt/
        """,
    "bind-mount": """
        FROM debian:12
        RUN --mount=type=bind,source=vendor.tar.gz,target=/tmp/vendor.tar.gz \\
            tar -xzf /tmp/vendor.tar.gz -C /opt
        """,
    "not-extracted": """
        FROM debian:12
        COPY backup.tar.gz /backups/
        """,
    "copy-from-another-stage": """
        FROM debian:12 AS build
        RUN tar -czf /out.tgz /etc
        FROM debian:12
        COPY --from=build /out.tgz /tmp/out.tgz
        RUN tar -xzf /tmp/out.tgz -C /restore
        """,
    "artifact-stage": """
        FROM debian:12 AS build
        COPY vendor.tar.gz /tmp/
        RUN tar -xzf /tmp/vendor.tar.gz -C /opt
        FROM debian:12-slim
        COPY --from=build /opt /opt
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_related_and_fix() -> None:
    source = FIRES["tar"]
    (finding,) = fires(source, RULE)
    assert finding.span == Span.of(1, 5, 1, 18)
    assert finding.severity is Severity.WARNING
    assert finding.message == ("the archive copied here is extracted at line 3 and stays in this "
                               "layer next to its contents: bind-mount it for that RUN instead")
    assert finding.related[0].span == Span.of(2, 13, 2, 31)
    assert finding.fix is not None and not finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN --mount=type=bind,source=vendor.tar.gz,target=/tmp/vendor.tar.gz tar -xzf /tmp/vendor.tar.gz -C /opt
        """)
    silent(result, RULE)


def test_fix_drops_the_removal_of_the_mounted_file() -> None:
    source = FIRES["extracted-and-removed"]
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        WORKDIR /tmp
        RUN --mount=type=bind,source=app.tgz,target=/tmp/app.tgz tar xzf app.tgz -C /opt
        """)
    silent(result, RULE)
