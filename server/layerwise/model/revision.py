"""Which parts of a document an edit changed, as identity tokens for memoised rules.

A token is an opaque object: the next version keeps the very same object when the part it
stands for did not change, and gets a new one when it did. Rules memoise findings by these
tokens (see ``rules/incremental.py``), so a keystroke in one stage re-checks that stage only.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..record import record
from ..syntax.nodes import Dockerfile, Instruction
from .stages import Stage, from_chain


@record
class Revision:
    """Tokens of one analysis.

    ``structure`` stands for the stages, references, scopes, graph, target, path, build context
    and everything before the first ``FROM``; ``stages[i]`` for the nodes of stage ``i`` (its
    instructions and the comments and blank lines among them); ``lineages[i]`` for stage ``i``
    together with its ``FROM <stage>`` ancestors and the stages built ``FROM`` it, directly or
    not: the stages whose layers it sits on or that sit on its layers. (A ``COPY --from`` or
    ``--mount=from`` edge is structure: what it takes is named by the consumer.) A new
    ``structure`` means new tokens everywhere.
    """

    structure: object
    stages: tuple[object, ...]
    lineages: tuple[object, ...]
    members: tuple[frozenset[int], ...]
    """The stages of each stage's lineage."""
    previous: tuple[object, ...] = ()
    """The stage tokens of the version this one was revised from, when the structure held
    (so a memo keyed by a stage token finds what a changed stage was just before)."""

    @classmethod
    def empty(cls) -> Revision:
        """The revision of a document without stages (nothing shared with any other)."""
        return cls(object(), (), (), ())


def revise(previous: Revision | None, old: Dockerfile | None, new: Dockerfile,
           stages: Sequence[Stage]) -> Revision:
    """The revision of ``new``; ``previous`` and ``old`` describe the last version when its
    structure still holds (same stages, scopes and graph), else they are None."""
    if previous is None or old is None or len(old.nodes) != len(new.nodes) or len(
            previous.stages) != len(stages):
        members = lineage_members(stages)
        return Revision(object(), tuple(object() for _ in stages),
                        tuple(object() for _ in stages), members)
    changed = _changed_stages(old, new, stages)
    if changed is None:
        return Revision(object(), tuple(object() for _ in stages),
                        tuple(object() for _ in stages), previous.members)
    if not changed:
        return previous
    tokens = tuple(object() if i in changed else token
                   for i, token in enumerate(previous.stages))
    lineages = tuple(object() if not changed.isdisjoint(members) else token
                     for token, members in zip(previous.lineages, previous.members, strict=True))
    return Revision(previous.structure, tokens, lineages, previous.members, previous.stages)


def _changed_stages(old: Dockerfile, new: Dockerfile,
                    stages: Sequence[Stage]) -> set[int] | None:
    """The stages holding a changed node (an instruction that is not the same object as before,
    another node that differs); None when a changed node lies before the first stage."""
    starts = [stage.start_line for stage in stages]
    changed: set[int] = set()
    for a, b in zip(old.nodes, new.nodes, strict=True):
        if a is b or (not isinstance(b, Instruction) and a == b):
            continue
        line = min(a.start_line, b.start_line)
        stage = _stage_at(starts, line)
        if stage is None:
            return None
        changed.add(stage)
    return changed


def _stage_at(starts: list[int], line: int) -> int | None:
    """The stage whose lines include ``line`` (the last one starting at or before it)."""
    found = None
    lo, hi = 0, len(starts)
    while lo < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= line:
            found, lo = mid, mid + 1
        else:
            hi = mid
    return found


def lineage_members(stages: Sequence[Stage]) -> tuple[frozenset[int], ...]:
    """Each stage's lineage: itself, its ``FROM <stage>`` ancestors and the stages built
    ``FROM`` it, directly or not (``--from`` and ``--mount=from`` edges do not count)."""
    children: list[list[int]] = [[] for _ in stages]
    for stage in stages:
        if stage.base_stage is not None and 0 <= stage.base_stage < len(stages):
            children[stage.base_stage].append(stage.index)
    out = []
    for stage in stages:
        seen = set(from_chain(stages, stage.index))
        todo = [stage.index]
        while todo:
            for child in children[todo.pop()]:
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        out.append(frozenset(seen))
    return tuple(out)
