"""LW305 credential-file-in-image."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.features.actions.fix_all import apply_edits
from layerwise.model.context import BuildContext
from layerwise.rules.base import Fix, Severity

from .helpers import apply_fix as _apply
from .helpers import dedented as _text
from .helpers import findings, fires, silent
from .test_secret_detector import generic_value

RULE = "LW305"
VALUE = generic_value(71)


FIRES: dict[str, str] = {
    "copy-ssh-key": """
        FROM alpine:3.20
        COPY id_rsa /root/.ssh/id_rsa
        """,
    "copy-ssh-dir": """
        FROM alpine:3.20
        COPY .ssh /root/.ssh
        """,
    "copy-aws-credentials": """
        FROM amazon/aws-cli:2.17.0
        COPY .aws/credentials /root/.aws/credentials
        """,
    "copy-service-account": """
        FROM google/cloud-sdk:480.0.0
        COPY gcp-service-account.json /secrets/
        """,
    "copy-renamed-into-key-path": """
        FROM alpine:3.20
        COPY deploy_key /root/.ssh/id_ed25519
        """,
    "copy-npmrc": """
        FROM node:22
        COPY .npmrc package.json ./
        RUN npm ci
        """,
    "add-dotenv": """
        FROM node:22
        ADD .env /app/.env
        """,
    "copy-key-glob": """
        FROM nginx:1.27
        COPY certs/*.key /etc/nginx/ssl/
        """,
    "copy-kubeconfig": """
        FROM bitnami/kubectl:1.30
        COPY kubeconfig /root/.kube/config
        """,
    "copy-heredoc-with-secret": f"""
        FROM python:3.12
        COPY <<EOF /root/.pypirc
        [pypi]
        password = {VALUE}
        EOF
        """,
    "run-writes-npmrc-from-arg": """
        FROM node:22
        ARG NPM_TOKEN
        RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > /root/.npmrc && npm ci
        """,
    "run-writes-aws-credentials-from-env": """
        FROM amazon/aws-cli:2.17.0
        ENV AWS_SECRET_ACCESS_KEY=abc
        RUN printf '[default]\\naws_secret_access_key = %s\\n' "$AWS_SECRET_ACCESS_KEY" \\
            > ~/.aws/credentials
        """,
    # vimagick ngrokd
    "generated-key": """
        FROM golang:1.22
        RUN openssl genrsa -out /etc/ngrok/base.key 2048 \\
            && openssl req -new -x509 -nodes -key /etc/ngrok/base.key -days 10000 -out base.pem
        """,
    "ssh-host-keys": """
        FROM debian:12
        RUN apt-get update && apt-get install -y openssh-server && ssh-keygen -A
        """,
    "ssh-keygen-user-key": """
        FROM alpine:3.20
        RUN ssh-keygen -t ed25519 -N "" -f /root/.ssh/id_ed25519
        """,
    "env-points-at-copied-file": """
        FROM python:3.12
        COPY key.json /app/key.json
        ENV GOOGLE_APPLICATION_CREDENTIALS=/app/key.json
        """,
}

SILENT = {
    "public-material": """
        FROM alpine:3.20
        COPY id_rsa.pub known_hosts /root/.ssh/
        COPY .ssh/known_hosts /etc/ssh/ssh_known_hosts
        COPY server.crt /etc/ssl/certs/
        """,
    "samples": """
        FROM node:22
        COPY .env.example .env.sample .env.template .env.dist /app/
        """,
    # vscode-dev-containers
    "non-dot-env": """
        FROM mcr.microsoft.com/devcontainers/base:ubuntu
        COPY library-scripts/*.env /tmp/library-scripts/
        """,
    "openpgp-keys": """
        FROM debian:12
        COPY docker.key /etc/apt/trusted.gpg.d/docker.asc
        COPY nodesource.gpg.key /usr/share/keyrings/
        """,
    # jessfraz s3cmd: the template is single-quoted, so nothing is expanded
    "template-not-expanded": """
        FROM alpine:3.20
        ARG AWS_SECRET_KEY
        RUN echo 'secret_key=$AWS_SECRET_KEY' > /root/.s3cfg
        """,
    "ssh-keyscan": """
        FROM alpine:3.20
        RUN mkdir -p ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts
        """,
    "secret-mount-target": """
        # syntax=docker/dockerfile:1
        FROM node:22
        RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
        """,
    "key-generated-and-deleted-in-one-run": """
        FROM alpine:3.20
        RUN openssl genrsa -out /tmp/ca.key 2048 && sign-things /tmp/ca.key && rm /tmp/ca.key
        """,
    "key-generated-in-builder": """
        FROM alpine:3.20 AS certs
        RUN openssl genrsa -out /ca.key 2048 && openssl req -new -x509 -key /ca.key -out /ca.crt
        FROM alpine:3.20
        COPY --from=certs /ca.crt /usr/local/share/ca-certificates/
        """,
    "deleted-later-is-lw307": """
        FROM node:22
        COPY .npmrc /root/.npmrc
        RUN npm ci
        RUN rm /root/.npmrc
        """,
    "secret-mount-copy-is-lw308": """
        # syntax=docker/dockerfile:1
        FROM node:22
        RUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc /root/.npmrc
        """,
}


@pytest.mark.parametrize("key", FIRES)
def test_fires(key: str) -> None:
    """Copied, written, generated credential files and ENV pointers."""
    fires(FIRES[key], RULE)


@pytest.mark.parametrize("key", SILENT)
def test_silent(key: str) -> None:
    """The catalog's "does not trigger" list."""
    silent(SILENT[key], RULE)


def test_severity() -> None:
    """Private keys and cloud credentials: Error; token files: Warning; CA bundles: Info."""
    assert findings(FIRES["copy-ssh-key"], RULE)[0].severity == Severity.ERROR
    assert findings(FIRES["copy-service-account"], RULE)[0].severity == Severity.ERROR
    assert findings(FIRES["copy-npmrc"], RULE)[0].severity == Severity.WARNING
    assert findings(FIRES["generated-key"], RULE)[0].severity == Severity.ERROR
    (ca,) = findings("""
        FROM alpine:3.20
        COPY corp-ca.pem /usr/local/share/ca-certificates/corp-ca.pem
        """, RULE)
    assert ca.severity == Severity.INFORMATION and ca.fix is None


def test_lower_in_artifact_stage() -> None:
    """A builder stage that does not ship: one step lower."""
    (finding,) = findings("""
        FROM node:22 AS build
        COPY .npmrc ./
        RUN npm ci && npm run build
        FROM nginx:1.27
        COPY --from=build /app/dist /usr/share/nginx/html
        """, RULE)
    assert finding.severity == Severity.INFORMATION


def test_ranges() -> None:
    """Source token for copies, path word for writes, tool name for generation."""
    (finding,) = findings(FIRES["copy-ssh-key"], RULE)
    assert (finding.span.start.line, finding.span.start.col, finding.span.end.col) == (1, 5, 11)
    source = FIRES["run-writes-npmrc-from-arg"]
    (finding,) = findings(source, RULE)
    line = _text(source).splitlines()[2]
    assert line[finding.span.start.col:finding.span.end.col] == "/root/.npmrc"
    assert finding.related and "ARG NPM_TOKEN" in finding.related[0].message
    (finding,) = findings(FIRES["ssh-keygen-user-key"], RULE)
    line = _text(FIRES["ssh-keygen-user-key"]).splitlines()[1]
    assert line[finding.span.start.col:finding.span.end.col] == "ssh-keygen"
    (finding,) = findings(FIRES["env-points-at-copied-file"], RULE)
    assert finding.span.start.line == 2 and finding.related


def test_mount_instead_of_copy_fix() -> None:
    """With RUNs after the COPY: delete it and mount the file as a secret in them."""
    source = FIRES["copy-npmrc"].replace(".npmrc package.json ./", ".npmrc /root/.npmrc")
    (finding,) = findings(source, RULE)
    assert finding.fix is not None and not finding.fix.safe
    assert _apply(source, finding.fix.edits) == _text("""
        # syntax=docker/dockerfile:1
        FROM node:22
        RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
        """)


def test_ssh_key_fix_uses_an_ssh_mount() -> None:
    """SSH keys are better served by ``--mount=type=ssh``."""
    source = """
        FROM alpine:3.20
        COPY id_rsa /root/.ssh/id_rsa
        RUN git clone git@github.com:acme/app.git /src
        """
    (finding,) = findings(source, RULE)
    assert finding.fix is not None
    assert _apply(source, finding.fix.edits) == _text("""
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=ssh git clone git@github.com:acme/app.git /src
        """)


def _context(tmp_path: Path, files: dict[str, str]) -> BuildContext:
    root = tmp_path / "ctx"
    root.mkdir(parents=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return BuildContext.for_dockerfile(root / "Dockerfile")


def _ignore_fix(context: BuildContext | None) -> Fix | None:
    (finding,) = findings(FIRES["add-dotenv"], RULE, context=context)
    return finding.fix


def test_dockerignore_fix_creates_the_ignore_file(tmp_path: Path) -> None:
    """No RUN to mount into and no ignore file: create ``.dockerignore`` in the context."""
    fix = _ignore_fix(_context(tmp_path, {".env": "X=1"}))
    assert fix is not None and fix.edits == () and not fix.safe
    assert fix.title == "Create .dockerignore with .env"
    (edit,) = fix.files
    assert edit.path == tmp_path / "ctx" / ".dockerignore" and edit.create
    assert apply_edits("", edit.text_edits("")) == ".env\n"


def test_dockerignore_fix_ends_the_last_line_first(tmp_path: Path) -> None:
    """An ignore file without a final line break gets one before the new pattern."""
    fix = _ignore_fix(_context(tmp_path, {".env": "X=1", ".dockerignore": "node_modules"}))
    assert fix is not None and fix.title == "Add .env to .dockerignore"
    (edit,) = fix.files
    assert not edit.create
    text = (tmp_path / "ctx" / ".dockerignore").read_text()
    assert apply_edits(text, edit.text_edits(text)) == "node_modules\n.env\n"
    crlf = "node_modules\r\n"
    assert apply_edits(crlf, edit.text_edits(crlf)) == "node_modules\r\n.env\r\n"


def test_dockerignore_fix_prefers_the_dockerfile_ignore_file(tmp_path: Path) -> None:
    """``Dockerfile.dockerignore`` is the one BuildKit reads: it gets the pattern."""
    context = _context(tmp_path, {".env": "X=1", ".dockerignore": ".env\n",
                                  "Dockerfile.dockerignore": "*.log\n"})
    fix = _ignore_fix(context)
    assert fix is not None and fix.title == "Add .env to Dockerfile.dockerignore"
    (edit,) = fix.files
    assert edit.path == tmp_path / "ctx" / "Dockerfile.dockerignore"
    assert apply_edits("*.log\n", edit.text_edits("*.log\n")) == "*.log\n.env\n"


def test_dockerignore_fix_never_duplicates_a_pattern(tmp_path: Path) -> None:
    """A pattern the file has (re-included by a later exception) is not offered again, and
    one that appeared since the analysis is not appended twice."""
    context = _context(tmp_path, {".env": "X=1", ".dockerignore": ".env\n!.env\n"})
    assert _ignore_fix(context) is None
    fix = _ignore_fix(_context(tmp_path / "other", {".env": "X=1"}))
    assert fix is not None
    (edit,) = fix.files
    assert edit.text_edits("node_modules\n  .env  \n") == ()


def test_no_dockerignore_fix_without_a_context() -> None:
    """Without a build context on disk (untitled buffer, stdin) there is nowhere to write."""
    assert _ignore_fix(None) is None


def test_glob_expanded_in_the_context(tmp_path: Path) -> None:
    """A glob source that matches credential files in the real context."""
    context = _context(tmp_path, {"conf/app.yml": "x", "conf/prod.tfvars": "x",
                                  "conf/server.key": "x"})
    (finding,) = findings("""
        FROM alpine:3.20
        COPY conf/* /etc/app/
        """, RULE, context=context)
    assert "conf/prod.tfvars" in finding.message and "conf/server.key" in finding.message
    assert finding.severity == Severity.ERROR
