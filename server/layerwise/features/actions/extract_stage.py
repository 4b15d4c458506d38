"""The "Extract stage" refactoring: move instructions into their own build stage.

The selected instructions build in a new named stage; the original stage copies back only
what they produced (paths created and not removed, from the layer model). Instructions before
the selection that change the filesystem become a shared parent stage both build on.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from ...model.analysis import Analysis
from ...model.layers import Layer
from ...model.stages import STAGE_NAME, Stage
from ...model.variables import references
from ...record import record
from ...rules.secrets.files import classify
from ...syntax.nodes import Instruction
from ...syntax.span import Position, Span, TextEdit

#: Instructions before the selection that only set configuration (carried over as text).
_CONFIG = frozenset({"ENV", "ARG", "WORKDIR", "USER", "SHELL", "LABEL"})
#: Instructions that change the filesystem: a selection must hold one to be worth a stage.
_FILESYSTEM = frozenset({"RUN", "COPY", "ADD"})
#: Paths that are scratch space or caches: never worth copying out of a build stage.
_SCRATCH = ("/tmp", "/var/tmp", "/var/cache", "/var/lib/apt", "/var/lib/dpkg", "/root/.cache",
            "/root/.npm", "/root/.cargo/registry", "/var/log", "/run", "/proc", "/dev")
_OUTPUT_KINDS = frozenset({"extract", "clone", "copy", "move", "redirect", "mkdir", "link",
                           "build", "write", "download", "heredoc", "output"})
PLACEHOLDER = "/path/to/output"


@record
class ExtractPlan:
    """What the refactoring will do, and the edits that do it."""

    title: str
    stage_names: tuple[str, ...]
    edits: tuple[TextEdit, ...]


def extract_stage(analysis: Analysis, selection: Span) -> ExtractPlan | None:
    """Plan "Extract stage" for the instructions the selection touches, if it applies."""
    found = _selected(analysis, selection)
    if found is None:
        return None
    stage, chosen = found
    return _plan(analysis, stage, [chosen], f"Extract stage from {_describe(analysis, chosen)}")


def extract_parallel(analysis: Analysis, selection: Span) -> ExtractPlan | None:
    """Plan one stage per selected RUN when those RUNs are independent (they build in parallel)."""
    found = _selected(analysis, selection)
    if found is None:
        return None
    stage, chosen = found
    runs = [i for i in chosen if analysis.instructions[i].name == "RUN"]
    if len(runs) < 2 or len(runs) != len(chosen) or not _independent(analysis, runs):
        return None
    plan = _plan(analysis, stage, [[i] for i in runs], "")
    if plan is None:
        return None
    names = ", ".join(plan.stage_names)
    return ExtractPlan(f"Extract {len(runs)} stages that build in parallel ({names})",
                       plan.stage_names, plan.edits)


def _selected(analysis: Analysis, selection: Span) -> tuple[Stage, list[int]] | None:
    """The stage and the consecutive non-FROM instructions the selection covers."""
    lines = range(selection.start.line, selection.end.line + 1)
    if selection.end.col == 0 and selection.end.line > selection.start.line:
        lines = range(selection.start.line, selection.end.line)
    chosen = [i for i, inst in enumerate(analysis.instructions)
              if inst.start_line <= lines[-1] and inst.end_line >= lines[0]]
    if not chosen or any(analysis.dockerfile.errors):
        return None
    stages = {analysis.stage_of[i] for i in chosen}
    if len(stages) != 1 or -1 in stages:
        return None
    stage = analysis.stages[stages.pop()]
    chosen = [i for i in chosen if analysis.instructions[i].name != "FROM"]
    if not chosen or any(analysis.instructions[i].name == "ONBUILD" for i in chosen):
        return None
    if not any(analysis.instructions[i].name in _FILESYSTEM for i in chosen):
        return None  # nothing would build in the new stage
    return stage, chosen


def _plan(analysis: Analysis, stage: Stage, groups: Sequence[list[int]],
          title: str) -> ExtractPlan | None:
    """Build the replacement text for the whole stage, plus shifted numeric references."""
    instructions = analysis.instructions
    tree = analysis.dockerfile
    first = groups[0][0]
    last = groups[-1][-1]
    before = [i for i in stage.instructions[1:] if i < first]
    after = [i for i in stage.instructions[1:] if i > last]
    needs_parent = any(instructions[i].name not in _CONFIG for i in before)
    inserted = len(groups) + int(needs_parent)
    shifts = _numeric_shifts(analysis, stage, inserted)
    if shifts is None:
        return None
    taken: set[str | None] = {s.name for s in analysis.stages if s.name}
    base_ref = _base_reference(stage)
    out: list[str] = []
    parent_name = None
    if needs_parent:
        parent_name = _unique(f"{stage.name or 'build'}-base", taken)
        taken.add(parent_name)
        out.append(f"FROM {_platform(stage)}{base_ref} AS {parent_name}\n")
        out.extend(_text(analysis, i) for i in before)
        out.append("\n")
    names: list[str] = []
    copies: list[str] = []
    for group in groups:
        name = _unique(_suggest(analysis, group), taken)
        taken.add(name)
        names.append(name)
        out.append(f"FROM {_platform(stage)}{parent_name or base_ref} AS {name}\n")
        if needs_parent:
            out.extend(_args_for(analysis, group, before))
        else:
            out.extend(_text(analysis, i) for i in before)
        out.extend(_text(analysis, i) for i in group)
        out.append("\n")
        copies.extend(_copy_back(analysis, group, name))
    # What the selection sets without building (ENV, WORKDIR, LABEL, CMD...) stays in effect
    # for the rest of the stage and in its image: repeat it after the copies.
    kept = [i for group in groups for i in group if instructions[i].name not in _FILESYSTEM]
    kept_args = {kv.key.value for i in kept if instructions[i].name == "ARG"
                 for kv in instructions[i].pairs}
    head = tree.node_text(instructions[stage.from_index])
    if parent_name:
        head = _retarget_from(instructions[stage.from_index], head, parent_name)
        out.append(head)
        out.extend(line for line in _args_for(analysis, after, before)
                   if _arg_name(line) not in kept_args)
    else:
        out.append(head)
        out.extend(_text(analysis, i) for i in before)
    out.extend(copies)
    for i in kept:
        text = tree.node_text(instructions[i])
        out.append(text if text.endswith("\n") else text + "\n")
    out.extend(_text(analysis, i) for i in after)
    new_text = "".join(out)
    if not tree.lines[stage.end_line].endswith("\n"):
        new_text = new_text.rstrip("\n")
    edit = TextEdit(Span(Position(stage.start_line, 0), Position(stage.end_line + 1, 0)),
                    new_text)
    return ExtractPlan(title, tuple(names), (edit, *shifts))


def _numeric_shifts(analysis: Analysis, stage: Stage,
                    inserted: int) -> tuple[TextEdit, ...] | None:
    """Edits that keep numeric ``--from=N`` pointing at the same stages after the insertion.

    ``None`` when such a reference sits inside the stage being rewritten.
    """
    edits = []
    for ref in analysis.refs:
        if ref.resolution != "index" or ref.target is None or ref.target < stage.index:
            continue
        if stage.start_line <= ref.span.start.line <= stage.end_line:
            return None
        edits.append(TextEdit(ref.span, str(ref.target + inserted)))
    return tuple(edits)


def _text(analysis: Analysis, index: int) -> str:
    """An instruction's source text, with the comments and blank lines since the previous one."""
    tree = analysis.dockerfile
    inst = analysis.instructions[index]
    start = analysis.instructions[index - 1].end_line + 1 if index else 0
    text = "".join(tree.lines[start: inst.end_line + 1])
    return text if text.endswith("\n") else text + "\n"


def _base_reference(stage: Stage) -> str:
    """The stage's base as written in its FROM."""
    return stage.base_token.value if stage.base_token else stage.base


def _platform(stage: Stage) -> str:
    """The stage's ``--platform`` flag, repeated on the new stages."""
    return f"{stage.platform.word} " if stage.platform else ""


def _retarget_from(inst: Instruction, text: str, parent: str) -> str:
    """Rewrite ``FROM <base> [AS name]`` to build on the new parent stage."""
    if not inst.words:
        return text
    base = inst.words[0]
    line = base.span.start.line - inst.start_line
    lines = text.split("\n")
    row = lines[line]
    lines[line] = row[: base.span.start.col] + parent + row[base.span.end.col:]
    return "\n".join(lines)


def _args_for(analysis: Analysis, group: list[int], before: list[int]) -> list[str]:
    """``ARG`` lines a new stage needs for the variables ``group`` uses.

    ARGs never cross stages: a global ARG is re-declared by name, an ARG declared in ``before``
    is repeated with its default.
    """
    lines: list[str] = []
    seen: set[str] = set()
    for i in group:
        scope = analysis.scopes[i]
        for name in _used_names(analysis.instructions[i]):
            var = scope.get(name)
            if var is None or name in seen or var.kind not in ("arg", "global-arg"):
                continue
            seen.add(name)
            if var.instruction in before:
                lines.append(_arg_line(analysis.instructions[var.instruction], name))
            elif var.instruction not in group:
                lines.append(f"ARG {name}\n")
    return lines


def _arg_line(inst: Instruction, name: str) -> str:
    """``ARG name[=default]`` as written in an earlier ARG instruction."""
    for kv in inst.pairs:
        if kv.key.value == name and kv.value is not None:
            return f"ARG {name}={kv.value.value}\n"
    return f"ARG {name}\n"


def _arg_name(line: str) -> str:
    """The name an ``ARG name[=default]`` line declares."""
    return line.removeprefix("ARG ").split("=", 1)[0].strip()


def _used_names(inst: Instruction) -> list[str]:
    """Variable names referenced anywhere in an instruction's text."""
    text = inst.logical.text + "".join(doc.content for doc in inst.heredocs)
    return [ref.name for ref in references(text)]


def _copy_back(analysis: Analysis, group: list[int], name: str) -> list[str]:
    """``COPY --from`` lines for what the group produced, or a marked placeholder."""
    paths = _outputs([layer for layer in analysis.layers if layer.instruction in group])
    if not paths:
        return [(f"# TODO(layerwise): Layerwise could not tell which files stage '{name}' "
                 "produces.\n# Replace the placeholder path below with them.\n"),
                f"COPY --from={name} {PLACEHOLDER} {PLACEHOLDER}\n"]
    return [f"COPY --from={name} {path} {path}\n" for path in paths]


def _outputs(layers: list[Layer]) -> list[str]:
    """Paths created and not removed by the layers, minus scratch, caches, consumed inputs and
    credential files (copying a key back would re-create the leak the stage avoids)."""
    consumed = {p.path for layer in layers for p in layer.inputs}
    candidates: list[str] = []
    for layer in layers:
        for made in layer.created:
            path = made.path
            if (made.kind not in _OUTPUT_KINDS or not made.effect.exact
                    or any(c in path for c in "*?[") or path in consumed
                    or _scratch(path) or path == "/" or classify(path) is not None):
                continue
            if any(r.covers(path) for later in layers for r in later.removed
                   if later.instruction >= layer.instruction):
                continue
            candidates.append(path)
    kept: list[str] = []
    for path in sorted(set(candidates), key=lambda p: (p.count("/"), p)):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def _scratch(path: str) -> bool:
    """Tell whether a path is scratch space or a cache."""
    return any(path == s or path.startswith(s + "/") for s in _SCRATCH)


def _independent(analysis: Analysis, runs: list[int]) -> bool:
    """Tell whether no RUN reads or removes what another one creates."""
    layers = {layer.instruction: layer for layer in analysis.layers}
    for i in runs:
        for j in runs:
            if i == j or i not in layers or j not in layers:
                continue
            made = layers[i].created
            touched = layers[j].inputs + layers[j].removed + layers[j].modified
            if any(m.covers(t.path) or t.covers(m.path) for m in made for t in touched):
                return False
        if not layers.get(i) or not layers[i].sources:
            return False
    return True


def _suggest(analysis: Analysis, group: list[int]) -> str:
    """A descriptive stage name from what the instructions do (fetch-x, build, deps)."""
    layers = [layer for layer in analysis.layers if layer.instruction in group]
    made = [p for layer in layers for p in layer.created]
    for path in made:
        if path.kind == "clone":
            return "fetch-" + posixpath.basename(path.path)
    for path in made:
        if path.kind in ("download", "extract") and path.effect.exact:
            stem = posixpath.basename(path.path).split(".")[0]
            if stem and path.kind == "download":
                return "fetch-" + stem
    words = {c.name.value for layer in layers for s in layer.sources
             for c in s.script.commands if c.name.value}
    if words & {"make", "go", "cargo", "mvn", "gradle", "npm", "yarn", "pnpm", "cmake"}:
        return "build"
    if any(layer.packages for layer in layers):
        return "deps"
    return "extracted"


def _slug(text: str) -> str:
    """Lower-case, keep stage-name characters, start with a letter."""
    slug = re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-.") or "stage"
    return slug if slug[0].isalpha() else "s-" + slug


def _unique(name: str, taken: set[str | None]) -> str:
    """``name``, or ``name-2``, ``name-3``... whichever is free and valid."""
    name = _slug(name)
    candidate = name
    n = 2
    while candidate in taken or candidate in ("scratch", "context") or not STAGE_NAME.match(
            candidate):
        candidate = f"{name}-{n}"
        n += 1
    return candidate


def _describe(analysis: Analysis, group: list[int]) -> str:
    """A short description of the selection for the action title."""
    first = analysis.instructions[group[0]]
    if len(group) == 1:
        return f"line {first.start_line + 1}"
    return f"lines {first.start_line + 1}-{analysis.instructions[group[-1]].end_line + 1}"
