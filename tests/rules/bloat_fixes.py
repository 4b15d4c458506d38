"""Helpers for the layer-bloat rule tests: apply a finding's fix and analyse the result again."""

from __future__ import annotations

import textwrap

from layerwise.model.analysis import analyze
from layerwise.rules.base import Finding
from layerwise.syntax.span import TextEdit


def text(source: str) -> str:
    """The Dockerfile a test snippet stands for (dedented, no leading newline)."""
    return textwrap.dedent(source).lstrip("\n")


def apply(source: str, edits: tuple[TextEdit, ...]) -> str:
    """Apply edits (all relative to ``source``, dedented first) and return the new text."""
    result = text(source)
    lines = result.splitlines(keepends=True)

    def offset(line: int, col: int) -> int:
        return sum(len(x) for x in lines[:line]) + col

    spans = sorted(((offset(*e.span.start), offset(*e.span.end), e.new_text) for e in edits),
                   reverse=True)
    for start, end, new in spans:
        result = result[:start] + new + result[end:]
    return result


def fixed(source: str, finding: Finding) -> str:
    """The text after applying a finding's fix; the result still parses cleanly."""
    assert finding.fix is not None, f"no fix for: {finding.message}"
    result = apply(source, finding.fix.edits)
    before = len(analyze(text(source)).dockerfile.errors)
    assert len(analyze(result).dockerfile.errors) <= before, result
    return result
