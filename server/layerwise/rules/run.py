"""Run the selected rules over one analysis and apply severity overrides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field

from ..memo import IdentityMemo
from ..model.analysis import Analysis
from ..record import record, replace
from .base import Finding, Rule, Severity
from .incremental import Memoised, is_memoised, memoised_findings
from .registry import ALL_RULES
from .suppression import Suppressions


@record
class RuleSelection:
    """Which rules run and at which severity.

    ``select``/``ignore`` hold ids, names or id prefixes (``LW2``); an empty ``select`` means all.
    ``severities`` maps an id, name or id prefix to a severity or to ``off``; when several keys
    name a rule, the most specific wins whatever their order: the id or name, then the longest
    prefix.
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
        """The level of the most specific key naming ``rule`` (equals: the greater key)."""
        best = max(((rank, key, value) for key, value in self.severities.items()
                    if (rank := _specificity(rule, key))), default=None)
        return best[2] if best is not None else None


#: The specificity of a rule's id or name, above that of any id prefix.
_EXACT = 1_000


def _specificity(rule: Rule, key: str) -> int:
    """How precisely ``key`` names ``rule`` (case-insensitively).

    0 not at all, the key's length for an id prefix, :data:`_EXACT` for the id or the name.
    """
    key = key.strip().lower()
    if key in (rule.id.lower(), rule.name):
        return _EXACT
    if len(key) >= 3 and key.startswith("lw") and rule.id.lower().startswith(key):
        return len(key)
    return 0


def _matches(rule: Rule, key: str) -> bool:
    """Match a rule by id, name or id prefix, case-insensitively."""
    return _specificity(rule, key) > 0


_EVERY_RULE = RuleSelection()
#: The enabled rules and the memoised ones among them, by selection and rule list.
_ENABLED: IdentityMemo[tuple[tuple[Rule, ...], tuple[Memoised, ...]]] = IdentityMemo(64)


def _enabled(selection: RuleSelection, rules: Iterable[Rule]) -> tuple[
        tuple[Rule, ...], tuple[Memoised, ...]]:
    enabled = tuple(rule for rule in rules if selection.enabled(rule))
    return enabled, tuple(rule for rule in enabled if is_memoised(rule))


def run_rules(analysis: Analysis, selection: RuleSelection | None = None,
              rules: Iterable[Rule] = ALL_RULES) -> list[Finding]:
    """Every finding of the enabled rules that no pragma suppresses, sorted by position.

    The enabled rules are worked out once per ``selection`` object and rule list: pass the same
    objects on every run (a new selection per keystroke would work them out again).
    """
    selection = selection or _EVERY_RULE
    suppressions = Suppressions(analysis.dockerfile)
    findings: list[Finding] = []
    enabled, memoised = _ENABLED.get(selection, None, _enabled, selection, rules,
                                     also=(rules,))
    local = memoised_findings(memoised, analysis)
    for rule in enabled:
        found = local[rule.id] if rule.id in local else rule.check(analysis)
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
