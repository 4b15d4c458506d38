"""One analysis of one document version: the shared input of every rule and feature."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from pathlib import Path

from ..record import record
from ..syntax.nodes import Dockerfile, Instruction
from ..syntax.parser import parse
from ..syntax.source import SourceProblem, decode
from .context import BuildContext
from .graph import StageGraph, build_graph
from .layers import Layer, build_layers, workdirs
from .revision import Revision, revise
from .scopes import Scope, global_scope, instruction_scopes
from .stages import Stage, StageRef, build_stages, from_chain, from_refs
from .variables import Variable


@record
class Analysis:
    """Syntax plus meaning: stages, references, graph, variable scopes and build context."""

    dockerfile: Dockerfile
    path: Path | None
    stages: tuple[Stage, ...]
    refs: tuple[StageRef, ...]
    graph: StageGraph
    global_scope: Scope
    scopes: tuple[Scope, ...]
    stage_of: tuple[int, ...]
    context: BuildContext | None
    layers: tuple[Layer, ...] = ()
    source_problems: tuple[SourceProblem, ...] = ()
    layer_index: Mapping[int, Layer] = field(default_factory=dict)
    target: str | None = None
    """The ``target`` the analysis was made for (the graph's target stage is its index)."""
    workdirs: tuple[str, ...] = ()
    """The working directory each instruction runs in."""
    revision: Revision = field(default_factory=Revision.empty, compare=False, repr=False)
    """Which parts changed since the previous version (identity tokens for memoised rules)."""

    @property
    def instructions(self) -> tuple[Instruction, ...]:
        """The instructions, in order."""
        return self.dockerfile.instructions

    def stage_named(self, name: str) -> Stage | None:
        """The first stage with this (case-insensitive) name."""
        lowered = name.lower()
        return next((s for s in self.stages if s.name == lowered), None)

    def layer_at(self, instruction: int) -> Layer | None:
        """The layer an instruction creates, if it is a RUN, COPY or ADD."""
        return self.layer_index.get(instruction)

    def variable(self, name: str, instruction: int) -> Variable | None:
        """The definition of ``name`` visible at an instruction."""
        return self.scopes[instruction].get(name)


def analyze_bytes(data: bytes, path: Path | None = None, context: BuildContext | None = None,
                  target: str | None = None) -> Analysis:
    """Decode raw file contents (reporting encoding problems) and analyse them."""
    decoded = decode(data)
    return analyze(decoded.text, path, context, target, decoded.problems)


def analyze(text: str, path: Path | None = None, context: BuildContext | None = None,
            target: str | None = None,
            source_problems: tuple[SourceProblem, ...] = (),
            previous: Analysis | None = None) -> Analysis:
    """Parse and model a Dockerfile; ``target`` names the stage that is built (default: last).

    ``previous`` is the analysis of an earlier version of the same document: what the edit did
    not touch is reused.
    """
    tree = parse(text, previous.dockerfile if previous is not None else None)
    instructions = tree.instructions
    same = previous is not None and _same_structure(previous, tree, target)
    if same and previous is not None:
        globals_, stages, scopes = previous.global_scope, previous.stages, previous.scopes
        refs, graph, stage_of = previous.refs, previous.graph, previous.stage_of
    else:
        globals_, stages, refs, scopes, stage_of, graph = _structure(tree, target)
    kept = previous if same and previous is not None and previous.context is context and (
        previous.path == path and previous.source_problems == source_problems) else None
    revision = revise(kept.revision if kept else None, kept.dockerfile if kept else None, tree,
                      stages)
    if kept is not None:
        cwd, layers = _relayer(kept, revision, tree)
    else:
        cwd = workdirs(instructions, stages, scopes, tree.escape)
        layers = build_layers(instructions, stages, scopes, cwd, tree.escape)
    return Analysis(tree, path, stages, refs, graph, globals_, scopes, stage_of, context,
                    layers, source_problems, {layer.instruction: layer for layer in layers},
                    target, cwd, revision)


def _relayer(previous: Analysis, revision: Revision,
             tree: Dockerfile) -> tuple[tuple[str, ...], tuple[Layer, ...]]:
    """Working directories and layers of a version with the structure of ``previous``: only
    the stages that changed, or whose ``FROM`` ancestors did, are worked out again."""
    stages, old = previous.stages, previous.revision.stages
    changed = {i for i, token in enumerate(revision.stages) if token is not old[i]}
    if not changed:
        return previous.workdirs, previous.layers
    redo: set[int] = set()
    chains: set[int] = set()
    for stage in stages:
        chain = from_chain(stages, stage.index)
        if not changed.isdisjoint(chain):
            redo.add(stage.index)
            chains.update(chain)
    fresh = workdirs(tree.instructions, tuple(stages[i] for i in sorted(chains)),
                     previous.scopes, tree.escape)
    cwd = list(previous.workdirs)
    for i in redo:
        for j in stages[i].instructions:
            cwd[j] = fresh[j]
    workdir = tuple(cwd)
    layers = [layer for layer in previous.layers if layer.stage not in redo]
    layers.extend(build_layers(tree.instructions, tuple(stages[i] for i in sorted(redo)),
                               previous.scopes, workdir, tree.escape))
    layers.sort(key=lambda layer: layer.instruction)
    return workdir, tuple(layers)


def _structure(tree: Dockerfile, target: str | None) -> tuple[
        Scope, tuple[Stage, ...], tuple[StageRef, ...], tuple[Scope, ...], tuple[int, ...],
        StageGraph]:
    """Global scope, stages, references, scopes, the stage of each instruction, and the graph."""
    instructions = tree.instructions
    globals_ = global_scope(instructions, tree.escape)
    stages, refs = build_stages(instructions, globals_, tree.escape)
    scopes = instruction_scopes(instructions, stages, globals_, tree.escape)
    refs.extend(from_refs(instructions, stages, scopes, tree.escape))
    refs.sort(key=lambda r: (r.span.start, r.kind))
    stage_of = [-1] * len(instructions)
    for stage in stages:
        for i in stage.instructions:
            stage_of[i] = stage.index
    target_index = None
    if target:
        chosen = next((s for s in stages if s.name == target.lower()), None)
        target_index = chosen.index if chosen else None
    graph = build_graph(stages, refs, target_index)
    return globals_, stages, tuple(refs), tuple(scopes), tuple(stage_of), graph


#: Instructions that define stages, variables or stage references.
_STRUCTURAL = frozenset({"FROM", "ARG", "ENV", "ONBUILD"})


def _same_structure(previous: Analysis, tree: Dockerfile, target: str | None) -> bool:
    """Tell whether the stages, scopes, references and graph of ``previous`` hold for ``tree``:
    the same target and escape, and the same instructions on the same lines, except changed ones
    that define no stage, variable or stage reference (an edit inside a ``RUN``)."""
    old, new = previous.instructions, tree.instructions
    if (len(old) != len(new) or previous.target != target
            or previous.dockerfile.escape != tree.escape):
        return False
    for a, b in zip(old, new, strict=True):
        if a is not b and not (a.name == b.name and a.start_line == b.start_line
                               and a.end_line == b.end_line and _inert(a) and _inert(b)):
            return False
    return True


def _inert(inst: Instruction) -> bool:
    """Tell whether an instruction defines no stage, variable or stage reference."""
    return inst.name not in _STRUCTURAL and not any(
        flag.name == "from" or (flag.name == "mount" and "from" in (flag.value or "").lower())
        for flag in inst.flags)
