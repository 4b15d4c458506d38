"""Edits that rules reading other instructions cannot see: typing in a plain RUN.

Most keystrokes land in a RUN, and most RUNs that people type into are, at that moment, plain
commands with no effect on the image filesystem (``RUN echo building && make all``). Rules that
look across instructions (a file created here and removed there, a secret stored in one layer
and deleted in a later one) only read other RUNs through their effects, package operations,
mounts, variables and the programs they look for, so such a RUN is invisible to them. A rule
that says so (``reads_inert_runs = False``) is memoised by *fact tokens* instead of the stage
and lineage tokens of :class:`~layerwise.model.revision.Revision`: a stage keeps its fact token
when every instruction that changed was inert before and after the edit.
"""

from __future__ import annotations

import re

from ..memo import IdentityMemo, TokenMap
from ..model.analysis import Analysis
from ..model.layers import Layer
from ..record import record
from ..syntax.nodes import Instruction

#: Programs that no rule looks for and that have no effect the layer model records.
INERT_PROGRAMS = frozenset({"echo", "printf", "make", "true", "false", "sleep", "ls", "date",
                            "uname", "whoami", "nproc", "pwd"})
#: Command text without quotes, variables, redirections, groups, URLs or assignments.
_PLAIN = re.compile(r"[A-Za-z0-9_.,/+ \t&|;-]*")


def inert(analysis: Analysis, index: int) -> bool:
    """Tell whether instruction ``index`` is a RUN of plain commands that rules reading other
    instructions cannot see: shell form without flags or heredocs, only
    :data:`INERT_PROGRAMS`, plain words (no variable, quote, redirection, URL, ``--key=value``
    or ``user@host``), no effect. (A token that looks like a secret in it is the RUN's own
    finding, checked with the RUN.)"""
    inst = analysis.instructions[index]
    if inst.name != "RUN" or inst.json or inst.flags or inst.heredocs:
        return False
    text = inst.args.value
    layer = analysis.layer_at(index)
    if layer is None or not _PLAIN.fullmatch(text) or (
            layer.created or layer.modified or layer.removed or layer.inputs or layer.packages
            or layer.mounts):
        return False
    return all(not source.script.has_error and all(
        command.program in INERT_PROGRAMS for command in source.script.commands)
        for source in layer.sources)


@record
class _Stage:
    """A stage's fact token and what it was computed from."""

    token: object
    members: tuple[tuple[Instruction, Layer | None], ...]
    inert: tuple[bool, ...]


#: Fact tokens by stage token.
_STAGES: TokenMap[_Stage] = TokenMap(1 << 12)
#: Fact tokens of each analysis: (per stage, per lineage).
_TOKENS: IdentityMemo[tuple[tuple[object, ...], tuple[object, ...]]] = IdentityMemo(64)
#: One object per stage lineage: (structure, stage index, member fact tokens).
_LINEAGES: dict[tuple[object, ...], object] = {}


def stage_tokens(analysis: Analysis) -> tuple[object, ...]:
    """Each stage's fact token."""
    return _TOKENS.get(analysis.revision, None, _tokens, analysis)[0]


def lineage_tokens(analysis: Analysis) -> tuple[object, ...]:
    """Each stage's lineage fact token (the same object while no stage of the lineage changed
    but for inert instructions)."""
    return _TOKENS.get(analysis.revision, None, _tokens, analysis)[1]


def _tokens(analysis: Analysis) -> tuple[tuple[object, ...], tuple[object, ...]]:
    revision = analysis.revision
    stages = tuple(_stage(analysis, i) for i in range(len(analysis.stages)))
    if len(_LINEAGES) >= 1 << 12:
        _LINEAGES.clear()
    lineages = tuple(_LINEAGES.setdefault(key, object()) for key in (
        (revision.structure, index, *(stages[m] for m in sorted(members)))
        for index, members in enumerate(revision.members)))
    return stages, lineages


def _stage(analysis: Analysis, index: int) -> object:
    """The fact token of one stage: the previous version's when every instruction that
    differs from it was inert in both versions."""
    revision = analysis.revision
    if len(revision.stages) != len(analysis.stages):
        return object()
    text = revision.stages[index]
    entry = _STAGES.get(text)
    if entry is not None:
        return entry.token
    members = tuple((analysis.instructions[i], analysis.layer_at(i))
                    for i in analysis.stages[index].instructions)
    before = _STAGES.get(revision.previous[index]) if revision.previous else None
    same = before is not None and len(before.members) == len(members)
    flags = []
    for k, (inst, layer) in enumerate(members):
        if same and before is not None and before.members[k][0] is inst and (
                before.members[k][1] is layer):
            flags.append(before.inert[k])
            continue
        flag = inert(analysis, analysis.stages[index].instructions[k])
        flags.append(flag)
        same = same and flag and before is not None and before.inert[k]
    token = before.token if same and before is not None else object()
    _STAGES.put(text, _Stage(token, members, tuple(flags)))
    return token
