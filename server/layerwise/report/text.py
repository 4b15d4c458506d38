"""Compiler-style text output: ``path:line:col: LW001 message``."""

from __future__ import annotations

from collections.abc import Iterable

from ..rules.base import Finding


def format_finding(path: str, finding: Finding) -> str:
    """One line per finding, 1-based line and column."""
    start = finding.span.start
    return (f"{path}:{start.line + 1}:{start.col + 1}: {finding.rule_id} "
            f"[{finding.severity.label}] {finding.message} ({finding.name})")


def format_findings(path: str, findings: Iterable[Finding]) -> list[str]:
    """Format every finding of one file."""
    return [format_finding(path, f) for f in findings]
