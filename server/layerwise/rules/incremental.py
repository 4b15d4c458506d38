"""Findings of instruction-local rules, memoised per instruction and reused across versions."""

from __future__ import annotations

from collections.abc import Sequence

from ..memo import IdentityMemo
from ..model.analysis import Analysis
from .base import Finding, InstructionRule

#: instruction -> ((index, (rule ids, escape, rule contexts)), findings per rule)
_MEMO: IdentityMemo[tuple[tuple[Finding, ...], ...]] = IdentityMemo(1 << 16)
_CONTEXT = InstructionRule.context


def memoised_findings(rules: Sequence[InstructionRule],
                      analysis: Analysis) -> dict[str, list[Finding]]:
    """Each rule's findings in :meth:`InstructionRule.check` order, in one walk over the
    instructions; an instruction is checked again only when it, its index or a rule's context
    changed."""
    ids = tuple(rule.id for rule in rules)
    contexts = tuple(rule.context(analysis) for rule in rules
                     if type(rule).context is not _CONTEXT)
    key = (ids, analysis.dockerfile.escape, contexts)
    out: dict[str, list[Finding]] = {rule_id: [] for rule_id in ids}
    plans: dict[str, tuple[InstructionRule, ...]] = {}
    for index, inst in enumerate(analysis.instructions):
        applicable = plans.get(inst.name)
        if applicable is None:
            applicable = plans[inst.name] = tuple(
                r for r in rules if r.names is None or inst.name in r.names)
        if not applicable:
            continue
        found = _MEMO.get(inst, (index, key), _check, applicable, analysis, index)
        for rule, findings in zip(applicable, found, strict=True):
            if findings:
                out[rule.id].extend(findings)
    return out


def _check(rules: tuple[InstructionRule, ...], analysis: Analysis,
           index: int) -> tuple[tuple[Finding, ...], ...]:
    """Every rule's findings at one instruction."""
    return tuple(tuple(rule.check_instruction(analysis, index)) for rule in rules)


def clear() -> None:
    """Forget every memoised finding."""
    _MEMO.clear()
