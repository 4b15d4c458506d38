"""Findings of instruction-local rules, memoised per instruction and reused across versions."""

from __future__ import annotations

from collections.abc import Sequence

from ..memo import IdentityMemo
from ..model.analysis import Analysis
from .base import Finding, InstructionRule

#: instruction -> ((rule ids, index, escape, contexts), findings per rule)
_MEMO: IdentityMemo[tuple[tuple[Finding, ...], ...]] = IdentityMemo(1 << 16)
_CONTEXT = InstructionRule.context


def memoised_findings(rules: Sequence[InstructionRule],
                      analysis: Analysis) -> dict[str, list[Finding]]:
    """Each rule's findings in :meth:`InstructionRule.check` order, in one walk over the
    instructions; an instruction is checked again only when it (or a rule's context) changed."""
    escape = analysis.dockerfile.escape
    ids = tuple(rule.id for rule in rules)
    out: dict[str, list[Finding]] = {rule_id: [] for rule_id in ids}
    plans: dict[str, tuple[tuple[InstructionRule, ...], tuple[InstructionRule, ...]]] = {}
    for index, inst in enumerate(analysis.instructions):
        plan = plans.get(inst.name)
        if plan is None:
            applicable = tuple(r for r in rules if r.names is None or inst.name in r.names)
            contextual = tuple(r for r in applicable if type(r).context is not _CONTEXT)
            plan = plans[inst.name] = (applicable, contextual)
        applicable, contextual = plan
        if not applicable:
            continue
        contexts = tuple(rule.context(analysis, index) for rule in contextual)
        found = _MEMO.get(inst, (ids, index, escape, contexts), _check, applicable, analysis,
                          index)
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
