"""Helpers for the layer-bloat rule tests: apply a finding's fix and analyse the result again."""

from __future__ import annotations

from layerwise.model.analysis import analyze
from layerwise.rules.base import Finding

from .helpers import apply_fix as apply
from .helpers import dedented as text


def fixed(source: str, finding: Finding) -> str:
    """The text after applying a finding's fix; the result still parses cleanly."""
    assert finding.fix is not None, f"no fix for: {finding.message}"
    result = apply(source, finding.fix.edits)
    before = len(analyze(text(source)).dockerfile.errors)
    assert len(analyze(result).dockerfile.errors) <= before, result
    return result
