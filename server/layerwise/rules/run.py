"""Run the selected rules over one analysis and apply severity overrides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from ..model.analysis import Analysis
from .base import Finding, InstructionRule, Rule, Severity
from .incremental import memoised_findings
from .registry import ALL_RULES
from .suppression import Suppressions


@dataclass(frozen=True, slots=True)
class RuleSelection:
    """Which rules run and at which severity.

    ``select``/``ignore`` hold ids, names or id prefixes (``LW2``); an empty ``select`` means all.
    ``severities`` maps an id or name to a severity or to ``off``.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severities: Mapping[str, str] = field(default_factory=dict)

    def enabled(self, rule: Rule) -> bool:
        """Tell whether a rule runs."""
        if self._override(rule) == "off":
            return False
        if self.select and not any(_matches(rule, key) for key in self.select):
            return False
        return not any(_matches(rule, key) for key in self.ignore)

    def severity(self, rule: Rule, default: Severity) -> Severity:
        """The configured severity of a rule's finding."""
        override = self._override(rule)
        return Severity.parse(override) if override else default

    def _override(self, rule: Rule) -> str | None:
        for key, value in self.severities.items():
            if _matches(rule, key):
                return value
        return None


def _matches(rule: Rule, key: str) -> bool:
    """Match a rule by id, name or id prefix, case-insensitively."""
    key = key.strip().lower()
    return key in (rule.id.lower(), rule.name) or (
        len(key) >= 3 and key.startswith("lw") and rule.id.lower().startswith(key))


def run_rules(analysis: Analysis, selection: RuleSelection | None = None,
              rules: Iterable[Rule] = ALL_RULES) -> list[Finding]:
    """Every finding of the enabled rules that no pragma suppresses, sorted by position."""
    selection = selection or RuleSelection()
    suppressions = Suppressions(analysis.dockerfile)
    findings: list[Finding] = []
    for rule in rules:
        if not selection.enabled(rule):
            continue
        found = (memoised_findings(rule, analysis) if isinstance(rule, InstructionRule)
                 else rule.check(analysis))
        for finding in found:
            if suppressions.suppressed(finding):
                continue
            severity = selection.severity(rule, finding.severity)
            if suppressions.check.error and rule.id.startswith("LW4"):
                severity = Severity.ERROR
            findings.append(finding if severity == finding.severity
                            else replace(finding, severity=severity))
    findings.sort(key=lambda f: (f.span.start, f.rule_id))
    return findings
