"""LW302 hardcoded-secret-value.

Fake credentials come from ``test_secret_detector``'s generator, assembled at test time.
"""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity

from .helpers import findings, fires, silent
from .test_secret_detector import (
    AWS_DOC_KEY_ID,
    AWS_DOC_SECRET,
    CHECKOV_KEY_ID,
    HEX,
    PROVIDER_SAMPLES,
    aws_key_id,
    fake,
    generic_value,
    github_token,
    private_key_header,
)

RULE = "LW302"

TOKEN = github_token(41)
KEY_ID = aws_key_id(42)
VALUE = generic_value(43)
JWT = dict(PROVIDER_SAMPLES)["jwt"]

#: Fixtures with the raw secrets they contain (the masking sweep reuses them).
FIRES: dict[str, str] = {
    "env-provider": f"""
        FROM alpine:3.20
        ENV GITHUB_TOKEN={TOKEN}
        """,
    "env-quoted-generic": f"""
        FROM alpine:3.20
        ENV API_KEY="{VALUE}"
        """,
    "legacy-env-generic": f"""
        FROM alpine:3.20
        ENV LICENSE_KEY {VALUE}
        """,
    "arg-default": f"""
        FROM alpine:3.20
        ARG NPM_TOKEN={VALUE}
        RUN npm ci
        """,
    "label-provider": f"""
        FROM alpine:3.20
        LABEL build.token="{KEY_ID}"
        """,
    "checkov-example-spelling": f"""
        FROM alpine:3.20
        ENV AWS_SECRET_ACCESS_KEY="{CHECKOV_KEY_ID}"
        """,
    "run-provider": f"""
        FROM alpine:3.20
        RUN curl -H "Authorization: token {TOKEN}" https://api.github.com/user
        """,
    "run-assignment": f"""
        FROM postgres:16
        RUN PGPASSWORD={VALUE} psql -h db -c 'select 1'
        """,
    "run-heredoc-data": f"""
        FROM alpine:3.20
        RUN cat <<EOF > /etc/app.conf
        client_secret = {VALUE}
        EOF
        """,
    "run-heredoc-script": f"""
        FROM alpine:3.20
        RUN <<EOF
        export GITHUB_TOKEN={TOKEN}
        git clone https://github.com/acme/app.git
        EOF
        """,
    "copy-heredoc": f"""
        FROM alpine:3.20
        COPY <<EOF /root/.config/app.yml
        api:
          token: {JWT}
        EOF
        """,
    "private-key-block": f"""
        FROM alpine:3.20
        COPY <<EOF /etc/ssl/private/server.key
        {private_key_header()}
        {fake(64)}
        EOF
        """,
    "url-password-in-env": f"""
        FROM python:3.12
        ENV DATABASE_URL=postgres://app:{VALUE}@db:5432/app
        """,
    "json-run": f"""
        FROM alpine:3.20
        RUN ["sh", "-c", "echo {TOKEN} > /dev/null"]
        """,
}
RAW = [TOKEN, KEY_ID, VALUE, JWT]

SILENT = {
    "empty-and-references": """
        FROM alpine:3.20
        ENV API_KEY= SECRET_KEY=$OTHER TOKEN=${FROM_ELSEWHERE}
        """,
    "templates": """
        FROM alpine:3.20
        ENV API_KEY="{{ .Values.apiKey }}" CLIENT_SECRET=<client-secret>
        """,
    "placeholders": """
        FROM alpine:3.20
        ENV API_KEY=changeme ACCESS_TOKEN=XXXXXXXXXXXXXXXX
        ENV KEY=FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000000000000000000000000000
        ENV SESSION_TOKEN=00000000-0000-0000-0000-000000000000
        """,
    "aws-documentation-keys": f"""
        FROM alpine:3.20
        ENV AWS_ACCESS_KEY_ID={AWS_DOC_KEY_ID}
        ENV AWS_SECRET_ACCESS_KEY={AWS_DOC_SECRET}
        """,
    "gpg-and-checksums": f"""
        FROM python:3.12
        ENV GPG_KEY={fake(40, HEX, 44).upper()}
        ENV PYTHON_SHA256={fake(64, HEX, 45)}
        RUN gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys "$GPG_KEY" \\
            && echo "$PYTHON_SHA256 *python.tar.xz" | sha256sum -c -
        """,
    "uuid-as-id": """
        FROM alpine:3.20
        ENV AZURE_CLIENT_ID=72f988bf-86f1-41af-91ab-2d7cd011db47
        """,
    "secret-file-read": """
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=pg PGPASSWORD=$(cat /run/secrets/pg) psql -c 'select 1'
        """,
    "non-secret-names": f"""
        FROM alpine:3.20
        ENV BUILD_ID={VALUE} COMMIT={fake(40, HEX, 46)}
        """,
    "sequence": """
        FROM alpine:3.20
        ENV API_KEY=0123456789abcdef
        """,
}


@pytest.mark.parametrize("key", FIRES)
def test_fires(key: str) -> None:
    """Provider formats anywhere, generic values of secret names."""
    fires(FIRES[key], RULE)


@pytest.mark.parametrize("key", SILENT)
def test_silent(key: str) -> None:
    """The catalog's "does not trigger" list."""
    silent(SILENT[key], RULE)


@pytest.mark.parametrize(("provider", "value"), PROVIDER_SAMPLES,
                         ids=[p for p, _ in PROVIDER_SAMPLES])
def test_every_provider_in_env(provider: str, value: str) -> None:
    """Every provider format is an Error in an ENV value of any name."""
    (finding,) = findings(f"""
        FROM alpine:3.20
        LABEL sample="{value}"
        """, RULE)
    assert finding.severity == Severity.ERROR
    assert finding.data["detector"] == provider


def test_generic_is_a_warning_and_provider_an_error() -> None:
    """Severity by match kind."""
    assert findings(FIRES["env-provider"], RULE)[0].severity == Severity.ERROR
    assert findings(FIRES["env-quoted-generic"], RULE)[0].severity == Severity.WARNING


def test_lower_outside_the_image_chain() -> None:
    """A stage the image does not ship gets one step less."""
    (finding,) = findings(f"""
        FROM alpine:3.20 AS build
        ENV GITHUB_TOKEN={TOKEN}
        RUN make
        FROM alpine:3.20
        COPY --from=build /out /out
        """, RULE)
    assert finding.severity == Severity.WARNING


def test_range_is_the_value() -> None:
    """The range covers the secret inside the (quoted) value."""
    (finding,) = findings(FIRES["env-quoted-generic"], RULE)
    assert (finding.span.start.line, finding.span.start.col) == (1, 13)
    assert finding.span.end.col - finding.span.start.col == len(VALUE)
    (finding,) = findings(FIRES["run-provider"], RULE)
    assert finding.span.start.line == 1
    assert finding.span.end.col - finding.span.start.col == len(TOKEN)


def test_heredoc_range_is_on_the_body_line() -> None:
    """Secrets in heredoc bodies point into the body."""
    (finding,) = findings(FIRES["run-heredoc-data"], RULE)
    assert finding.span.start.line == 2
    assert finding.span.start.col == len("client_secret = ")
    (finding,) = findings(FIRES["copy-heredoc"], RULE)
    assert finding.span.start.line == 3


def test_message_is_masked_and_says_rotate() -> None:
    """The value is masked and the message asks to rotate it."""
    (finding,) = findings(FIRES["env-provider"], RULE)
    assert TOKEN not in finding.message
    assert TOKEN[:4] + "…" in finding.message
    assert "rotate this credential, it is in VCS history" in finding.message
    assert finding.data["masked"] == TOKEN[:4] + "…" + TOKEN[-2:]


def test_fix_converts_to_build_secret() -> None:
    """ARG/ENV values carry LW301's conversion fix."""
    (finding,) = findings(FIRES["arg-default"], RULE)
    assert finding.fix is not None and not finding.fix.safe
    assert "build secret" in finding.fix.title or "Remove" in finding.fix.title
