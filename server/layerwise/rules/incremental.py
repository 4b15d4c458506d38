"""Findings of memoised rules, reused across versions for what an edit did not touch.

Instruction rules are memoised per instruction (by identity, index and the revision token of
what they read), stage rules per stage, structure rules per structure; on top, everything a
stage yields is memoised by the stage's lineage token, so a keystroke in one stage costs one
lookup for every other stage.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeGuard

from ..memo import IdentityMemo
from ..model.analysis import Analysis
from ..model.stages import Stage
from .base import Finding, InstructionRule, Reads, Rule, StageRule, StructureRule

#: The rules a memoised walk runs.
Memoised = InstructionRule | StageRule | StructureRule
_Found = tuple[tuple[Finding, ...], ...]

#: instruction -> ((index, walk key, token), findings of the rules that apply to it)
_INSTRUCTIONS: IdentityMemo[_Found] = IdentityMemo(1 << 16)
#: lineage token -> ((stage index, walk key), findings per rule of the walk)
_STAGES: IdentityMemo[_Found] = IdentityMemo(1 << 12)
#: stage or lineage token -> ((stage index, rule id), findings of a stage rule)
_STAGE_RULES: IdentityMemo[tuple[Finding, ...]] = IdentityMemo(1 << 14)
#: structure token -> ((rule id,), findings)
_STRUCTURES: IdentityMemo[tuple[Finding, ...]] = IdentityMemo(1 << 10)
_CONTEXT = InstructionRule.context
_STRENGTH = {Reads.INSTRUCTION: 0, Reads.STRUCTURE: 1, Reads.LINEAGE: 2}


def is_memoised(rule: Rule) -> TypeGuard[Memoised]:
    """Tell whether :func:`memoised_findings` runs this rule."""
    return isinstance(rule, InstructionRule | StageRule | StructureRule)


def memoised_findings(rules: Sequence[Memoised], analysis: Analysis) -> dict[str, list[Finding]]:
    """Each rule's findings in :meth:`Rule.check` order; only what an edit may have changed is
    checked again."""
    walk = _Walk(rules, analysis)
    out: dict[str, list[Finding]] = {rule.id: [] for rule in rules}
    for whole in walk.structure_rules:
        out[whole.id].extend(_STRUCTURES.get(analysis.revision.structure, (whole.id,), _whole,
                                             whole, analysis))
    walk_rules = walk.instruction_rules + walk.stage_rules
    first = analysis.stages[0].instructions[0] if analysis.stages else len(analysis.instructions)
    for index in range(first):
        walk.add(out, walk.instruction(index))
    revision = analysis.revision
    for stage in analysis.stages:
        found = _STAGES.get(revision.lineages[stage.index], (stage.index, walk.key),
                            walk.stage, stage)
        for rule, findings in zip(walk_rules, found, strict=True):
            if findings:
                out[rule.id].extend(findings)
    return out


class _Walk:
    """One memoised pass over an analysis."""

    def __init__(self, rules: Sequence[Memoised], analysis: Analysis) -> None:
        self.analysis = analysis
        self.instruction_rules = tuple(r for r in rules if isinstance(r, InstructionRule))
        self.stage_rules = tuple(r for r in rules if isinstance(r, StageRule))
        self.structure_rules = tuple(r for r in rules if isinstance(r, StructureRule))
        contexts: tuple[Hashable, ...] = tuple(
            rule.context(analysis) for rule in self.instruction_rules
            if type(rule).context is not _CONTEXT)
        self.key = (tuple(r.id for r in rules), analysis.dockerfile.escape, contexts)
        self._plans: dict[str, tuple[tuple[InstructionRule, ...], Reads]] = {}
        self._slot = {rule.id: k for k, rule in enumerate(self.instruction_rules)}

    def _plan(self, name: str) -> tuple[tuple[InstructionRule, ...], Reads]:
        plan = self._plans.get(name)
        if plan is None:
            applicable = tuple(r for r in self.instruction_rules
                               if r.names is None or name in r.names)
            reads = max((r.reads for r in applicable), key=_STRENGTH.__getitem__,
                        default=Reads.INSTRUCTION)
            plan = self._plans[name] = (applicable, reads)
        return plan

    def instruction(self, index: int) -> tuple[tuple[InstructionRule, ...], _Found]:
        """The applicable instruction rules at ``index`` and their (memoised) findings."""
        analysis = self.analysis
        inst = analysis.instructions[index]
        applicable, reads = self._plan(inst.name)
        if not applicable:
            return applicable, ()
        token = _token(analysis, index, reads)
        return applicable, _INSTRUCTIONS.get(inst, (index, self.key, token), _check, applicable,
                                             analysis, index)

    def add(self, out: dict[str, list[Finding]],
            found: tuple[tuple[InstructionRule, ...], _Found]) -> None:
        """Append one instruction's findings to ``out``."""
        for rule, findings in zip(*found, strict=True):
            if findings:
                out[rule.id].extend(findings)

    def stage(self, stage: Stage) -> _Found:
        """Every instruction rule's and stage rule's findings in one stage."""
        per_rule: list[list[Finding]] = [[] for _ in self.instruction_rules]
        for index in stage.instructions:
            applicable, found = self.instruction(index)
            for rule, findings in zip(applicable, found, strict=True):
                if findings:
                    per_rule[self._slot[rule.id]].extend(findings)
        revision = self.analysis.revision
        staged = tuple(
            _STAGE_RULES.get(revision.stages[stage.index] if rule.reads is not Reads.LINEAGE
                        else revision.lineages[stage.index], (stage.index, rule.id),
                        _stage_findings, rule, self.analysis, stage)
            for rule in self.stage_rules)
        return tuple(tuple(f) for f in per_rule) + staged


def _token(analysis: Analysis, index: int, reads: Reads) -> object:
    """The revision token of what a rule reading ``reads`` at instruction ``index`` reads."""
    if reads is Reads.INSTRUCTION:
        return None
    revision = analysis.revision
    stage = analysis.stage_of[index]
    if reads is Reads.STRUCTURE or stage < 0:
        return revision.structure
    return revision.lineages[stage]


def _check(rules: tuple[InstructionRule, ...], analysis: Analysis, index: int) -> _Found:
    """Every rule's findings at one instruction."""
    return tuple(tuple(rule.check_instruction(analysis, index)) for rule in rules)


def _stage_findings(rule: StageRule, analysis: Analysis, stage: Stage) -> tuple[Finding, ...]:
    return tuple(rule.check_stage(analysis, stage))


def _whole(rule: StructureRule, analysis: Analysis) -> tuple[Finding, ...]:
    return tuple(rule.check(analysis))


def clear() -> None:
    """Forget every memoised finding."""
    _INSTRUCTIONS.clear()
    _STAGES.clear()
    _STAGE_RULES.clear()
    _STRUCTURES.clear()
