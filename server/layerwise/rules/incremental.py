"""Findings of memoised rules, reused across versions for what an edit did not touch.

Instruction rules are memoised per instruction (by identity, index and the revision token of
what they read), stage rules per stage, structure rules per structure; on top, everything a
stage yields is memoised by the stage's own token and its lineage token, so a keystroke in one
stage costs one lookup for every other stage. Rules that cannot see inert RUNs
(``rules/inert.py``) use fact tokens instead of stage and lineage tokens: typing in such a RUN
re-checks that RUN only.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from typing import TypeGuard

from ..memo import IdentityMemo
from ..model.analysis import Analysis
from ..model.stages import Stage
from . import inert
from .base import Finding, InstructionRule, Reads, Rule, StageRule, StructureRule

#: The rules a memoised walk runs.
Memoised = InstructionRule | StageRule | StructureRule
#: What a group of instruction rules reads, and whether they read inert RUNs.
_Reads = tuple[Reads, bool]
_Found = tuple[tuple[Finding, ...], ...]

#: instruction -> ((index, walk key, token), findings of the rules that apply to it)
_INSTRUCTIONS: IdentityMemo[_Found] = IdentityMemo(1 << 16)
#: stage token -> ((stage index, walk key, lineage or lineage fact token), findings per rule of
#: the walk)
_STAGES: IdentityMemo[_Found] = IdentityMemo(1 << 12)
#: stage or lineage token -> ((stage index, rule id), findings of a stage rule)
_STAGE_RULES: IdentityMemo[tuple[Finding, ...]] = IdentityMemo(1 << 14)
#: structure token -> ((rule id,), findings)
_STRUCTURES: IdentityMemo[tuple[Finding, ...]] = IdentityMemo(1 << 10)
#: walk key (rule ids, escape, contexts) -> a plain object standing for it in memo keys
_KEYS: dict[Hashable, object] = {}
#: rules -> what a walk over them does
_PLANS: dict[tuple[Memoised, ...], _Plan] = {}
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
    plan = walk.plan
    out: dict[str, list[Finding]] = {rule.id: [] for rule in rules}
    for whole in plan.structure_rules:
        out[whole.id].extend(_STRUCTURES.get(analysis.revision.structure, (whole.id,), _whole,
                                             whole, analysis))
    walk_rules = plan.instruction_rules + plan.stage_rules
    first = analysis.stages[0].instructions[0] if analysis.stages else len(analysis.instructions)
    for index in range(first):
        for group, found in walk.instruction(index):
            for member, findings in zip(group, found, strict=True):
                if findings:
                    out[member.id].extend(findings)
    revision = analysis.revision
    lineages = walk.facts(Reads.LINEAGE) if plan.blind else revision.lineages
    for stage in analysis.stages:
        found = _STAGES.get(revision.stages[stage.index],
                            (stage.index, walk.key, lineages[stage.index]), walk.stage, stage)
        for rule, findings in zip(walk_rules, found, strict=True):
            if findings:
                out[rule.id].extend(findings)
    return out


class _Plan:
    """What a memoised walk over a given list of rules does, worked out once for the list."""

    def __init__(self, rules: Sequence[Memoised]) -> None:
        self.instruction_rules = tuple(r for r in rules if isinstance(r, InstructionRule))
        self.stage_rules = tuple(r for r in rules if isinstance(r, StageRule))
        self.structure_rules = tuple(r for r in rules if isinstance(r, StructureRule))
        self.with_context = tuple(r for r in self.instruction_rules
                                  if type(r).context is not _CONTEXT)
        self.ids = tuple(r.id for r in rules)
        self.slot = {rule.id: k for k, rule in enumerate(self.instruction_rules)}
        #: No rule reads inert RUNs of the lineage: a stage's findings hold while its own
        #: nodes and its lineage's fact token do.
        lineage_rules: tuple[InstructionRule | StageRule, ...] = (
            *self.instruction_rules, *self.stage_rules)
        self.blind = not any(rule.reads_inert_runs and rule.reads is Reads.LINEAGE
                             for rule in lineage_rules)
        self._groups: dict[str, tuple[tuple[_Reads, tuple[InstructionRule, ...]], ...]] = {}

    def groups(self, name: str) -> tuple[tuple[_Reads, tuple[InstructionRule, ...]], ...]:
        """The rules that look at instructions named ``name``, grouped by what they read."""
        groups = self._groups.get(name)
        if groups is None:
            applicable = [r for r in self.instruction_rules if r.names is None or name in r.names]
            groups = self._groups[name] = tuple(
                ((reads, sees), group) for reads in Reads for sees in (True, False)
                if (group := tuple(r for r in applicable
                                   if r.reads is reads and r.reads_inert_runs is sees)))
        return groups


def _plan(rules: Sequence[Memoised]) -> _Plan:
    """The plan of a list of rules (the same list object is usually passed on every run)."""
    key = tuple(rules)
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) >= 64:
            _PLANS.clear()
        plan = _PLANS[key] = _Plan(rules)
    return plan


class _Walk:
    """One memoised pass over an analysis."""

    def __init__(self, rules: Sequence[Memoised], analysis: Analysis) -> None:
        self.analysis = analysis
        self.plan = plan = _plan(rules)
        contexts = tuple(rule.context(analysis) for rule in plan.with_context)
        self.key = _interned((plan.ids, analysis.dockerfile.escape, contexts))
        self._facts: tuple[tuple[object, ...], tuple[object, ...]] | None = None

    def token(self, index: int, reads: _Reads) -> object:
        """The token of what rules reading ``reads`` at instruction ``index`` read."""
        level, sees = reads
        analysis = self.analysis
        stage = analysis.stage_of[index]
        if sees or stage < 0 or level is Reads.INSTRUCTION or level is Reads.STRUCTURE:
            return _token(analysis, index, level)
        return self.facts(level)[stage]

    def facts(self, level: Reads) -> tuple[object, ...]:
        """The fact tokens of every stage (``Reads.STAGE``) or lineage (``Reads.LINEAGE``)."""
        if self._facts is None:
            self._facts = (inert.stage_tokens(self.analysis),
                           inert.lineage_tokens(self.analysis))
        return self._facts[0] if level is Reads.STAGE else self._facts[1]

    def instruction(self, index: int) -> Iterator[tuple[tuple[InstructionRule, ...], _Found]]:
        """The groups of instruction rules that look at instruction ``index``, each with its
        (memoised) findings per rule; a group reads one part, memoised by that part's token."""
        analysis = self.analysis
        inst = analysis.instructions[index]
        for reads, rules in self.plan.groups(inst.name):
            token = self.token(index, reads)
            yield rules, _INSTRUCTIONS.get(inst, (index, self.key, reads, token), _check, rules,
                                           analysis, index)

    def stage(self, stage: Stage) -> _Found:
        """Every instruction rule's and stage rule's findings in one stage."""
        plan = self.plan
        per_rule: dict[int, list[Finding]] = {}
        for index in stage.instructions:
            for rules, found in self.instruction(index):
                if not any(found):
                    continue
                for rule, findings in zip(rules, found, strict=True):
                    if findings:
                        per_rule.setdefault(plan.slot[rule.id], []).extend(findings)
        staged = tuple(
            _STAGE_RULES.get(self.stage_token(rule, stage.index), (stage.index, rule.id),
                             _stage_findings, rule, self.analysis, stage)
            for rule in plan.stage_rules)
        return tuple(tuple(per_rule.get(k, ())) for k in range(len(plan.instruction_rules))
                     ) + staged

    def stage_token(self, rule: StageRule, stage: int) -> object:
        """The token of what a stage rule reads of a stage."""
        level = Reads.LINEAGE if rule.reads is Reads.LINEAGE else Reads.STAGE
        if not rule.reads_inert_runs:
            return self.facts(level)[stage]
        revision = self.analysis.revision
        return revision.lineages[stage] if level is Reads.LINEAGE else revision.stages[stage]


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
