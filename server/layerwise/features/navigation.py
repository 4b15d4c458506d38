"""Definition, references, highlights and rename for stage names and ARG/ENV names."""

from __future__ import annotations

import re

from ..model.analysis import Analysis
from ..model.stages import STAGE_NAME
from ..model.variables import BUILDKIT_ARGS, PLATFORM_ARGS, PROXY_ARGS
from ..syntax.span import Position, Span, TextEdit
from .locate import clamp, index_of, source_text
from .occurrence import Occurrence
from .stage_names import StageHit, name_span, ref_span, stage_at, stage_occurrences
from .variable_names import UNSET, VariableHit, variable_at, variable_occurrences

VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PREDEFINED = frozenset(PLATFORM_ARGS) | frozenset(PROXY_ARGS) | frozenset(BUILDKIT_ARGS)


class RenameError(Exception):
    """A rename Layerwise refuses; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def definition(analysis: Analysis, pos: Position) -> list[Span]:
    """Where the stage or variable under ``pos`` is declared."""
    hit = _hit(analysis, pos)
    if isinstance(hit, StageHit):
        stage = analysis.stages[hit.stage]
        if stage.name_token is not None:
            return [stage.name_token.span]
        return [index_of(analysis).instructions[stage.from_index].keyword.span]
    if hit is None or hit.variable is None:
        return []
    if hit.write:
        imported = _imported(analysis, hit)
        return [imported if imported is not None else hit.span]
    return [hit.variable.span] if hit.variable.span is not None else []


def references(analysis: Analysis, pos: Position, include_declaration: bool) -> list[Span]:
    """Every place naming the same stage or variable definition."""
    return [o.span for o in _occurrences(analysis, pos)
            if include_declaration or not o.write]


def highlights(analysis: Analysis, pos: Position) -> list[tuple[Span, str]]:
    """The same places as :func:`references`, each marked ``read`` or ``write``."""
    return [(o.span, "write" if o.write else "read") for o in _occurrences(analysis, pos)]


def prepare_rename(analysis: Analysis, pos: Position) -> tuple[Span, str] | None:
    """The name under ``pos`` and its text, if it can be renamed."""
    hit = _hit(analysis, pos)
    if isinstance(hit, StageHit):
        stage = analysis.stages[hit.stage]
        if hit.ref is not None and hit.ref.resolution != "stage":
            return None
        span = name_span(analysis, hit.span, stage.name)
    elif hit is not None and _renamable(hit):
        span = hit.span
    else:
        return None
    text = source_text(analysis, span) if span is not None else None
    return (span, text) if span is not None and text else None


def rename(analysis: Analysis, pos: Position, new_name: str) -> list[TextEdit]:
    """Edits that rename the stage or variable under ``pos``; raises :class:`RenameError`."""
    hit = _hit(analysis, pos)
    if isinstance(hit, StageHit):
        return _rename_stage(analysis, hit, new_name)
    if hit is None:
        raise RenameError("There is no stage or variable name here.")
    return _rename_variable(analysis, hit, new_name)


def _hit(analysis: Analysis, pos: Position) -> StageHit | VariableHit | None:
    """The variable or stage name under the cursor (a variable wins inside ``--from=$X``)."""
    pos = clamp(analysis, pos)
    return variable_at(analysis, pos) or stage_at(analysis, pos)


def _occurrences(analysis: Analysis, pos: Position) -> list[Occurrence]:
    """The occurrences of whatever is under the cursor."""
    hit = _hit(analysis, pos)
    if isinstance(hit, StageHit):
        return stage_occurrences(analysis, hit.stage)
    if hit is None:
        return []
    return variable_occurrences(analysis, hit)


def _imported(analysis: Analysis, hit: VariableHit) -> Span | None:
    """For a stage's valueless ``ARG NAME``, the global ARG it imports."""
    if hit.variable is None or hit.variable.kind != "arg":
        return None
    inst = index_of(analysis).instructions[hit.instruction]
    valueless = any(kv.key.span == hit.span and kv.value is None for kv in inst.pairs)
    imported = analysis.global_scope.get(hit.name)
    return imported.span if valueless and imported is not None else None


def _renamable(hit: VariableHit) -> bool:
    """Tell whether a variable is user-defined (not predefined, not unset)."""
    return hit.name not in PREDEFINED and hit.key[1] is not None and hit.key[1] != UNSET


def _rename_stage(analysis: Analysis, hit: StageHit, new_name: str) -> list[TextEdit]:
    """Rename a stage's ``AS`` name and every literal reference to it."""
    stage = analysis.stages[hit.stage]
    if stage.name is None:
        raise RenameError(f"Stage {stage.index} has no name; add 'AS <name>' to its FROM line.")
    if hit.ref is not None and hit.ref.resolution != "stage":
        raise RenameError(f"'{hit.ref.text}' refers to the stage by index; rename it at its "
                          f"'AS {stage.name}'.")
    lowered = new_name.lower()
    if not STAGE_NAME.match(lowered):
        raise RenameError(f"'{new_name}' is not a valid stage name: it must start with a letter "
                          "and contain only letters, digits, '-', '_' and '.'.")
    taken = next((s for s in analysis.stages if s.name == lowered and s.index != stage.index),
                 None)
    if taken is not None:
        raise RenameError(f"A stage named '{lowered}' already exists (line "
                          f"{taken.start_line + 1}).")
    for ref in analysis.refs:
        if ref.resolution == "image" and ref.name == lowered and \
                (ref.kind != "from" or ref.instruction > stage.from_index):
            raise RenameError(f"'{new_name}' is the image used on line "
                              f"{ref.span.start.line + 1}; a stage of that name would "
                              "replace it there.")
        if ref.target == stage.index and ref.resolution == "stage" and \
                name_span(analysis, ref_span(analysis, ref), stage.name) is None:
            raise RenameError(f"Line {ref.span.start.line + 1} names this stage through "
                              f"'{ref.text}'; change that reference by hand first.")
    return [TextEdit(o.span, new_name) for o in stage_occurrences(analysis, stage.index)
            if o.exact]


def _rename_variable(analysis: Analysis, hit: VariableHit, new_name: str) -> list[TextEdit]:
    """Rename an ARG/ENV definition family and its uses."""
    if hit.name in PREDEFINED:
        raise RenameError(f"'{hit.name}' is predefined by BuildKit and cannot be renamed.")
    if not _renamable(hit):
        raise RenameError(f"'{hit.name}' is not defined here, so there is nothing to rename.")
    if not VARIABLE_NAME.match(new_name):
        raise RenameError(f"'{new_name}' is not a valid variable name: use letters, digits "
                          "and '_', and do not start with a digit.")
    if new_name in PREDEFINED:
        raise RenameError(f"'{new_name}' is predefined by BuildKit; choose another name.")
    if new_name == hit.name:
        return []
    occurrences = variable_occurrences(analysis, hit)
    _check_free(analysis, occurrences, new_name)
    loose = next((o for o in occurrences if not o.exact), None)
    if loose is not None:
        raise RenameError(f"Line {loose.span.start.line + 1} spells '{hit.name}' in a way "
                          "Layerwise cannot rename safely.")
    return [TextEdit(o.span, new_name) for o in occurrences]


def _check_free(analysis: Analysis, occurrences: list[Occurrence], new_name: str) -> None:
    """Refuse a new variable name that is visible or defined where the renamed one lives."""
    index = index_of(analysis)
    stages: set[int] = set()
    for occurrence in occurrences:
        i = index.instruction_at(occurrence.span.start.line)
        if i is None:
            continue
        stages.add(analysis.stage_of[i])
        seen = index.lookup(i, new_name)
        if seen is not None and seen.span is not None:
            raise RenameError(f"'{new_name}' is already defined on line "
                              f"{seen.span.start.line + 1}.")
    for i, inst in enumerate(index.instructions):
        if inst.name in ("ARG", "ENV") and analysis.stage_of[i] in stages:
            for kv in inst.pairs:
                if kv.key.value == new_name:
                    raise RenameError(f"'{new_name}' is already defined on line "
                                      f"{kv.key.span.start.line + 1}.")
