"""The stage dependency overview shown when hovering a stage name."""

from __future__ import annotations

from ..model.analysis import Analysis
from ..model.stages import StageRef
from .graph_drawing import draw_graph, drawing_width
from .locate import index_of
from .markup import Markup, paragraphs

_MAX_LISTED = 8
_MAX_DRAWING_WIDTH = 200


def stage_overview(analysis: Analysis, stage: int, m: Markup) -> str:
    """Describe a stage's links, then the build's waves, critical path, skipped stages, drawing."""
    stages = analysis.stages
    graph = analysis.graph
    here = stages[stage]

    def name(i: int) -> str:
        return m.code(stages[i].label)

    title = f"{m.bold('Stage')} {name(stage)} (index {stage}, line {here.start_line + 1})"
    if here.base_stage is not None:
        base = f"stage {name(here.base_stage)}"
    else:
        base = f"image {m.code(here.base)}" if here.base else "nothing"
    if here.platform is not None and here.platform.value:
        base += f" for platform {m.code(here.platform.value)}"
    needs = [f"{name(r.target)} ({_via(analysis, r)}, line {r.span.start.line + 1})"
             for r in analysis.refs if r.stage == stage and r.target is not None]
    needed_by = [f"{name(r.stage)} ({_via(analysis, r)}, line {r.span.start.line + 1})"
                 for r in analysis.refs if r.target == stage]
    facts = [f"- base: {base}",
             f"- needs: {_listing(needs) or 'no other stage'}",
             f"- needed by: {_listing(needed_by) or 'no other stage'}"]
    if graph.target is not None:
        facts.append(f"- {_reach(analysis, stage, m)}")

    waves = "\n".join(f"{n}. " + ", ".join(name(s) for s in wave)
                      for n, wave in enumerate(graph.waves, start=1))
    parts = [title, "\n".join(facts),
             f"{m.bold('Build waves')} (stages in a wave build in parallel):\n{waves}"]
    if len(graph.critical_path) > 1:
        path = " → ".join(name(s) for s in graph.critical_path)
        parts.append(f"{m.bold('Critical path')}: {path}")
    if graph.target is not None:
        skipped = [name(s) for s in range(len(stages)) if s not in graph.reachable]
        if skipped:
            parts.append(f"{m.bold('Skipped')} for target {name(graph.target)} (BuildKit "
                         f"never builds them): {', '.join(skipped)}")
    if graph.cycles:
        cycles = "; ".join(" → ".join(name(s) for s in (*c, c[0])) for c in graph.cycles)
        parts.append(f"{m.bold('Cycles')} (BuildKit refuses these): {cycles}")
    labels = [s.label for s in stages]
    if drawing_width(labels, graph.deps, graph.waves) <= _MAX_DRAWING_WIDTH:
        parts.append(m.block(draw_graph(labels, graph.deps, graph.waves, stage), "text"))
    else:
        parts.append(f"(The drawing is left out: {len(stages)} stages are too wide for a "
                     "hover.)")
    return paragraphs(*parts)


def _via(analysis: Analysis, ref: StageRef) -> str:
    """How a reference names its stage: ``FROM``, ``COPY --from``, ``RUN --mount=from``."""
    if ref.kind == "from":
        return "FROM"
    if ref.kind == "mount":
        return "RUN --mount=from"
    inst = index_of(analysis).instructions[ref.instruction].effective
    return f"{inst.name} --from"


def _listing(items: list[str]) -> str:
    """Items separated by semicolons, the tail summarised past a few."""
    if len(items) <= _MAX_LISTED:
        return "; ".join(items)
    return "; ".join(items[:_MAX_LISTED]) + f"; and {len(items) - _MAX_LISTED} more"


def _reach(analysis: Analysis, stage: int, m: Markup) -> str:
    """Whether the build target needs the stage."""
    graph = analysis.graph
    target = graph.target
    if target is None:
        return ""
    label = m.code(analysis.stages[target].label)
    if stage == target:
        return "this is the build target"
    if stage in graph.image_chain:
        return f"its layers are part of the target {label}'s image"
    if stage in graph.reachable:
        return f"the target {label} needs it"
    return f"the target {label} never needs it, so BuildKit skips it"
