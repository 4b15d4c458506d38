"""The stage dependency graph: cycles, parallel waves, critical path, target and image chain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..record import record
from .stages import Stage, StageRef, from_chain


@record
class StageGraph:
    """Which stage needs which, and what BuildKit builds for the target.

    ``image_chain`` is the target followed by its ``FROM <stage>`` ancestors: their layers
    ship. ``reachable`` is everything the target needs; the rest of it only feeds
    ``COPY --from``/``--mount=from`` (artifact stages).
    """

    deps: tuple[tuple[int, ...], ...]
    dependents: tuple[tuple[int, ...], ...]
    cycles: tuple[tuple[int, ...], ...]
    waves: tuple[tuple[int, ...], ...]
    critical_path: tuple[int, ...]
    target: int | None
    reachable: frozenset[int]
    image_chain: tuple[int, ...]

    def is_artifact(self, stage: int) -> bool:
        """Tell whether a stage's layers only reach the image through copied paths."""
        return stage in self.reachable and stage not in self.image_chain

    def in_image(self, stage: int) -> bool:
        """Tell whether a stage's layers are part of the target image."""
        return stage in self.image_chain


def build_graph(stages: Sequence[Stage], refs: Iterable[StageRef],
                target: int | None = None) -> StageGraph:
    """Build the graph; ``target`` defaults to the last stage."""
    n = len(stages)
    deps_sets: list[set[int]] = [set() for _ in range(n)]
    for ref in refs:
        if ref.target is not None and 0 <= ref.stage < n:
            deps_sets[ref.stage].add(ref.target)
    deps = tuple(tuple(sorted(d)) for d in deps_sets)
    dependents_sets: list[set[int]] = [set() for _ in range(n)]
    for stage, needed in enumerate(deps):
        for dep in needed:
            dependents_sets[dep].add(stage)
    dependents = tuple(tuple(sorted(d)) for d in dependents_sets)
    cycles = _cycles(deps)
    in_cycle = {s for cycle in cycles for s in cycle}
    levels = _levels(deps, in_cycle)
    waves = _waves(levels)
    if target is None and n:
        target = n - 1
    reachable = _reach(deps, target) if target is not None else frozenset()
    chain = from_chain(stages, target) if target is not None else []
    return StageGraph(deps, dependents, cycles, waves, _critical(deps, levels, target),
                      target, reachable, tuple(chain))


def _cycles(deps: tuple[tuple[int, ...], ...]) -> tuple[tuple[int, ...], ...]:
    """Find the cycles (self-references included), each listed once from its smallest stage."""
    found: list[tuple[int, ...]] = []
    seen: set[tuple[int, ...]] = set()
    state = [0] * len(deps)
    stack: list[int] = []

    def visit(node: int) -> None:
        state[node] = 1
        stack.append(node)
        for dep in deps[node]:
            if state[dep] == 1:
                cycle = stack[stack.index(dep):]
                pivot = cycle.index(min(cycle))
                key = tuple(cycle[pivot:] + cycle[:pivot])
                if key not in seen:
                    seen.add(key)
                    found.append(key)
            elif state[dep] == 0:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in range(len(deps)):
        if state[node] == 0:
            visit(node)
    return tuple(found)


def _levels(deps: tuple[tuple[int, ...], ...], in_cycle: set[int]) -> list[int]:
    """Longest dependency depth of each stage (cycle members count as depth 0)."""
    memo: dict[int, int] = {}

    def depth(node: int, trail: frozenset[int]) -> int:
        if node in memo:
            return memo[node]
        best = 0
        for dep in deps[node]:
            if dep in trail or dep in in_cycle and node in in_cycle:
                continue
            best = max(best, depth(dep, trail | {node}) + 1)
        memo[node] = best
        return best

    return [depth(node, frozenset()) for node in range(len(deps))]


def _waves(levels: list[int]) -> tuple[tuple[int, ...], ...]:
    """Group stages by depth: every stage of a wave can build in parallel."""
    if not levels:
        return ()
    waves: list[list[int]] = [[] for _ in range(max(levels) + 1)]
    for node, level in enumerate(levels):
        waves[level].append(node)
    return tuple(tuple(w) for w in waves if w)


def _critical(deps: tuple[tuple[int, ...], ...], levels: list[int],
              target: int | None) -> tuple[int, ...]:
    """The longest chain of dependent stages ending at the target (or the deepest stage)."""
    if not levels:
        return ()
    node = target if target is not None else max(range(len(levels)), key=levels.__getitem__)
    path = [node]
    while levels[node] > 0:
        candidates = [d for d in deps[node] if levels[d] == levels[node] - 1]
        if not candidates:
            break
        node = candidates[0]
        path.append(node)
    return tuple(reversed(path))


def _reach(deps: tuple[tuple[int, ...], ...], start: int) -> frozenset[int]:
    """Every stage ``start`` needs, itself included."""
    seen = {start}
    todo = [start]
    while todo:
        for dep in deps[todo.pop()]:
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return frozenset(seen)
