"""LW303 default-credential."""

from __future__ import annotations

import textwrap

import pytest

from layerwise.rules.base import Severity

from .helpers import findings, fires, silent
from .test_secret_detector import generic_value

RULE = "LW303"

FIRES = {
    # jessfraz slapd
    "slapd-rootpass": """
        FROM alpine:3.20
        ENV LDAP_ROOTPASS=fsociety
        """,
    # vimagick mediagoblin, legacy form
    "mediagoblin-pass": """
        FROM debian:12
        ENV MG_PASS admin
        """,
    "tmail-pass": """
        FROM debian:12
        ENV MAIL_PASS admin
        """,
    # hans
    "hans-password": """
        FROM alpine:3.20
        ENV PASSWORD password
        """,
    "changeme": """
        FROM mysql:8.4
        ENV MYSQL_ROOT_PASSWORD=changeme
        """,
    "root": """
        FROM mysql:8.4
        ENV MYSQL_ROOT_PASSWORD="root"
        """,
    "dictionary-with-digits": """
        FROM postgres:16
        ENV POSTGRES_PASSWORD=secret123
        """,
    "arg-default": """
        FROM alpine:3.20
        ARG ADMIN_PASSWORD=admin
        RUN echo "admin:$ADMIN_PASSWORD" | chpasswd
        """,
}

SILENT = {
    "placeholders": """
        FROM alpine:3.20
        ENV OBFS_PASSWORD=XXXXXXXX ARIA2_SECRET=00000000 MTPROXY_SECRET=<set-me>
        """,
    "references-and-empty": """
        FROM alpine:3.20
        ENV DB_PASSWORD=$DB_PASSWORD API_TOKEN= MYSQL_ROOT_PASSWORD_FILE=/run/secrets/pw
        """,
    "not-secret-names": """
        FROM alpine:3.20
        ENV ADMIN_USER=admin MODE=test USERNAME=root
        """,
    "switches": """
        FROM mysql:8.4
        ENV MYSQL_ALLOW_EMPTY_PASSWORD=yes
        """,
    "random-value-is-lw302": f"""
        FROM alpine:3.20
        ENV API_KEY={generic_value(51)}
        """,
    "gpg-key": """
        FROM alpine:3.20
        ENV GPG_KEY=admin
        """,
}


@pytest.mark.parametrize("key", FIRES)
def test_fires(key: str) -> None:
    """Dictionary and low-entropy values of secret-named ENV/ARG."""
    fires(FIRES[key], RULE)


@pytest.mark.parametrize("key", SILENT)
def test_silent(key: str) -> None:
    """Placeholders are LW301's; random values are LW302's."""
    silent(SILENT[key], RULE)


def test_placeholders_still_get_lw301_information() -> None:
    """What LW303 leaves alone, LW301 reports as Information."""
    found = findings(SILENT["placeholders"], "LW301")
    assert len(found) == 3 and {f.severity for f in found} == {Severity.INFORMATION}


def test_range_is_the_value_and_message_is_masked() -> None:
    """The value token, masked in the message."""
    (finding,) = findings(FIRES["slapd-rootpass"], RULE)
    assert (finding.span.start.col, finding.span.end.col) == (18, 26)
    assert "fsociety" not in finding.message
    assert finding.data["masked"] == "fs…y"
    (finding,) = findings(FIRES["root"], RULE)
    assert (finding.span.start.col, finding.span.end.col) == (25, 29)


def test_severity_by_destination() -> None:
    """Warning in the image, Information in stages that do not ship or unused ARGs."""
    assert findings(FIRES["changeme"], RULE)[0].severity == Severity.WARNING
    assert findings(FIRES["arg-default"], RULE)[0].severity == Severity.WARNING
    (finding,) = findings("""
        FROM alpine:3.20 AS test
        ENV DB_PASSWORD=test
        FROM alpine:3.20
        RUN echo ok
        """, RULE)
    assert finding.severity == Severity.INFORMATION
    (finding,) = findings("""
        FROM alpine:3.20
        ARG ADMIN_PASSWORD=admin
        """, RULE)
    assert finding.severity == Severity.INFORMATION


def test_fix_removes_the_default() -> None:
    """ENV keeps an empty value; the legacy form becomes ``KEY=``; ARG loses ``=value``."""
    cases = {
        FIRES["changeme"]: "ENV MYSQL_ROOT_PASSWORD=",
        FIRES["mediagoblin-pass"]: "ENV MG_PASS=",
        FIRES["arg-default"]: "ARG ADMIN_PASSWORD",
    }
    for source, expected in cases.items():
        (finding,) = findings(source, RULE)
        assert finding.fix is not None and not finding.fix.safe
        text = textwrap.dedent(source).lstrip("\n").splitlines()[1]
        (edit,) = finding.fix.edits
        line = text[:edit.span.start.col] + edit.new_text + text[edit.span.end.col:]
        assert line == expected
