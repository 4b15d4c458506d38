"""Memoised findings of instruction-local rules, reused across document versions."""

from __future__ import annotations

from collections.abc import Hashable, Iterator

from ..model.analysis import Analysis
from ..syntax.nodes import Instruction
from .base import Finding, InstructionRule

_LIMIT = 1 << 16
#: (rule id, instruction identity, index, escape, context) -> (instruction, findings).
#: Holding the instruction keeps its ``id`` from being reused while the entry lives.
_MEMO: dict[tuple[str, int, int, str, Hashable], tuple[Instruction, tuple[Finding, ...]]] = {}


def memoised_findings(rule: InstructionRule, analysis: Analysis) -> Iterator[Finding]:
    """The rule's findings, in :meth:`InstructionRule.check` order, computed only for
    instructions (or contexts) not seen before."""
    escape = analysis.dockerfile.escape
    names = rule.names
    for index, inst in enumerate(analysis.instructions):
        if names is not None and inst.name not in names:
            continue
        key = (rule.id, id(inst), index, escape, rule.context(analysis, index))
        hit = _MEMO.get(key)
        if hit is None or hit[0] is not inst:
            hit = (inst, tuple(rule.check_instruction(analysis, index)))
            if len(_MEMO) >= _LIMIT:
                _MEMO.clear()
            _MEMO[key] = hit
        yield from hit[1]


def clear() -> None:
    """Forget every memoised finding."""
    _MEMO.clear()
