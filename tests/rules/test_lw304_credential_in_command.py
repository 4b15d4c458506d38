"""LW304 credential-in-command."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity

from .helpers import apply_fix as _apply
from .helpers import dedented as _text
from .helpers import findings, fires, silent
from .test_secret_detector import generic_value, github_token

RULE = "LW304"

PW = generic_value(61)
TOKEN = generic_value(62)
GH = github_token(63)


FIRES: dict[str, str] = {
    "url-userinfo": f"""
        FROM python:3.12
        RUN pip install --index-url https://deploy:{PW}@pypi.example.com/simple app
        """,
    "git-clone-token-arg": """
        FROM alpine:3.20
        ARG GITHUB_TOKEN
        RUN git clone https://${GITHUB_TOKEN}@github.com/acme/app.git
        """,
    "curl-user": f"""
        FROM alpine:3.20
        RUN curl -fsSL -u admin:{PW} https://repo.example.com/app.tgz -o /tmp/app.tgz
        """,
    "curl-header": f"""
        FROM alpine:3.20
        RUN curl -H "Authorization: Bearer {TOKEN}" https://api.example.com/v1/app
        """,
    "curl-api-key-header-env": """
        FROM alpine:3.20
        ENV API_TOKEN=abc
        RUN curl -H "X-Api-Key: ${API_TOKEN}" https://api.example.com/v1/app
        """,
    "wget-password": f"""
        FROM alpine:3.20
        RUN wget --user=deploy --password={PW} https://repo.example.com/app.tgz
        """,
    "wget-header": f"""
        FROM alpine:3.20
        RUN wget --header="Authorization: token {TOKEN}" https://api.example.com/app
        """,
    # jessfraz telize
    "query-license-key": f"""
        FROM alpine:3.20
        RUN wget "https://download.example.com/geoip?edition_id=City&license_key={TOKEN}&suffix=tar.gz"
        """,
    "npm-config-set": f"""
        FROM node:22
        RUN npm config set //registry.npmjs.org/:_authToken {TOKEN}
        """,
    "npmrc-written": """
        FROM node:22
        ARG NPM_TOKEN
        RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc && npm ci
        """,
    "docker-login": f"""
        FROM docker:27
        RUN docker login -u ci -p {PW} registry.example.com
        """,
    "mysql-p": f"""
        FROM mysql:8.4
        RUN mysql -uroot -p{PW} -e 'create database app'
        """,
    "sshpass": f"""
        FROM alpine:3.20
        RUN sshpass -p {PW} scp deploy@host:/app.tgz /tmp/
        """,
    "aws-configure": f"""
        FROM amazon/aws-cli:2.17.0
        RUN aws configure set aws_secret_access_key {PW}
        """,
    "az-login": f"""
        FROM mcr.microsoft.com/azure-cli:2.62.0
        RUN az login --service-principal -u app -p {PW} --tenant t
        """,
    "doctl": f"""
        FROM digitalocean/doctl:1.110.0
        RUN doctl auth init -t {TOKEN}
        """,
    "git-insteadof-arg": """
        FROM golang:1.22
        ARG GH_TOKEN
        RUN git config --global url."https://${GH_TOKEN}@github.com/".insteadOf "https://github.com/"
        """,
    "generic-password-option": f"""
        FROM alpine:3.20
        RUN ./installer --admin-password={PW} --quiet
        """,
    "heredoc-script": f"""
        FROM alpine:3.20
        RUN <<EOF
        set -e
        curl -u ci:{PW} https://repo.example.com/a.tgz | tar xz
        EOF
        """,
    "sh-c": f"""
        FROM alpine:3.20
        RUN sh -c "curl -u ci:{PW} https://repo.example.com/a.tgz"
        """,
}
RAW = [PW, TOKEN, GH]

SILENT = {
    "secret-mount-env": """
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=gh,env=GITHUB_TOKEN \\
            git clone https://${GITHUB_TOKEN}@github.com/acme/app.git
        """,
    "secret-mount-file": """
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=pw curl -u "ci:$(cat /run/secrets/pw)" https://x.example.com
        """,
    "script-variable": """
        FROM alpine:3.20
        RUN --mount=type=secret,id=pw PW=$(cat /run/secrets/pw) && curl -u "ci:$PW" https://x
        """,
    "placeholders": """
        FROM alpine:3.20
        RUN curl -u user:changeme https://x && curl -u admin:password https://y \\
            && curl -H "Authorization: Bearer <token>" https://z
        """,
    "documentation-comment": f"""
        FROM alpine:3.20
        # curl -u admin:{PW} https://repo.example.com
        RUN echo ok
        """,
    "no-credentials": """
        FROM alpine:3.20
        RUN git clone https://github.com/acme/app.git && git clone ssh://git@github.com/a/b.git \\
            && curl -u deploy https://x && docker login --password-stdin -u ci < /dev/null \\
            && curl -H "Accept: application/json" "https://api.example.com/v1?page=2&token_type=x"
        """,
    "user-only-in-url": """
        FROM alpine:3.20
        ARG GIT_USER
        RUN git clone https://${GIT_USER}@github.com/acme/app.git
        """,
    "provider-token-is-lw302": f"""
        FROM alpine:3.20
        RUN curl -H "Authorization: token {GH}" https://api.github.com/user
        """,
}


@pytest.mark.parametrize("key", FIRES)
def test_fires(key: str) -> None:
    """Credentials on command lines."""
    fires(FIRES[key], RULE)


@pytest.mark.parametrize("key", SILENT)
def test_silent(key: str) -> None:
    """Secret mounts, script variables, placeholders, comments, no credentials."""
    silent(SILENT[key], RULE)


def test_literal_is_error_and_variable_is_warning() -> None:
    """Severity by where the credential comes from."""
    assert findings(FIRES["curl-user"], RULE)[0].severity == Severity.ERROR
    (finding,) = findings(FIRES["git-clone-token-arg"], RULE)
    assert finding.severity == Severity.WARNING
    assert finding.data["source"] == "arg" and finding.data["variable"] == "GITHUB_TOKEN"
    assert finding.related and "ARG GITHUB_TOKEN" in finding.related[0].message
    (finding,) = findings(FIRES["curl-api-key-header-env"], RULE)
    assert finding.severity == Severity.WARNING and finding.data["source"] == "env"


def test_lower_outside_the_image_chain() -> None:
    """A literal in a stage that does not ship is a Warning."""
    (finding,) = findings(f"""
        FROM alpine:3.20 AS fetch
        RUN curl -u admin:{PW} https://repo.example.com/app.tgz -o /app.tgz
        FROM alpine:3.20
        COPY --from=fetch /app.tgz /app.tgz
        """, RULE)
    assert finding.severity == Severity.WARNING


def test_range_is_the_credential() -> None:
    """The range covers the password, not the whole word or line."""
    source = FIRES["curl-user"]
    (finding,) = findings(source, RULE)
    line = _text(source).splitlines()[1]
    assert line[finding.span.start.col:finding.span.end.col] == PW
    source = FIRES["git-clone-token-arg"]
    (finding,) = findings(source, RULE)
    line = _text(source).splitlines()[2]
    assert line[finding.span.start.col:finding.span.end.col] == "${GITHUB_TOKEN}"


def test_heredoc_range() -> None:
    """A credential in a ``RUN <<EOF`` script points into its body."""
    (finding,) = findings(FIRES["heredoc-script"], RULE)
    assert finding.span.start.line == 3
    line = _text(FIRES["heredoc-script"]).splitlines()[3]
    assert line[finding.span.start.col:finding.span.end.col] == PW


def test_git_config_mentions_gitconfig() -> None:
    """``git config url.….insteadOf`` also writes the token to ~/.gitconfig."""
    (finding,) = findings(FIRES["git-insteadof-arg"], RULE)
    assert "~/.gitconfig" in finding.message


def test_message_is_masked() -> None:
    """The literal is shown masked."""
    for key in ("curl-user", "curl-header", "query-license-key", "mysql-p"):
        for finding in findings(FIRES[key], RULE):
            assert PW not in finding.message and TOKEN not in finding.message
            assert "…" in finding.message


def test_literal_fix_uses_a_secret_env() -> None:
    """The literal becomes ``${NAME}`` provided by a secret mount."""
    source = FIRES["curl-user"]
    (finding,) = findings(source, RULE)
    assert finding.fix is not None and not finding.fix.safe
    assert _apply(source, finding.fix.edits) == _text("""
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=CURL_PASSWORD,env=CURL_PASSWORD curl -fsSL -u admin:${CURL_PASSWORD} https://repo.example.com/app.tgz -o /tmp/app.tgz
        """)


def test_no_literal_fix_inside_single_quotes() -> None:
    """``'user:pass'`` would not expand ``${NAME}``: no fix."""
    (finding,) = findings(f"""
        FROM alpine:3.20
        RUN curl -u 'admin:{PW}' https://x.example.com
        """, RULE)
    assert finding.fix is None


def test_arg_fix_converts_the_arg() -> None:
    """A credential from an ARG gets LW301's conversion."""
    (finding,) = findings(FIRES["git-clone-token-arg"], RULE)
    assert finding.fix is not None
    assert finding.fix.title.startswith("Convert ARG GITHUB_TOKEN")
