"""Findings of memoised rules, reused across versions for what an edit did not touch.

Instruction rules are memoised per instruction (by identity, index and the revision token of
what they read), stage rules per stage, structure rules per structure; on top, everything a
stage yields is memoised by the stage's lineage token, so a keystroke in one stage costs one
lookup for every other stage.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
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
#: walk key (rule ids, escape, contexts) -> a plain object standing for it in memo keys
_KEYS: dict[Hashable, object] = {}
#: rule ids -> instruction name -> the rules looking at it, grouped by what they read
_PLANS: dict[tuple[str, ...], dict[str, tuple[tuple[Reads, tuple[InstructionRule, ...]], ...]]] = {}
_CONTEXT = InstructionRule.context


def _interned(key: Hashable) -> object:
    """One object per distinct walk key: memo keys then hash and compare it by identity
    instead of rehashing the rule ids and contexts at every lookup."""
    found = _KEYS.get(key)
    if found is None:
        if len(_KEYS) >= 64:
            _KEYS.clear()
        found = _KEYS[key] = object()
    return found


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
        walk.add(out, index)
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
        ids = tuple(r.id for r in rules)
        self.key = _interned((ids, analysis.dockerfile.escape, contexts))
        self._plans = _PLANS.setdefault(ids, {})
        self._slot = {rule.id: k for k, rule in enumerate(self.instruction_rules)}

    def _plan(self, name: str) -> tuple[tuple[Reads, tuple[InstructionRule, ...]], ...]:
        """The rules that look at instructions named ``name``, grouped by what they read."""
        plan = self._plans.get(name)
        if plan is None:
            applicable = [r for r in self.instruction_rules if r.names is None or name in r.names]
            plan = self._plans[name] = tuple(
                (reads, group) for reads in Reads
                if (group := tuple(r for r in applicable if r.reads is reads)))
        return plan

    def instruction(self, index: int) -> Iterator[tuple[InstructionRule, tuple[Finding, ...]]]:
        """The applicable instruction rules at ``index`` with their (memoised) findings; each
        group of rules reading the same part is memoised by that part's token."""
        analysis = self.analysis
        inst = analysis.instructions[index]
        for reads, rules in self._plan(inst.name):
            token = _token(analysis, index, reads)
            found = _INSTRUCTIONS.get(inst, (index, self.key, reads, token), _check, rules,
                                      analysis, index)
            yield from zip(rules, found, strict=True)

    def add(self, out: dict[str, list[Finding]], index: int) -> None:
        """Append one instruction's findings to ``out``."""
        for rule, findings in self.instruction(index):
            if findings:
                out[rule.id].extend(findings)

    def stage(self, stage: Stage) -> _Found:
        """Every instruction rule's and stage rule's findings in one stage."""
        per_rule: list[list[Finding]] = [[] for _ in self.instruction_rules]
        for index in stage.instructions:
            for rule, findings in self.instruction(index):
                if findings:
                    per_rule[self._slot[rule.id]].extend(findings)
        revision = self.analysis.revision
        staged = tuple(
            _STAGE_RULES.get(revision.lineages[stage.index] if rule.reads is Reads.LINEAGE
                             else revision.stages[stage.index], (stage.index, rule.id),
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
    return revision.stages[stage] if reads is Reads.STAGE else revision.lineages[stage]


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
