"""The document outline (stages → instructions → variables) and folding ranges."""

from __future__ import annotations

from ..model.analysis import Analysis
from ..model.stages import Stage
from ..record import record
from ..syntax.nodes import Comment, Directive, Instruction
from ..syntax.span import Span
from .locate import index_of

_DETAIL_WIDTH = 60


@record
class Symbol:
    """An outline entry; ``kind`` is ``stage``, ``instruction``, ``variable`` or ``directive``."""

    name: str
    detail: str
    kind: str
    span: Span
    selection_span: Span
    children: tuple[Symbol, ...] = ()


@record
class FoldingRange:
    """Lines that fold together; ``kind`` is ``region`` or ``comment``."""

    start_line: int
    end_line: int
    kind: str


def document_symbols(analysis: Analysis) -> list[Symbol]:
    """Directives and global instructions at the top level, then one symbol per stage."""
    index = index_of(analysis)
    out = [Symbol(d.name, d.value, "directive", Span(d.name_span.start, d.value_span.end),
                  d.name_span) for d in analysis.dockerfile.directives]
    out.extend(_instruction(inst) for i, inst in enumerate(index.instructions)
               if analysis.stage_of[i] < 0)
    out.extend(_stage(stage, index.instructions) for stage in analysis.stages)
    return out


def folding_ranges(analysis: Analysis) -> list[FoldingRange]:
    """Each stage, multi-line instruction, heredoc and run of two or more comment lines."""
    found: dict[tuple[int, int], str] = {}
    for stage in analysis.stages:
        found[(stage.start_line, stage.end_line)] = "region"
    run_start = run_end = -2
    for node in analysis.dockerfile.nodes:
        if isinstance(node, Comment | Directive):
            if node.start_line != run_end + 1:
                _comment_run(found, run_start, run_end)
                run_start = node.start_line
            run_end = node.end_line
            continue
        if isinstance(node, Instruction):
            found[(node.start_line, node.end_line)] = "region"
            for doc in node.heredocs:
                end = (doc.terminator or doc.body).end.line
                found[(doc.body.start.line - 1, end)] = "region"
    _comment_run(found, run_start, run_end)
    return [FoldingRange(start, end, kind)
            for (start, end), kind in sorted(found.items()) if end > start]


def _comment_run(found: dict[tuple[int, int], str], start: int, end: int) -> None:
    """Record a run of comment lines if it has at least two lines."""
    if end > start >= 0:
        found[(start, end)] = "comment"


def _stage(stage: Stage, instructions: tuple[Instruction, ...]) -> Symbol:
    """A stage with its instructions (after FROM) as children."""
    first = instructions[stage.from_index]
    last = instructions[stage.instructions[-1]]
    name_token = stage.name_token
    selection = name_token.span if name_token is not None else first.keyword.span
    base = stage.base_token.value if stage.base_token is not None else ""
    children = tuple(_instruction(instructions[i]) for i in stage.instructions[1:])
    name = name_token.value if name_token is not None else stage.label
    return Symbol(name, f"FROM {base}".strip(), "stage",
                  Span(first.span.start, last.span.end), selection, children)


def _instruction(inst: Instruction) -> Symbol:
    """An instruction; ARG and ENV carry their variables as children."""
    name = inst.keyword.value.upper()
    children: tuple[Symbol, ...] = ()
    if name == "ARG" or name == "ENV":
        children = tuple(
            Symbol(kv.key.value, kv.value.value if kv.value else "", "variable",
                   Span(kv.key.span.start, (kv.value or kv.key).span.end), kv.key.span)
            for kv in inst.pairs)
    text = inst.logical.text[len(inst.keyword.value):].strip() if inst.flags else inst.args.value
    detail = _detail(text)
    return Symbol(name, detail, "instruction", inst.span, inst.keyword.span, children)


def _detail(text: str) -> str:
    """An instruction's flags and arguments on one line, shortened for the outline."""
    if len(text) <= _DETAIL_WIDTH and "  " not in text:
        return text
    line = " ".join(text[: _DETAIL_WIDTH * 4].split())
    return line if len(line) <= _DETAIL_WIDTH else line[: _DETAIL_WIDTH - 1] + "…"
