"""LW301 secret-named-arg-env."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity

from .helpers import apply_fix as _apply
from .helpers import dedented as _text
from .helpers import findings, fires, silent

RULE = "LW301"


FIRES = {
    "arg-used-by-run": """
        FROM alpine:3.20
        ARG GITHUB_TOKEN
        RUN git clone https://${GITHUB_TOKEN}@github.com/acme/app.git
        """,
    "env-in-image": """
        FROM alpine:3.20
        ENV API_KEY=abc
        """,
    "pass-suffix-hadolint-and-buildkit-miss": """
        FROM alpine:3.20
        ENV LDAP_ROOTPASS=fsociety
        """,
    "legacy-form": """
        FROM alpine:3.20
        ENV MG_PASS admin
        """,
    "known-name-with-id": """
        FROM alpine:3.20
        ARG AWS_ACCESS_KEY_ID
        RUN aws s3 ls
        """,
    "dsn": """
        FROM python:3.12
        ENV SENTRY_DSN=https://key@sentry.example.com/1
        """,
    "runtime-slot": """
        FROM node:22
        ENV HUBOT_SLACK_TOKEN=
        """,
    "arg-copied-into-env": """
        FROM node:22
        ARG NPM_TOKEN
        ENV NPM_TOKEN=$NPM_TOKEN
        """,
}

SILENT = {
    "gpg-key": """
        FROM python:3.12
        ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D
        ENV GPG_KEYS B9AE9905FFD7803F25714661B63B535A4C206CA9
        ENV JENKINS_GPG_KEY=abc
        """,
    "vscode-user": """
        FROM mcr.microsoft.com/devcontainers/base:ubuntu
        ARG USERNAME=vscode
        ARG USER_UID=1000
        """,
    "allow-words": """
        FROM alpine:3.20
        ENV PUBLIC_KEY=abc SECRET_KEY_FILE=/run/secrets/key TOKEN_URL=https://x/token
        ENV PASSWORD_LENGTH=12 AUTH_TYPE=basic DOCKER_HARDENED_IMAGES_KEYRING_VERSION=2
        ENV PYTHON_SHA256=8c136d199d3637a1fce98a16adc809c1d83c922d02d41f3614b34f8b6e7d38ec
        """,
    "path-value": """
        FROM alpine:3.20
        ENV NGROK_CA_KEY assets/client/tls/ngrokroot.key
        """,
    "variable-value": """
        FROM alpine:3.20
        ENV SECRET_KEY=$OTHER API_TOKEN=${FROM_ELSEWHERE}
        """,
    "switches": """
        FROM mysql:8.4
        ENV MYSQL_ALLOW_EMPTY_PASSWORD=yes SKIP_AUTH=false SECRET_KEY_BASE_DUMMY=1
        """,
    "consumed-via-secret-mount": """
        # syntax=docker/dockerfile:1
        FROM node:22
        ARG NPM_TOKEN
        RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci
        """,
    "not-a-secret": """
        FROM alpine:3.20
        ENV NODE_VERSION=22 PATH=/usr/local/bin:$PATH AUTHOR=me
        """,
}


@pytest.mark.parametrize("key", FIRES)
def test_fires(key: str) -> None:
    """Secret names in ARG and ENV."""
    fires(FIRES[key], RULE)


@pytest.mark.parametrize("key", SILENT)
def test_silent(key: str) -> None:
    """The catalog's "does not trigger" list."""
    silent(SILENT[key], RULE)


def test_range_is_the_name() -> None:
    """The finding points at the variable name."""
    (finding,) = findings(FIRES["env-in-image"], RULE)
    assert (finding.span.start.line, finding.span.start.col) == (1, 4)
    assert (finding.span.end.line, finding.span.end.col) == (1, 11)


def test_severity_by_destination() -> None:
    """ENV in the image and ARG used by RUN: Warning; unused ARG and artifact stages: Info."""
    assert findings(FIRES["env-in-image"], RULE)[0].severity == Severity.WARNING
    assert findings(FIRES["arg-used-by-run"], RULE)[0].severity == Severity.WARNING
    unused = findings("""
        FROM alpine:3.20
        ARG DEPLOY_TOKEN
        RUN echo hello
        """, RULE)
    assert unused[0].severity == Severity.INFORMATION
    assert unused[0].data["destination"] == "unused"
    artifact = findings("""
        FROM golang:1.22 AS build
        ARG GITHUB_TOKEN
        RUN git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf https://github.com/
        FROM alpine:3.20
        COPY --from=build /out/app /app
        """, RULE)
    assert artifact[0].severity == Severity.INFORMATION
    assert artifact[0].data["destination"] == "artifact"


def test_runtime_slot_is_information() -> None:
    """An empty ENV declares a slot for ``docker run -e``."""
    (finding,) = findings(FIRES["runtime-slot"], RULE)
    assert finding.severity == Severity.INFORMATION
    assert "docker run -e HUBOT_SLACK_TOKEN" in finding.message


def test_placeholder_value_is_information() -> None:
    """Placeholders (XXXXXXXX, 00000000, <set-me>) only get Information."""
    for value in ("XXXXXXXX", "00000000", "<set-me>"):
        (finding,) = findings(f"""
            FROM alpine:3.20
            ENV ADMIN_PASSWORD={value}
            """, RULE)
        assert finding.severity == Severity.INFORMATION


def test_message_shows_build_secret_command() -> None:
    """The message names the matching ``docker build --secret``."""
    (finding,) = findings(FIRES["arg-used-by-run"], RULE)
    assert "docker build --secret id=GITHUB_TOKEN,env=GITHUB_TOKEN" in finding.message
    assert finding.related and "RUN uses $GITHUB_TOKEN" in finding.related[0].message


def test_convert_to_build_secret_fix() -> None:
    """The fix deletes the ARG, mounts the secret in the RUN and adds the syntax line."""
    source = FIRES["arg-used-by-run"]
    (finding,) = findings(source, RULE)
    assert finding.fix is not None and not finding.fix.safe
    assert _apply(source, finding.fix.edits) == _text("""
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=GITHUB_TOKEN,env=GITHUB_TOKEN git clone https://${GITHUB_TOKEN}@github.com/acme/app.git
        """)


def test_convert_keeps_existing_syntax_and_other_pairs() -> None:
    """Only the secret pair goes; an existing ``# syntax`` line stays alone."""
    source = """
        # syntax=docker/dockerfile:1.12
        FROM alpine:3.20
        ARG VERSION=1 NPM_TOKEN
        RUN echo $NPM_TOKEN > /dev/null
        """
    (finding,) = findings(source, RULE)
    assert finding.fix is not None
    assert _apply(source, finding.fix.edits) == _text("""
        # syntax=docker/dockerfile:1.12
        FROM alpine:3.20
        ARG VERSION=1
        RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN echo $NPM_TOKEN > /dev/null
        """)


def test_convert_before_dockerfile_1_10_reads_the_file() -> None:
    """Without ``env=`` support the secret is read from /run/secrets."""
    source = """
        # syntax=docker/dockerfile:1.4
        FROM alpine:3.20
        ARG API_TOKEN
        RUN curl -H "X-Api-Key: $API_TOKEN" https://api.example.com
        """
    (finding,) = findings(source, RULE)
    assert finding.fix is not None
    assert _apply(source, finding.fix.edits) == _text("""
        # syntax=docker/dockerfile:1.4
        FROM alpine:3.20
        RUN --mount=type=secret,id=API_TOKEN curl -H "X-Api-Key: $(cat /run/secrets/API_TOKEN)" https://api.example.com
        """)


def test_remove_baked_default_for_runtime_env() -> None:
    """An ENV no RUN uses: the fix removes its value."""
    source = FIRES["legacy-form"]
    (finding,) = findings(source, RULE)
    assert finding.fix is not None
    assert _apply(source, finding.fix.edits) == _text("""
        FROM alpine:3.20
        ENV MG_PASS=
        """)


def test_global_arg_is_information() -> None:
    """A global ARG only reaches a build through a stage that re-declares it."""
    found = findings("""
        ARG REGISTRY_TOKEN
        FROM alpine:3.20
        """, RULE)
    assert found[0].severity == Severity.INFORMATION


def test_check_skip_pragma_is_honoured() -> None:
    """``# check=skip=SecretsUsedInArgOrEnv`` suppresses the rule (BuildKit's name)."""
    from layerwise.model.analysis import analyze
    from layerwise.rules.registry import find_rule
    from layerwise.rules.run import run_rules

    rule = find_rule(RULE)
    assert rule is not None
    body = """
        FROM alpine:3.20
        ENV API_KEY=abc
        """
    assert run_rules(analyze(_text(body)), rules=(rule,))
    skipped = "# check=skip=SecretsUsedInArgOrEnv\n" + _text(body)
    assert run_rules(analyze(skipped), rules=(rule,)) == []
