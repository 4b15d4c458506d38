"""Typing in a RUN of plain commands re-checks that RUN only, and never leaves a stale finding
when the RUN stops (or starts) being plain: every version is compared with a fresh run."""

from __future__ import annotations

import textwrap

import pytest

from layerwise.model.analysis import analyze
from layerwise.rules import inert
from layerwise.rules.base import InstructionRule, Reads
from layerwise.rules.registry import ALL_RULES
from layerwise.rules.run import run_rules

from .test_incremental import _fresh, _generate


def _doc(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.mark.parametrize(("run", "expected"), [
    ("RUN echo building && make all", True),
    ("RUN make -j2 build-1 || true", True),
    ("RUN echo $HOME", False),  # a variable
    ("RUN echo hi > /tmp/x", False),  # a redirection
    ("RUN echo 'quoted'", False),
    ("RUN echo https://user:pass@example.com", False),  # a URL (credentials)
    ("RUN echo --password=abc", False),  # a secret option
    ("RUN rm -rf /tmp/x", False),  # a program rules look for, an effect
    ("RUN npm ci", False),
    ("RUN ech", False),  # an unknown program (while typing one)
    ("RUN echo a &&", False),  # a shell syntax error
    ("RUN --network=none echo hi", False),  # a flag
    ('RUN ["echo", "hi"]', False),  # exec form
    ("RUN <<EOF\necho hi\nEOF", False),  # a heredoc
    ("WORKDIR /src", False),
])
def test_inert_runs(run: str, expected: bool) -> None:
    analysis = analyze(f"FROM alpine:3.20\n{run}\n")
    assert inert.inert(analysis, 1) is expected


def _type_into(text: str, marker: str, typed: str) -> None:
    """Type ``typed`` after ``marker`` character by character, each version analysed from the
    previous one and compared with a fresh run, then delete it again the same way."""
    at = text.index(marker) + len(marker)
    previous = analyze(text)
    run_rules(previous)
    versions = [text[:at] + typed[:k] + text[at:] for k in range(1, len(typed) + 1)]
    for version in (*versions, *reversed(versions[:-1]), text):
        previous = analyze(version, previous=previous)
        assert repr(run_rules(previous)) == _fresh(version), version


#: A lineage (parent, child built FROM it) where other stages' findings depend on what a RUN of
#: the child does: typing into its plain RUN passes through plain and non-plain versions.
_LINEAGE = _doc("""
    FROM node:22-alpine AS base
    ENV NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789
    RUN curl -fsSL https://example.com/tool.tgz -o /tmp/tool.tgz && tar -xzf /tmp/tool.tgz
    RUN cp /tmp/config /root/.npmrc && apt-get update
    COPY . /app
    RUN echo base
    FROM base AS app
    RUN echo step && make all
    CMD ["node", "/app/server.js"]
    """)


@pytest.mark.parametrize("typed", [
    " && rm /tmp/tool.tgz",  # LW203 at the parent's download
    " && rm /root/.npmrc",  # LW201, LW307 at the parent's copy
    " && unset NPM_TOKEN",  # LW307 at the parent's ENV
    " && apt-get install -y curl",  # LW210 at the parent's index refresh
    " && useradd app",  # LW202 user tools
    " && npm ci",  # LW212 installs after the context copy
    " && echo $NPM_TOKEN",  # the secret fixes' uses of the variable
    " && echo x > /root/.npmrc",
])
def test_typing_a_command_into_a_plain_run(typed: str) -> None:
    _type_into(_LINEAGE, "RUN echo step && make all", typed)


def test_typing_a_plain_command_into_a_parent_run() -> None:
    _type_into(_LINEAGE, "RUN echo base", " && echo more && make it")


def test_generated_file_typing_like_the_benchmark() -> None:
    text = _generate(300, 1)
    lines = text.split("\n")
    middle = min((k for k, line in enumerate(lines) if line.startswith("RUN echo step")),
                 key=lambda k: abs(k - len(lines) // 2))
    _type_into(text, lines[middle], " && echo typing-abc-123 && rm -rf /src")


def test_typing_in_a_plain_run_rechecks_that_run_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules reading the lineage run at the typed instruction and nowhere else."""
    text = _generate(300, 1)
    marker = "RUN echo typing here"
    previous = analyze(text)
    run_rules(previous)
    checked: list[int] = []
    lineage = [rule for rule in ALL_RULES if isinstance(rule, InstructionRule)
               and rule.reads is Reads.LINEAGE and not rule.reads_inert_runs]
    assert lineage
    for rule in lineage:
        original = type(rule).check_instruction

        def spy(self: InstructionRule, analysis: object, index: int,
                original: object = original) -> object:
            checked.append(index)
            return original(self, analysis, index)  # type: ignore[operator]
        monkeypatch.setattr(type(rule), "check_instruction", spy)
    for n in range(1, 4):
        edited = text.replace(marker, marker + " && echo " + "x" * n)
        previous = analyze(edited, previous=previous)
        run_rules(previous)
    typed = next(i for i, inst in enumerate(previous.instructions)
                 if inst.args.value.startswith("echo typing here"))
    assert checked and set(checked) == {typed}
