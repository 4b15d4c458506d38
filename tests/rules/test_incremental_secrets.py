"""Memoised secret rules (LW301–LW308) after edits that keep the structure: a finding that
reads another stage (its lineage, or an ancestor's other descendants) follows that stage."""

from __future__ import annotations

import random
import textwrap

import pytest

from layerwise.model.analysis import analyze
from layerwise.rules.run import run_rules

from .test_incremental import _fresh, _typing, _word_edits


def _doc(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _secret(findings: str) -> list[str]:
    """The lines of a findings repr that belong to secret rules (to see that an edit matters)."""
    return [part for part in findings.split("Finding(") if "rule_id='LW30" in part]


#: (name, document, edited document): each edit changes a secret finding in another stage
#: than the edited one, or its fix, without changing the structure.
CASES = [
    ("removal in a child stage hides a copied key (LW305)", _doc("""
        FROM alpine:3.20 AS base
        COPY id_rsa /root/.ssh/id_rsa
        RUN echo base
        FROM base AS app
        RUN rm /root/.ssh/id_rsa
        """), _doc("""
        FROM alpine:3.20 AS base
        COPY id_rsa /root/.ssh/id_rsa
        RUN echo base
        FROM base AS app
        RUN echo /root/.ssh/id_rsa
        """)),
    ("a sibling's use of an ancestor's ENV is in the fix (LW304)", _doc("""
        FROM alpine:3.20 AS base
        ENV DEPLOY_TOKEN=abc
        FROM base AS one
        RUN curl -u deploy:${DEPLOY_TOKEN} https://repo.example.com/a.tgz
        FROM base AS two
        RUN wget --header="X-Token: $DEPLOY_TOKEN" https://example.com/b
        """), _doc("""
        FROM alpine:3.20 AS base
        ENV DEPLOY_TOKEN=abc
        FROM base AS one
        RUN curl -u deploy:${DEPLOY_TOKEN} https://repo.example.com/a.tgz
        FROM base AS two
        RUN wget --header="X-Token: none" https://example.com/b
        """)),
    ("a sibling's non-RUN use of an ancestor's ENV drops the fix (LW304)", _doc("""
        FROM alpine:3.20 AS base
        ENV DEPLOY_TOKEN=abc
        FROM base AS one
        RUN curl -u deploy:${DEPLOY_TOKEN} https://repo.example.com/a.tgz
        FROM base AS two
        WORKDIR /srv
        """), _doc("""
        FROM alpine:3.20 AS base
        ENV DEPLOY_TOKEN=abc
        FROM base AS one
        RUN curl -u deploy:${DEPLOY_TOKEN} https://repo.example.com/a.tgz
        FROM base AS two
        WORKDIR /srv/$DEPLOY_TOKEN
        """)),
    ("a sibling's use of a cleared ENV is in the fix (LW307)", _doc("""
        FROM alpine:3.20 AS base
        ENV API_TOKEN=9f8e7d6c5b4a39281706
        FROM base AS cleared
        ENV API_TOKEN=
        FROM base AS user
        RUN curl -H "X-Api-Key: $API_TOKEN" https://example.com
        """), _doc("""
        FROM alpine:3.20 AS base
        ENV API_TOKEN=9f8e7d6c5b4a39281706
        FROM base AS cleared
        ENV API_TOKEN=
        FROM base AS user
        RUN curl -H "X-Api-Key: none" https://example.com
        """)),
    ("a sibling's removal hides an ENV pointer (LW305)", _doc("""
        FROM alpine:3.20 AS base
        COPY config/ /app/config/
        FROM base AS app
        ENV GOOGLE_APPLICATION_CREDENTIALS=/app/config/sa.json
        FROM base AS other
        RUN rm -rf /app/config
        """), _doc("""
        FROM alpine:3.20 AS base
        COPY config/ /app/config/
        FROM base AS app
        ENV GOOGLE_APPLICATION_CREDENTIALS=/app/config/sa.json
        FROM base AS other
        RUN ls -la /app/config
        """)),
    ("a removal in a child stage hides a file written from an ARG (LW305)", _doc("""
        FROM alpine:3.20 AS base
        ARG NPM_TOKEN
        RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > /root/.npmrc
        FROM base
        RUN rm /root/.npmrc
        """), _doc("""
        FROM alpine:3.20 AS base
        ARG NPM_TOKEN
        RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > /root/.npmrc
        FROM base
        RUN ls /root/.npmrc
        """)),
    ("a parent's WORKDIR moves what a child's secret mount copy writes (LW308)", _doc("""
        # syntax=docker/dockerfile:1
        FROM node:22-alpine AS base
        WORKDIR /app
        FROM base
        RUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc .npmrc && npm ci
        """), _doc("""
        # syntax=docker/dockerfile:1
        FROM node:22-alpine AS base
        WORKDIR /srv
        FROM base
        RUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc .npmrc && npm ci
        """)),
    ("a later layer of the parent stores the secret a child removes (LW307)", _doc("""
        FROM node:22-alpine AS base
        RUN cp /tmp/config /root/.bashrc
        FROM base
        RUN rm /root/.npmrc
        """), _doc("""
        FROM node:22-alpine AS base
        RUN cp /tmp/config /root/.npmrc
        FROM base
        RUN rm /root/.npmrc
        """)),
    ("a RUN that uses an ARG decides where its value lands (LW301, LW303)", _doc("""
        FROM alpine:3.20
        ARG DB_PASSWORD=changeme
        RUN echo building
        """), _doc("""
        FROM alpine:3.20
        ARG DB_PASSWORD=changeme
        RUN echo $DB_PASSWORD
        """)),
]


@pytest.mark.parametrize(("name", "text", "edited"), CASES, ids=[c[0] for c in CASES])
def test_edit_in_one_stage_updates_another(name: str, text: str, edited: str) -> None:
    original = analyze(text)
    before = repr(run_rules(original))
    analysis = analyze(edited, previous=original)
    assert analysis.revision.structure is original.revision.structure
    after = repr(run_rules(analysis))
    assert _secret(after) != _secret(before)
    assert after == _fresh(edited)
    back = analyze(text, previous=analysis)
    assert repr(run_rules(back)) == before == _fresh(text)


def test_edit_elsewhere_keeps_findings() -> None:
    """Typing in an unrelated stage reuses the other stages' findings, which stay right."""
    text = CASES[1][1] + _doc("""
        FROM debian:12-slim AS unrelated
        RUN echo hello
        """)
    original = analyze(text)
    before = run_rules(original)
    for typed in ("hello!", "hello $DEPLOY_TOKEN", "hello"):
        edited = text.replace("echo hello", f"echo {typed}")
        analysis = analyze(edited, previous=original)
        assert analysis.revision.lineages[:3] == original.revision.lineages[:3]
        found = run_rules(analysis)
        assert repr(found) == _fresh(edited)
        assert [f for f in found if f.rule_id.startswith("LW30")] == [
            f for f in before if f.rule_id.startswith("LW30")]
        original = analysis


#: Every case's document, its stages renamed apart: a FROM tree with secrets in many stages.
_TREE = "".join(text.replace(" base", f" base{k}") for k, (_, text, _) in enumerate(CASES))


@pytest.mark.parametrize("seed", [1, 2])
def test_typing_in_stage_tree(seed: int) -> None:
    _typing(_TREE, seed, steps=40)


def test_word_edits_in_stage_tree() -> None:
    original = analyze(_TREE)
    run_rules(original)
    for n, edited in enumerate(_word_edits(_TREE, random.Random(7), 16)):
        analysis = analyze(edited, previous=original)
        assert repr(run_rules(analysis)) == _fresh(edited), f"edit {n} differs:\n{edited}"
        run_rules(analyze(_TREE, previous=analysis))
