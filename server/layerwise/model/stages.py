"""Stages and stage references, resolved the way BuildKit resolves them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..record import record
from ..syntax.nodes import Flag, Instruction, Token
from ..syntax.span import Span
from .variables import Variable, expand

#: BuildKit's rule for stage names (after lower-casing).
STAGE_NAME = re.compile(r"^[a-z][a-z0-9-_.]*$")


@record
class Stage:
    """One ``FROM`` and the instructions up to the next ``FROM``."""

    index: int
    from_index: int
    instructions: tuple[int, ...]
    name: str | None
    name_token: Token | None
    as_token: Token | None
    base: str
    base_token: Token | None
    base_stage: int | None
    platform: Flag | None
    start_line: int
    end_line: int

    @property
    def label(self) -> str:
        """The stage's name, or its index for unnamed stages (``stage 2``)."""
        return self.name or f"stage {self.index}"


@record
class StageRef:
    """A reference to a stage or image: ``FROM x``, ``--from=x`` or ``--mount=from=x``.

    ``resolution`` is ``stage`` (by name), ``index`` (numeric), ``image`` (not a stage) or
    ``bad-index`` (a number past the last stage).
    """

    kind: str
    text: str
    name: str
    span: Span
    instruction: int
    stage: int
    target: int | None
    resolution: str


def split_stages(instructions: tuple[Instruction, ...]) -> list[tuple[int, list[int]]]:
    """Group instruction indexes by stage: ``(from_index, [indexes])`` per FROM."""
    groups: list[tuple[int, list[int]]] = []
    for i, inst in enumerate(instructions):
        if inst.name == "FROM":
            groups.append((i, [i]))
        elif groups:
            groups[-1][1].append(i)
    return groups


def build_stages(instructions: tuple[Instruction, ...], global_scope: Mapping[str, Variable],
                 escape: str) -> tuple[tuple[Stage, ...], list[StageRef]]:
    """Create the stages and their ``FROM`` references.

    As in BuildKit, ``FROM x`` names a stage only if one above is called exactly ``x`` (names
    are lower-cased where they are defined, not where they are used); the nearest one wins.
    """
    stages: list[Stage] = []
    refs: list[StageRef] = []
    by_name: dict[str, int] = {}
    groups = split_stages(instructions)
    for index, (from_index, members) in enumerate(groups):
        inst = instructions[from_index]
        words = inst.words
        base_token = words[0] if words else None
        as_token = words[1] if len(words) >= 3 and words[1].value.lower() == "as" else None
        name_token = words[2] if as_token is not None else None
        name = name_token.value.lower() if name_token else None
        base = expand(base_token.value, global_scope, escape).value if base_token else ""
        base_stage = by_name.get(base)
        if base_token is not None:
            refs.append(StageRef(
                "from", base_token.value, base.lower(), base_token.span, from_index, index,
                base_stage, "stage" if base_stage is not None else "image"))
        end_inst = instructions[members[-1]]
        stages.append(Stage(
            index, from_index, tuple(members), name, name_token, as_token, base, base_token,
            base_stage, inst.flag("platform"), inst.start_line, end_inst.end_line))
        if name:
            by_name[name] = index
    return tuple(stages), refs


def resolve_from(value: str, stages: tuple[Stage, ...],
                 numeric: bool = True) -> tuple[int | None, str]:
    """Resolve a ``--from`` value as BuildKit does: the last stage with that name, then indexes.

    ``RUN --mount=from=`` takes no index (``numeric=False``): a number there is an image name.
    """
    lowered = value.lower()
    for stage in reversed(stages):
        if stage.name == lowered:
            return stage.index, "stage"
    if numeric and lowered.isdigit():
        number = int(lowered)
        if number < len(stages):
            return number, "index"
        return None, "bad-index"
    return None, "image"


def from_refs(instructions: tuple[Instruction, ...], stages: tuple[Stage, ...],
              scopes: list[Mapping[str, Variable]], escape: str) -> list[StageRef]:
    """Collect ``COPY --from`` and ``RUN --mount=from`` references (``ADD`` has no ``--from``)."""
    refs: list[StageRef] = []
    for stage in stages:
        for i in stage.instructions[1:]:
            inst = instructions[i].effective
            if inst.name == "COPY":
                flag = inst.flag("from")
                if flag is not None and flag.value and flag.value_span is not None:
                    refs.append(_ref("copy", flag.value, flag.value_span, i, stage.index, stages,
                                     scopes[i], escape))
            elif inst.name == "RUN" and inst.flags:
                for mount in inst.flags_named("mount"):
                    if mount.value is None or "from" not in mount.value.lower():
                        continue
                    for key, value, span in mount.options():
                        if key == "from" and value:
                            refs.append(_ref("mount", value, _value_span(span, key), i,
                                             stage.index, stages, scopes[i], escape))
    return refs


def _value_span(span: Span, key: str) -> Span:
    """Narrow a ``key=value`` option span to its value."""
    if span.start.line != span.end.line:
        return span
    start = span.start._replace(col=span.start.col + len(key) + 1)
    return Span(start, span.end)


def _ref(kind: str, text: str, span: Span, instruction: int, stage: int,
         stages: tuple[Stage, ...], scope: Mapping[str, Variable], escape: str) -> StageRef:
    """Build one ``--from`` reference."""
    name = expand(text, scope, escape).value.lower()
    target, resolution = resolve_from(name, stages, numeric=kind == "copy")
    return StageRef(kind, text, name, span, instruction, stage, target, resolution)


def from_chain(stages: Sequence[Stage], index: int) -> list[int]:
    """A stage and its ``FROM <stage>`` ancestors, nearest first."""
    chain: list[int] = []
    current: int | None = index
    while current is not None and current not in chain:
        chain.append(current)
        current = stages[current].base_stage
    return chain
