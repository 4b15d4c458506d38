"""LW308 secret-mount-persisted."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity

from .helpers import apply_fix as _apply
from .helpers import dedented as _text
from .helpers import findings, fires, silent

RULE = "LW308"


FIRES = {
    "cp-to-npmrc": """
        # syntax=docker/dockerfile:1
        FROM node:22
        RUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc ~/.npmrc && npm ci
        """,
    "cat-redirect": """
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=cfg cat /run/secrets/cfg > /etc/app/config.yml
        """,
    "custom-target-copied": """
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=key,target=/secrets/key cp /secrets/key /opt/app/key
        """,
    "env-secret-appended-to-netrc": """
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=tok,env=TOKEN \\
            echo "machine github.com login x password $TOKEN" >> ~/.netrc
        """,
    "git-config-insteadof": """
        # syntax=docker/dockerfile:1
        FROM golang:1.22
        RUN --mount=type=secret,id=gh,env=GH_TOKEN \\
            git config --global url."https://${GH_TOKEN}@github.com/".insteadOf "https://github.com/" \\
            && go mod download
        """,
    "npm-config-set": """
        # syntax=docker/dockerfile:1
        FROM node:22
        RUN --mount=type=secret,id=npm,env=NPM_TOKEN \\
            npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN" && npm ci
        """,
    "docker-login-stdin": """
        # syntax=docker/dockerfile:1
        FROM docker:27
        RUN --mount=type=secret,id=pw cat /run/secrets/pw | docker login -u ci --password-stdin r.io
        """,
    "piped-through-base64": """
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=k cat /run/secrets/k | base64 -d > /root/.ssh/id_ed25519
        """,
}

SILENT = {
    "used-in-place": """
        # syntax=docker/dockerfile:1
        FROM node:22
        RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
        """,
    "tmp-removed-in-same-run": """
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=k cp /run/secrets/k /tmp/k && ./install --key /tmp/k \\
            && rm -f /tmp/k
        """,
    "written-into-tmpfs": """
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=tmpfs,target=/work --mount=type=secret,id=k \\
            cp /run/secrets/k /work/k && ./install --key /work/k
        """,
    "env-secret-used-on-command-line": """
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=gh,env=GITHUB_TOKEN \\
            curl -H "Authorization: token $GITHUB_TOKEN" https://api.github.com/user
        """,
    "gitconfig-removed": """
        # syntax=docker/dockerfile:1
        FROM golang:1.22
        RUN --mount=type=secret,id=gh,env=GH_TOKEN \\
            git config --global url."https://${GH_TOKEN}@github.com/".insteadOf https://github.com/ \\
            && go mod download && rm ~/.gitconfig
        """,
    "no-secret-mount": """
        FROM alpine:3.20
        RUN cp /etc/hosts /tmp/hosts
        """,
}


@pytest.mark.parametrize("key", FIRES)
def test_fires(key: str) -> None:
    """A mounted secret copied or stored into the image file system."""
    fires(FIRES[key], RULE)


@pytest.mark.parametrize("key", SILENT)
def test_silent(key: str) -> None:
    """Used in place, removed in the same RUN, or on a tmpfs."""
    silent(SILENT[key], RULE)


def test_range_and_related_mount() -> None:
    """The destination word, with the mount as related location."""
    source = FIRES["cp-to-npmrc"]
    (finding,) = findings(source, RULE)
    assert finding.severity == Severity.WARNING
    line = _text(source).splitlines()[2]
    assert line[finding.span.start.col:finding.span.end.col] == "~/.npmrc"
    assert line[finding.related[0].span.start.col:].startswith("--mount=type=secret")
    assert finding.data["path"] == "/root/.npmrc"


def test_fix_mounts_at_the_destination() -> None:
    """``cp`` goes away and the mount gets ``target=`` (the catalog's fix)."""
    source = FIRES["cp-to-npmrc"]
    (finding,) = findings(source, RULE)
    assert finding.fix is not None and not finding.fix.safe
    assert _apply(source, finding.fix.edits) == _text("""
        # syntax=docker/dockerfile:1
        FROM node:22
        RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
        """)


def test_fix_replaces_an_existing_target() -> None:
    """An explicit ``target=`` is re-pointed."""
    source = """
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=key,target=/secrets/key cp /secrets/key /opt/app/key && ./app
        """
    (finding,) = findings(source, RULE)
    assert finding.fix is not None
    assert _apply(source, finding.fix.edits) == _text("""
        # syntax=docker/dockerfile:1
        FROM alpine:3.20
        RUN --mount=type=secret,id=key,target=/opt/app/key ./app
        """)


def test_config_writers_name_the_file() -> None:
    """git config and docker login say where the credential is stored."""
    (finding,) = findings(FIRES["git-config-insteadof"], RULE)
    assert "/root/.gitconfig" in finding.message
    (finding,) = findings(FIRES["docker-login-stdin"], RULE)
    assert "/root/.docker/config.json" in finding.message


def test_lower_outside_the_image_chain() -> None:
    """A builder stage that does not ship: Information."""
    (finding,) = findings("""
        # syntax=docker/dockerfile:1
        FROM node:22 AS build
        RUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc /root/.npmrc && npm ci
        FROM nginx:1.27
        COPY --from=build /app/dist /usr/share/nginx/html
        """, RULE)
    assert finding.severity == Severity.INFORMATION


def test_lw304_stays_silent_for_mounted_secrets() -> None:
    """The mounted value on the command line is LW308's (it is written), not LW304's."""
    assert findings(FIRES["git-config-insteadof"], "LW304") == []
