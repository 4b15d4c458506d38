"""LW214 add-local-file."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span, TextEdit

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW214"

FIRES = {
    "file": """
        FROM alpine:3.20
        ADD config.yaml /etc/app/config.yaml
        """,
    "directory": """
        FROM alpine:3.20
        ADD . /app
        """,
    "json-form": """
        FROM alpine:3.20
        ADD ["a.txt", "b.txt", "/srv/"]
        """,
    "with-chown": """
        FROM alpine:3.20
        ADD --chown=1000:1000 app /app
        """,
    "lowercase": """
        FROM alpine:3.20
        add run.sh /run.sh
        """,
}

SILENT = {
    "copy": """
        FROM alpine:3.20
        COPY config.yaml /etc/app/config.yaml
        """,
    "url": """
        FROM alpine:3.20
        ADD https://example.com/a.txt /a.txt
        """,
    "git": """
        FROM alpine:3.20
        ADD git@github.com:moby/buildkit.git /src
        """,
    "local-archive": """
        FROM alpine:3.20
        ADD rootfs.tar.xz /
        """,
    "checksum": """
        FROM alpine:3.20
        ADD --checksum=sha256:0000000000000000000000000000000000000000000000000000000000000000 \\
            https://example.com/a.txt /a.txt
        """,
    "variable-source": """
        FROM alpine:3.20
        ARG ARCHIVE
        ADD ${ARCHIVE} /opt/
        """,
    "artifact-stage": """
        FROM alpine:3.20 AS build
        ADD src /src
        FROM alpine:3.20
        COPY --from=build /src /src
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_and_fix() -> None:
    source = FIRES["file"]
    (finding,) = fires(source, RULE)
    assert finding.span == Span.of(1, 0, 1, 3)
    assert finding.severity is Severity.INFORMATION
    assert finding.message == "ADD only copies local files here; use COPY"
    assert finding.fix is not None and finding.fix.safe
    assert finding.fix.edits == (TextEdit(Span.of(1, 0, 1, 3), "COPY"),)
    result = fixed(source, finding)
    assert result == text("""
        FROM alpine:3.20
        COPY config.yaml /etc/app/config.yaml
        """)
    silent(result, RULE)


def test_fix_keeps_lowercase() -> None:
    source = FIRES["lowercase"]
    (finding,) = fires(source, RULE)
    assert fixed(source, finding).endswith("copy run.sh /run.sh\n")
