"""LW307 secret-deleted-in-later-layer."""

from __future__ import annotations

import textwrap

import pytest

from layerwise.rules.base import Severity

from .helpers import findings, fires, silent
from .test_secret_detector import generic_value

RULE = "LW307"
VALUE = generic_value(81)


def _line(source: str, line: int) -> str:
    return textwrap.dedent(source).lstrip("\n").splitlines()[line]


FIRES: dict[str, str] = {
    "copied-then-removed": """
        FROM node:22
        COPY .npmrc /root/.npmrc
        RUN npm ci
        RUN rm /root/.npmrc
        """,
    "written-from-arg-then-removed": """
        FROM node:22
        ARG TOKEN
        RUN echo "$TOKEN" > /root/.npmrc
        RUN npm ci && rm -f /root/.npmrc
        """,
    "ssh-dir-removed-recursively": """
        FROM alpine:3.20
        COPY id_rsa /root/.ssh/id_rsa
        RUN git clone git@github.com:acme/app.git /src
        RUN rm -rf /root/.ssh
        """,
    "mounted-secret-copied-then-removed": """
        # syntax=docker/dockerfile:1
        FROM node:22
        RUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc /root/.npmrc
        RUN npm ci && rm /root/.npmrc
        """,
    "removed-in-a-child-stage": """
        FROM node:22 AS base
        COPY .npmrc /root/.npmrc
        RUN npm ci
        FROM base
        RUN rm /root/.npmrc
        """,
    "generated-key-removed-later": """
        FROM alpine:3.20
        RUN openssl genrsa -out /tmp/ca.key 2048
        RUN openssl req -new -x509 -key /tmp/ca.key -out /ca.crt -subj /CN=ca && rm /tmp/ca.key
        """,
    "env-unset": f"""
        FROM alpine:3.20
        ENV DB_PASSWORD={VALUE}
        RUN ./migrate && unset DB_PASSWORD
        """,
    "env-cleared": f"""
        FROM alpine:3.20
        ENV API_TOKEN={VALUE}
        RUN ./fetch-plugins
        ENV API_TOKEN=
        """,
}
RAW = [VALUE]

SILENT = {
    "single-run-with-secret-mount": """
        # syntax=docker/dockerfile:1
        FROM node:22
        RUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc /root/.npmrc \\
            && npm ci && rm /root/.npmrc
        """,
    "single-run-from-arg": """
        FROM node:22
        ARG TOKEN
        RUN echo "$TOKEN" > /root/.npmrc && npm ci && rm /root/.npmrc
        """,
    "not-a-secret": """
        FROM alpine:3.20
        COPY app.tar.gz /tmp/
        RUN tar -xzf /tmp/app.tar.gz -C /opt
        RUN rm /tmp/app.tar.gz
        """,
    "public-key-removed": """
        FROM alpine:3.20
        COPY id_rsa.pub /tmp/id_rsa.pub
        RUN cat /tmp/id_rsa.pub >> /root/.ssh/authorized_keys
        RUN rm /tmp/id_rsa.pub
        """,
    "other-stage": """
        FROM node:22 AS build
        COPY .npmrc /root/.npmrc
        RUN npm ci
        FROM node:22
        RUN rm -f /root/.npmrc
        """,
    "env-placeholder-cleared": """
        FROM alpine:3.20
        ENV API_TOKEN=XXXXXXXX
        ENV API_TOKEN=
        """,
    "env-not-secret": """
        FROM alpine:3.20
        ENV HTTP_PROXY=http://proxy:3128
        RUN unset HTTP_PROXY
        """,
}


@pytest.mark.parametrize("key", FIRES)
def test_fires(key: str) -> None:
    """A secret added in one layer and removed in a later one."""
    fires(FIRES[key], RULE)


@pytest.mark.parametrize("key", SILENT)
def test_silent(key: str) -> None:
    """One RUN, other stages, non-secrets."""
    silent(SILENT[key], RULE)


def test_range_is_the_removal_and_related_is_the_layer() -> None:
    """The range is the removed path word; the related location is the adding layer."""
    source = FIRES["copied-then-removed"]
    (finding,) = findings(source, RULE)
    assert finding.severity == Severity.ERROR
    line = _line(source, finding.span.start.line)
    assert line[finding.span.start.col:finding.span.end.col] == "/root/.npmrc"
    assert finding.span.start.line == 3
    (related,) = finding.related
    assert related.span.start.line == 1
    assert _line(source, 1)[related.span.start.col:related.span.end.col] == ".npmrc"
    assert "line 2" in finding.message


def test_env_cleared_points_at_the_clear() -> None:
    """``unset`` word or the empty ENV's name, with the original ENV related."""
    source = FIRES["env-unset"]
    (finding,) = findings(source, RULE)
    assert _line(source, 2)[finding.span.start.col:finding.span.end.col] == "DB_PASSWORD"
    assert finding.related[0].span.start.line == 1
    assert VALUE not in finding.message
    (finding,) = findings(FIRES["env-cleared"], RULE)
    assert finding.span.start.line == 3
    assert finding.fix is not None and "API_TOKEN" in finding.fix.title


def test_lower_outside_the_image_chain() -> None:
    """In a stage that does not ship, the layer still sits in the build cache."""
    (finding,) = findings("""
        FROM node:22 AS build
        COPY .npmrc /root/.npmrc
        RUN npm ci
        RUN rm /root/.npmrc
        FROM nginx:1.27
        COPY --from=build /app/dist /usr/share/nginx/html
        """, RULE)
    assert finding.severity == Severity.WARNING


def test_lw305_defers_to_this_rule() -> None:
    """The file removed later is reported here, not by LW305."""
    assert findings(FIRES["copied-then-removed"], "LW305") == []
