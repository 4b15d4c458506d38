"""What checking one file produced, as the reports read it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from ..record import record
from ..rules.base import Finding, Severity


@record
class FileResult:
    """The findings of one file (or why it could not be checked)."""

    path: str
    """The file as reports show it (relative to the working folder when below it)."""
    findings: tuple[Finding, ...] = ()
    """What the enabled rules found, sorted by position (after ``--fix``: what is left)."""
    source: str = ""
    """The text the findings point into, for code frames."""
    error: str | None = None
    """Why the file could not be checked (unreadable, an internal error); ``None`` if it was."""
    fixed: int = 0
    """How many findings ``--fix`` (or ``--diff``) resolved."""
    diff: str = ""
    """The unified diff of the fixes (``--diff``)."""
    fixed_text: str | None = None
    """The fixed text, when it is to be printed instead of written (``--fix`` on stdin)."""


def fixable(finding: Finding) -> bool:
    """Whether ``--fix`` can resolve a finding (it has a safe fix with edits).

    A fix that edits other files (the ``.dockerignore``) is never safe: it is not counted.
    """
    return finding.fix is not None and finding.fix.safe and bool(finding.fix.edits)


@record
class RuleCount:
    """How often one rule fired (``--statistics``)."""

    rule_id: str
    name: str
    severity: Severity
    count: int
    fixable: int


def rule_counts(results: Iterable[FileResult]) -> list[RuleCount]:
    """Findings per rule, most frequent first (then by id)."""
    counts: Counter[str] = Counter()
    fixes: Counter[str] = Counter()
    meta: dict[str, tuple[str, Severity]] = {}
    for result in results:
        for finding in result.findings:
            counts[finding.rule_id] += 1
            fixes[finding.rule_id] += fixable(finding)
            name, severity = meta.get(finding.rule_id, (finding.name, finding.severity))
            meta[finding.rule_id] = (name, min(severity, finding.severity))
    return [RuleCount(rule_id, meta[rule_id][0], meta[rule_id][1], count, fixes[rule_id])
            for rule_id, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def severity_counts(results: Sequence[FileResult]) -> dict[Severity, int]:
    """Findings per severity (every severity present, most severe first)."""
    counts = dict.fromkeys(Severity, 0)
    for result in results:
        for finding in result.findings:
            counts[finding.severity] += 1
    return counts


def at_or_above(results: Iterable[FileResult], threshold: Severity | None) -> int:
    """How many findings are at least as severe as ``threshold`` (``None``: none count)."""
    if threshold is None:
        return 0
    return sum(1 for r in results for f in r.findings if f.severity <= threshold)
