"""Analysing with the previous version of a document gives what a fresh analysis gives."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from layerwise.model.analysis import analyze
from layerwise.syntax import parser

from ..syntax.test_incremental_parse import _edited


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_edited())
def test_reanalysis_equals_fresh_analysis(edited: tuple[str, list[str]]) -> None:
    """Stages, references, graph, scopes and layers agree after every edit."""
    first, versions = edited
    previous = analyze(first)
    for text in versions:
        again = analyze(text, previous=previous)
        assert again == analyze(text)
        previous = again


def test_an_edit_inside_a_run_keeps_the_structure() -> None:
    """Typing in a RUN reuses stages and scopes; typing an ARG does not."""
    lines = ["ARG V=1", "FROM alpine AS a", "ENV X=$V", "RUN echo one", "FROM a", "RUN echo $X"]
    before = analyze("\n".join(lines))
    lines[3] = "RUN echo one two"
    typed = analyze("\n".join(lines), previous=before)
    assert typed.scopes is before.scopes and typed.stages is before.stages
    assert typed.layers[0] is not before.layers[0] and typed.layers[1] is before.layers[1]
    lines[2] = "ENV X=$V Y=2"
    changed = analyze("\n".join(lines), previous=typed)
    assert changed.scopes is not typed.scopes
    assert changed.variable("Y", 5) is not None


def test_mounts_count_as_structure_only_when_they_name_a_stage() -> None:
    """A cache mount is no stage reference; ``--mount=from=`` is."""
    lines = ["FROM alpine AS a", "FROM a", "RUN --mount=type=cache,target=/c echo 1"]
    before = analyze("\n".join(lines))
    lines[2] = "RUN --mount=type=cache,target=/c echo 12"
    typed = analyze("\n".join(lines), previous=before)
    assert typed.scopes is before.scopes
    lines[2] = "RUN --mount=from=a,target=/c echo 12"
    referenced = analyze("\n".join(lines), previous=typed)
    assert referenced.refs != typed.refs
    assert referenced == analyze("\n".join(lines))


@pytest.mark.parametrize("word", ["${X-/foo}", "${X:+/bar}", "${X+/baz}"])
def test_a_declared_variable_without_value_is_not_an_undeclared_one(word: str) -> None:
    """The layer memo tells ``ARG X`` (declared, no value) from an undeclared ``X``."""
    declared = analyze(f"FROM a\nARG X\nCOPY a {word}\n")
    undeclared = f"FROM a\nARG Y\nCOPY a {word}\n"
    again = analyze(undeclared, previous=declared)
    parser._head.cache_clear()  # a fresh analysis: new instruction objects, no memo hits
    assert again.layers == analyze(undeclared).layers
