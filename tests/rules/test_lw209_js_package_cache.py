"""LW209 js-package-cache."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW209"

FIRES = {
    "npm-ci": """
        FROM node:20-slim
        RUN npm ci --omit=dev
        """,
    "npm-install-global": """
        FROM node:20-slim
        RUN npm install -g pnpm
        """,
    "yarn-v1": """
        FROM node:20-slim
        RUN yarn install --frozen-lockfile
        """,
    "bare-yarn": """
        FROM node:20-slim
        RUN yarn
        """,
    "yarn-clean-before-install": """
        FROM node:20-slim
        RUN yarn cache clean && yarn install --frozen-lockfile
        """,
    "pnpm": """
        FROM node:20-slim
        RUN pnpm install --frozen-lockfile
        """,
}

SILENT = {
    "npm-cache-clean": """
        FROM node:20-slim
        RUN npm ci --omit=dev && npm cache clean --force
        """,
    "npm-rm-cache": """
        FROM node:20-slim
        RUN npm ci && rm -rf /root/.npm
        """,
    "npm-rm-cache-of-another-home": """
        FROM node:20-slim
        USER node
        RUN npm ci && rm -rf /home/node/.npm
        """,
    "yarn-cache-clean": """
        FROM node:20-slim
        RUN yarn install --frozen-lockfile && yarn cache clean
        """,
    "pnpm-store-prune": """
        FROM node:20-slim
        RUN pnpm install --frozen-lockfile && pnpm store prune
        """,
    "npm-cache-mount": """
        FROM node:20-slim
        RUN --mount=type=cache,target=/root/.npm npm ci
        """,
    "yarn-cache-mount": """
        FROM node:20-slim
        RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install
        """,
    "pnpm-store-mount": """
        FROM node:20-slim
        RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --frozen-lockfile
        """,
    "yarn-berry-immutable": """
        FROM node:20-slim
        RUN corepack enable && yarn install --immutable
        """,
    "yarn-berry-yarnrc": """
        FROM node:20-slim
        COPY package.json yarn.lock .yarnrc.yml ./
        RUN yarn install
        """,
    "yarn-set-version": """
        FROM node:20-slim
        RUN yarn set version stable && yarn install
        """,
    "corepack-prepare": """
        FROM node:20-slim
        RUN corepack prepare yarn@4.3.1 --activate && yarn install
        """,
    "artifact-stage": """
        FROM node:20 AS build
        WORKDIR /app
        RUN npm ci && npm run build
        FROM nginx:alpine
        COPY --from=build /app/dist /usr/share/nginx/html
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_and_fix() -> None:
    source = FIRES["npm-ci"]
    (finding,) = fires(source, RULE)
    assert finding.span == Span.of(1, 4, 1, 10)
    assert finding.severity is Severity.INFORMATION
    assert finding.message == ("the npm cache filled at line 2 stays in /root/.npm/_cacache in "
                               "this layer")
    assert finding.fix is not None and finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM node:20-slim
        RUN npm ci --omit=dev && npm cache clean --force
        """)
    silent(result, RULE)


@pytest.mark.parametrize(("name", "command"), [("yarn-v1", "yarn cache clean"),
                                               ("pnpm", "pnpm store prune")])
def test_other_managers_fixes(name: str, command: str) -> None:
    source = FIRES[name]
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result.endswith(f" && {command}\n")
    silent(result, RULE)


def test_bare_yarn_range_is_the_command_word() -> None:
    (finding,) = fires(FIRES["bare-yarn"], RULE)
    assert finding.span == Span.of(1, 4, 1, 8)
