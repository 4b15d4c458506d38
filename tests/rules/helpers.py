"""Shared helpers for rule tests: analyse a snippet and run one rule on it."""

from __future__ import annotations

import textwrap

from layerwise.features.actions.fix_all import apply_edits
from layerwise.model.analysis import analyze
from layerwise.rules.base import Finding
from layerwise.rules.registry import find_rule
from layerwise.syntax.span import TextEdit


def findings(source: str, rule: str, **kwargs: object) -> list[Finding]:
    """Findings of one rule (by id or name) on a dedented Dockerfile snippet."""
    found = find_rule(rule)
    assert found is not None, f"unknown rule {rule}"
    analysis = analyze(textwrap.dedent(source).lstrip("\n"), **kwargs)  # type: ignore[arg-type]
    return list(found.check(analysis))


def fires(source: str, rule: str, **kwargs: object) -> list[Finding]:
    """Assert that the rule reports at least once and return its findings."""
    result = findings(source, rule, **kwargs)
    assert result, f"{rule} should fire on:\n{source}"
    return result


def silent(source: str, rule: str, **kwargs: object) -> None:
    """Assert that the rule reports nothing."""
    result = findings(source, rule, **kwargs)
    assert not result, f"{rule} should stay silent, got {[f.message for f in result]}"


def dedented(source: str) -> str:
    """The Dockerfile a test snippet stands for (dedented, no leading newline)."""
    return textwrap.dedent(source).lstrip("\n")


def apply_fix(source: str, edits: tuple[TextEdit, ...]) -> str:
    """Apply edits (positions relative to the dedented ``source``) and return the new text."""
    return apply_edits(dedented(source), edits)
