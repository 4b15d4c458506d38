"""Stage names under the cursor and every place that names the same stage."""

from __future__ import annotations

from ..model.analysis import Analysis
from ..model.stages import StageRef
from ..record import record
from ..syntax.span import Position, Span
from .locate import in_head, index_of, logical_offset, single_line, source_text
from .occurrence import Occurrence

_QUOTES = frozenset("\"'")


@record
class StageHit:
    """A stage named at the cursor: by its ``AS`` name (``ref`` is ``None``) or by a reference."""

    stage: int
    span: Span
    ref: StageRef | None


def stage_at(analysis: Analysis, pos: Position) -> StageHit | None:
    """The stage whose name or reference lies under ``pos``."""
    index = index_of(analysis)
    i = index.instruction_at(pos.line)
    if i is None or not in_head(index.instructions[i], pos.line):
        return None
    if index.instructions[i].name == "FROM" and analysis.stage_of[i] >= 0:
        stage = analysis.stages[analysis.stage_of[i]]
        token = stage.name_token
        if token is not None and token.span.contains(pos):
            return StageHit(stage.index, token.span, None)
    for ref in index.refs_of.get(i, ()):
        span = ref_span(analysis, ref)
        if ref.target is not None and single_line(span) and span.contains(pos):
            return StageHit(ref.target, span, ref)
    return None


def stage_occurrences(analysis: Analysis, stage: int) -> list[Occurrence]:
    """The stage's ``AS`` name and every reference that resolves to it, in document order."""
    target = analysis.stages[stage]
    out: list[Occurrence] = []
    if target.name_token is not None and target.name is not None:
        span = target.name_token.span
        exact = name_span(analysis, span, target.name)
        out.append(Occurrence(exact or span, True, exact is not None))
    for ref in analysis.refs:
        if ref.target != stage:
            continue
        span = ref_span(analysis, ref)
        exact = name_span(analysis, span, target.name) if ref.resolution == "stage" else None
        out.append(Occurrence(exact or span, False, exact is not None))
    out.sort(key=lambda o: o.span.start)
    return out


def name_span(analysis: Analysis, span: Span, name: str | None) -> Span | None:
    """The part of ``span`` that spells ``name`` literally (inside quotes if quoted), if any."""
    text = source_text(analysis, span)
    if text is None or name is None:
        return None
    if text.lower() == name:
        return span
    if len(text) >= 2 and text[0] == text[-1] and text[0] in _QUOTES and \
            text[1:-1].lower() == name:
        start, end = span
        return Span(start._replace(col=start.col + 1), end._replace(col=end.col - 1))
    return None


def ref_span(analysis: Analysis, ref: StageRef) -> Span:
    """The span of a reference's stage name, found in ``--mount`` values split across lines.

    For such values the model gives the span of the whole option list.
    """
    if single_line(ref.span) or ref.kind != "mount":
        return ref.span
    inst = index_of(analysis).instructions[ref.instruction]
    start = logical_offset(inst, ref.span.start)
    end = logical_offset(inst, ref.span.end)
    if start is None or end is None:
        return ref.span
    text = inst.logical.text
    found = text.find("from=" + ref.text, start, end)
    while found > start and text[found - 1] not in ",=":
        found = text.find("from=" + ref.text, found + 1, end)
    if found < 0:
        return ref.span
    name = found + len("from=")
    span = inst.logical.span(name, name + len(ref.text))
    return span if single_line(span) else ref.span
