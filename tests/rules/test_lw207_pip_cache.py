"""LW207 pip-cache."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW207"

FIRES = {
    "pip-install": """
        FROM python:3.12-slim
        RUN pip install -r requirements.txt
        """,
    "pip3-install": """
        FROM python:3.12-slim
        RUN pip3 install flask
        """,
    "python-m-pip": """
        FROM python:3.12-slim
        RUN python3 -m pip install --upgrade pip
        """,
    "uv-pip-install": """
        FROM python:3.12-slim
        RUN uv pip install --system flask
        """,
    "env-turned-off-again": """
        FROM python:3.12-slim
        ENV PIP_NO_CACHE_DIR=0
        RUN pip install flask
        """,
    "home-copied-out-of-a-builder": """
        FROM python:3.12 AS build
        RUN pip install --user flask
        FROM python:3.12-slim
        COPY --from=build /root /root
        """,
}

SILENT = {
    "no-cache-dir": """
        FROM python:3.12-slim
        RUN pip install --no-cache-dir -r requirements.txt
        """,
    "env": """
        FROM python:3.12-slim
        ENV PIP_NO_CACHE_DIR=1
        RUN pip install flask
        """,
    "env-in-a-from-ancestor": """
        FROM python:3.12-slim AS base
        ENV PIP_NO_CACHE_DIR=true
        FROM base
        RUN pip install flask
        """,
    "inline": """
        FROM python:3.12-slim
        RUN PIP_NO_CACHE_DIR=1 pip install flask
        """,
    "exported": """
        FROM python:3.12-slim
        RUN export PIP_NO_CACHE_DIR=1 && pip install flask
        """,
    "cache-mount-flask": """
        FROM python:3.10-alpine
        RUN --mount=type=cache,target=/root/.cache/pip pip3 install -r requirements.txt
        """,
    "cache-mount-other-home": """
        FROM python:3.12-slim
        USER app
        RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install --user flask
        """,
    "tmpfs-mount": """
        FROM python:3.12-slim
        RUN --mount=type=tmpfs,target=/root/.cache pip install flask
        """,
    "uv-no-cache": """
        FROM python:3.12-slim
        RUN uv pip install --no-cache --system flask
        """,
    "uv-env": """
        FROM python:3.12-slim
        ENV UV_NO_CACHE=1
        RUN uv pip install --system flask
        """,
    "uv-cache-mount": """
        FROM python:3.12-slim
        RUN --mount=type=cache,target=/root/.cache/uv uv pip install --system flask
        """,
    "pipx-and-pipenv": """
        FROM python:3.12-slim
        RUN pipx install poetry && pipenv install --system
        """,
    "purged-in-the-same-run": """
        FROM python:3.12-slim
        RUN pip install flask && pip cache purge
        """,
    "removed-in-the-same-run": """
        FROM python:3.12-slim
        RUN pip install flask && rm -rf /root/.cache
        """,
    "pip-config": """
        FROM python:3.12-slim
        RUN pip config set global.no-cache-dir false
        RUN pip install flask
        """,
    "emailservice-builder": """
        FROM python:3.12-slim AS base
        FROM base AS builder
        RUN apt-get -qq update && apt-get install -y --no-install-recommends g++ \\
            && rm -rf /var/lib/apt/lists/*
        COPY requirements.txt .
        RUN pip install -r requirements.txt
        FROM base
        COPY --from=builder /usr/local/lib/python3.12/ /usr/local/lib/python3.12/
        COPY . .
        ENTRYPOINT ["python", "email_server.py"]
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_and_fix() -> None:
    source = FIRES["pip-install"]
    (finding,) = fires(source, RULE)
    assert finding.span == Span.of(1, 4, 1, 15)
    assert finding.severity is Severity.WARNING
    assert finding.message == ("the pip cache filled at line 2 stays in /root/.cache/pip in "
                               "this layer")
    assert finding.fix is not None and finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM python:3.12-slim
        RUN pip install --no-cache-dir -r requirements.txt
        """)
    silent(result, RULE)


def test_uv_fix() -> None:
    source = FIRES["uv-pip-install"]
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result == text("""
        FROM python:3.12-slim
        RUN uv pip install --no-cache --system flask
        """)
    silent(result, RULE)


def test_builder_copied_out_mentions_the_stage() -> None:
    (finding,) = fires(FIRES["home-copied-out-of-a-builder"], RULE)
    assert finding.message.endswith("(the image copies it from stage build)")
