"""Memoised syntax and BuildKit-check rules (LW0xx, LW4xx) after edits: a finding that reads
another stage (a base stage, the casing of the whole file) follows it, one in an untouched
stage stays, and pragmas follow the comments they are read from."""

from __future__ import annotations

import textwrap

import pytest

from layerwise.model.analysis import analyze
from layerwise.rules.registry import ALL_RULES, find_rule
from layerwise.rules.run import run_rules

from .test_incremental import _fresh


def _doc(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _of(findings: str, rule: str) -> list[str]:
    """The parts of a findings repr that belong to ``rule`` (to see that an edit matters)."""
    return [part.rstrip(", ]") for part in findings.split("Finding(")
            if f"rule_id='{rule}'" in part]


#: (name, rule, document, edited document, structure kept): each edit changes a finding of
#: ``rule``, in most cases in another stage than the edited one.
CASES = [
    ("a base stage's WORKDIR loses its path: the child's relative one is reported (LW405)",
     "LW405", _doc("""
        FROM alpine:3.20 AS base
        WORKDIR /srv
        FROM base AS app
        WORKDIR app
        FROM alpine:3.20 AS other
        RUN echo other
        """), _doc("""
        FROM alpine:3.20 AS base
        WORKDIR
        FROM base AS app
        WORKDIR app
        FROM alpine:3.20 AS other
        RUN echo other
        """), True),
    ("an earlier WORKDIR of the stage gets a path: the later relative one is silent (LW405)",
     "LW405", _doc("""
        FROM alpine:3.20
        WORKDIR
        RUN echo between
        WORKDIR app
        """), _doc("""
        FROM alpine:3.20
        WORKDIR /srv
        RUN echo between
        WORKDIR app
        """), True),
    ("a SHELL in a base stage silences the child's shell-form CMD (LW403)", "LW403", _doc("""
        FROM alpine:3.20 AS base
        RUN echo base
        FROM base AS app
        CMD my-app start
        """), _doc("""
        FROM alpine:3.20 AS base
        SHELL ["/bin/sh", "-c"]
        FROM base AS app
        CMD my-app start
        """), False),
    ("one keyword's casing flips the majority: other stages' keywords follow (LW402)",
     "LW402", _doc("""
        from alpine:3.20 AS one
        run echo one
        from alpine:3.20 AS two
        RUN echo two
        FROM alpine:3.20 AS three
        RUN echo three
        """), _doc("""
        from alpine:3.20 AS one
        run echo one
        from alpine:3.20 AS two
        RUN echo two
        FROM alpine:3.20 AS three
        run echo three
        """), True),
    ("a base stage's ENV is renamed: the child's use is undefined (LW406)", "LW406", _doc("""
        FROM scratch AS base
        ENV APP_HOME=/srv
        FROM base AS app
        COPY . $APP_HOME
        """), _doc("""
        FROM scratch AS base
        ENV APP_HOM=/srv
        FROM base AS app
        COPY . $APP_HOME
        """), False),
    ("the use is edited: the suggestion follows, the other stage's finding stays (LW406)",
     "LW406", _doc("""
        FROM scratch AS one
        ARG version=1
        COPY app-$versio /app
        FROM scratch AS two
        COPY $undefined /app
        """), _doc("""
        FROM scratch AS one
        ARG version=1
        COPY app-$versin /app
        FROM scratch AS two
        COPY $undefined /app
        """), True),
    ("the later CMD of a stage changes: the earlier one's message follows (LW407)", "LW407",
     _doc("""
        FROM alpine:3.20 AS one
        CMD ["a"]
        CMD ["b"]
        FROM alpine:3.20 AS two
        CMD ["c"]
        CMD ["d"]
        """), _doc("""
        FROM alpine:3.20 AS one
        CMD ["a"]
        CMD ["b"]
        FROM alpine:3.20 AS two
        CMD ["c"]
        HEALTHCHECK CMD true
        """), False),
    ("the overridden CMD is edited: the finding's span follows (LW407)", "LW407", _doc("""
        FROM alpine:3.20 AS one
        CMD ["a"]
        CMD ["b"]
        FROM alpine:3.20 AS two
        RUN echo two
        """), _doc("""
        FROM alpine:3.20 AS one
        CMD ["abc"]
        CMD ["b"]
        FROM alpine:3.20 AS two
        RUN echo two
        """), True),
    ("an instruction before the first FROM is edited (LW008)", "LW008", _doc("""
        ARG base=alpine
        FROM $base
        RUN echo hi
        """), _doc("""
        ARG base=alpine
        FROM $base
        RUN echo hi
        """).replace("ARG base=alpine", "RUN echo x\nARG base=alpine"), False),
    ("a pragma typed above an instruction of another stage than the finding's (LW402)",
     "LW402", _doc("""
        FROM alpine:3.20 AS one
        # layerwise: ignore=LW40
        run echo one
        FROM alpine:3.20 AS two
        RUN echo two
        """), _doc("""
        FROM alpine:3.20 AS one
        # layerwise: ignore=LW402
        run echo one
        FROM alpine:3.20 AS two
        RUN echo two
        """), True),
    ("a pragma at the end of a stage applies to the next stage's FROM (LW415)", "LW415",
     _doc("""
        FROM alpine:3.20 AS one
        RUN echo one
        # layerwise: ignore=LW41
        FROM $UNDECLARED AS two
        """), _doc("""
        FROM alpine:3.20 AS one
        RUN echo one
        # layerwise: ignore=LW415
        FROM $UNDECLARED AS two
        """), True),
    ("a blank line typed into a comment lets the pragma reach the instruction (LW002)",
     "LW002", _doc("""
        FROM alpine:3.20
        # hadolint ignore=DL3024
        # layerwise: ignore=unknown-instruction

        RUNN echo hi
        """), _doc("""
        FROM alpine:3.20
        # hadolint ignore=DL3024
        # layerwise: ignore=unknown-instruction
        #
        RUNN echo hi
        """), True),
    ("a directive-looking comment in a stage is completed (LW009)", "LW009", _doc("""
        FROM alpine:3.20 AS one
        RUN echo one
        # synta
        FROM alpine:3.20 AS two
        """), _doc("""
        FROM alpine:3.20 AS one
        RUN echo one
        # syntax=docker/dockerfile:1
        FROM alpine:3.20 AS two
        """), True),
]


@pytest.mark.parametrize(("name", "rule", "before", "after", "kept"), CASES,
                         ids=[case[0] for case in CASES])
def test_edit_matches_fresh_run(name: str, rule: str, before: str, after: str,
                                kept: bool) -> None:
    """Both directions of the edit, analysed from the other version as the server does, with
    every rule and with the rule alone (so that no other rule's reads re-check it)."""
    alone = find_rule(rule)
    assert alone is not None
    for rules in (ALL_RULES, (alone,)):
        old = analyze(before)
        run_rules(old, rules=rules)
        new = analyze(after, previous=old)
        assert (new.revision.structure is old.revision.structure) == kept
        found = repr(run_rules(new, rules=rules))
        expected = _fresh(after)
        assert _of(found, rule) == _of(expected, rule)
        assert rules is not ALL_RULES or found == expected
        back = repr(run_rules(analyze(before, previous=new), rules=rules))
        assert _of(back, rule) == _of(_fresh(before), rule) != _of(expected, rule)


def test_edit_in_one_stage_keeps_the_findings_of_another() -> None:
    """An edit inside a RUN re-checks its own lineage only; the same findings come back."""
    before = _doc("""
        FROM scratch AS one
        WORKDIR app
        COPY $undefined /app
        CMD start
        CMD stop
        FROM alpine:3.20 AS two
        RUN echo two
        """)
    old = analyze(before)
    first = run_rules(old)
    new = analyze(before.replace("echo two", "echo three"), previous=old)
    assert new.revision.stages[0] is old.revision.stages[0]
    again = run_rules(new)
    assert {f.rule_id for f in first} >= {"LW403", "LW405", "LW406", "LW407"}
    assert repr(again) == repr(first) == _fresh(before.replace("echo two", "echo three"))
