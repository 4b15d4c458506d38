"""Shared helpers for feature tests: analyse a snippet and find the cursor marked in it."""

from __future__ import annotations

import textwrap

from layerwise.model.analysis import Analysis, analyze
from layerwise.syntax.span import Position

CURSOR = "‸"


def doc(source: str) -> Analysis:
    """Analyse a dedented Dockerfile snippet."""
    return analyze(textwrap.dedent(source).lstrip("\n"))


def at(source: str) -> tuple[Analysis, Position]:
    """Analyse a snippet with one ``‸`` marking the cursor; return the analysis and position."""
    text = textwrap.dedent(source).lstrip("\n")
    before = text[: text.index(CURSOR)]
    pos = Position(before.count("\n"), len(before) - (before.rfind("\n") + 1))
    return analyze(text.replace(CURSOR, "", 1)), pos
