"""LW217 useradd-large-uid."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW217"

FIRES = {
    "short-option": """
        FROM debian:12
        RUN useradd -u 1000000 -m app
        """,
    "long-option": """
        FROM debian:12
        RUN useradd --uid=123456 app
        """,
    "attached-value": """
        FROM debian:12
        RUN useradd -u123456 app
        """,
    "arg-value": """
        FROM debian:12
        ARG APP_UID=2000000
        RUN useradd -u "$APP_UID" app
        """,
    "in-a-heredoc": """
        FROM debian:12
        RUN <<EOF
        groupadd -g 1000000 app
        useradd -u 1000000 -g app app
        EOF
        """,
}

SILENT = {
    "no-log-init": """
        FROM debian:12
        RUN useradd --no-log-init -u 1000000 app
        """,
    "dash-l": """
        FROM debian:12
        RUN useradd -l -u 1000000 app
        """,
    "small-uid": """
        FROM debian:12
        RUN useradd -u 99999 app
        """,
    "unknown-uid": """
        FROM debian:12
        RUN useradd -u "$UID" app
        """,
    "adduser-small": """
        FROM debian:12
        RUN adduser --uid 1000 app
        """,
    "artifact-stage": """
        FROM debian:12 AS build
        RUN useradd -u 1000000 builder
        FROM debian:12
        COPY --from=build /etc/passwd /etc/passwd
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_and_fix() -> None:
    source = FIRES["short-option"]
    (finding,) = fires(source, RULE)
    assert finding.span == Span.of(1, 12, 1, 22)
    assert finding.severity is Severity.WARNING
    assert finding.message == ("useradd -u 1000000 without --no-log-init writes a sparse lastlog "
                               "and faillog entry for this UID, stored in full in this layer")
    assert finding.fix is not None and finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN useradd --no-log-init -u 1000000 -m app
        """)
    silent(result, RULE)


def test_adduser_is_a_hint_without_fix() -> None:
    (finding,) = fires("""
        FROM debian:12
        RUN adduser --disabled-password --uid 1000000 app
        """, RULE)
    assert finding.severity is Severity.HINT and finding.fix is None
