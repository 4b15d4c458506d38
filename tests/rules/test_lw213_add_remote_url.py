"""LW213 add-remote-url."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .helpers import fires, silent

RULE = "LW213"

FIRES = {
    "url": """
        FROM alpine:3.20
        ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /sbin/tini
        """,
    "url-archive": """
        FROM debian:12
        ADD http://example.com/tool.tar.gz /tmp/
        """,
    "json-form": """
        FROM debian:12
        ADD ["https://example.com/a.txt", "/a.txt"]
        """,
    "git-keep-git-dir": """
        FROM alpine:3.20
        ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.14.0 /src
        """,
}

SILENT = {
    "checksum": """
        FROM alpine:3.20
        ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee \\
            https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /sbin/tini
        """,
    "artifact-stage": """
        FROM scratch AS src
        ADD https://example.com/tool.tar.gz /
        FROM debian:12
        RUN --mount=from=src,target=/src tar -xzf /src/tool.tar.gz -C /opt
        """,
    "git-without-keep": """
        FROM alpine:3.20
        ADD https://github.com/moby/buildkit.git#v0.14.0 /src
        """,
    "git-keep-false": """
        FROM alpine:3.20
        ADD --keep-git-dir=false git@github.com:moby/buildkit.git /src
        """,
    "local-file": """
        FROM alpine:3.20
        ADD app.tar.gz /opt/
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_and_message() -> None:
    (finding,) = fires(FIRES["url-archive"], RULE)
    assert finding.span == Span.of(1, 4, 1, 34)
    assert finding.severity is Severity.INFORMATION
    assert finding.message == ("ADD downloads this URL without --checksum: the file is not "
                               "verified and stays in this layer (mode 600, archives are not "
                               "extracted); pin it with --checksum=sha256:…")


def test_keep_git_dir_is_a_hint() -> None:
    (finding,) = fires(FIRES["git-keep-git-dir"], RULE)
    assert finding.severity is Severity.HINT
    assert finding.span == Span.of(1, 24, 1, 68)
