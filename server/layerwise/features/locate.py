"""Where a position falls: its node, instruction, logical offset and variable scope."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Mapping
from dataclasses import field
from threading import Lock
from typing import Any

from ..model.analysis import Analysis
from ..model.scopes import Scope, global_scope
from ..model.stages import StageRef
from ..model.variables import Variable
from ..record import record
from ..syntax.nodes import Heredoc, Instruction, Node
from ..syntax.span import Position, Span

_CACHE_SIZE = 8


@record
class Index:
    """Lookup tables built once per analysis: node and instruction starts, refs by instruction.

    ``memo`` keeps results that features derive lazily from the (immutable) analysis.
    """

    analysis: Analysis
    instructions: tuple[Instruction, ...]
    node_starts: tuple[int, ...]
    instruction_starts: tuple[int, ...]
    refs_of: Mapping[int, tuple[StageRef, ...]]
    memo: dict[Hashable, Any] = field(default_factory=dict)

    def node_at(self, line: int) -> Node | None:
        """The node covering a line, or ``None`` outside the document."""
        nodes = self.analysis.dockerfile.nodes
        i = bisect_right(self.node_starts, line) - 1
        if i < 0 or line < 0 or line > nodes[i].end_line:
            return None
        return nodes[i]

    def instruction_at(self, line: int) -> int | None:
        """The index of the instruction covering a line (heredoc bodies included)."""
        i = bisect_right(self.instruction_starts, line) - 1
        if i < 0 or line > self.instructions[i].end_line:
            return None
        return i

    def scope_at(self, index: int) -> Scope:
        """The variables an instruction sees: FROM lines and global ARGs see the global scope."""
        analysis = self.analysis
        if analysis.stage_of[index] < 0:
            return global_scope(self.instructions[:index], analysis.dockerfile.escape)
        if self.instructions[index].name == "FROM":
            return analysis.global_scope
        return analysis.scopes[index]

    def lookup(self, index: int, name: str) -> Variable | None:
        """The definition of ``name`` an instruction sees."""
        return self.scope_at(index).get(name)


_cache: dict[int, Index] = {}
_cache_lock = Lock()


def index_of(analysis: Analysis) -> Index:
    """The index of an analysis, cached for the last few analyses (keyed by identity)."""
    found = _cache.get(id(analysis))
    if found is not None and found.analysis is analysis:
        return found
    instructions = analysis.instructions
    refs: dict[int, list[StageRef]] = {}
    for ref in analysis.refs:
        refs.setdefault(ref.instruction, []).append(ref)
    index = Index(
        analysis, instructions,
        tuple(node.start_line for node in analysis.dockerfile.nodes),
        tuple(inst.start_line for inst in instructions),
        {i: tuple(r) for i, r in refs.items()})
    with _cache_lock:
        while len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[id(analysis)] = index
    return index


def heredoc_at(inst: Instruction, line: int) -> Heredoc | None:
    """The heredoc whose body or terminator covers a line."""
    for doc in inst.heredocs:
        last = doc.terminator.end.line if doc.terminator else doc.body.end.line
        if doc.body.start.line <= line <= last:
            return doc
    return None


def in_head(inst: Instruction, line: int) -> bool:
    """Tell whether a line holds instruction text (not a heredoc body or a comment line)."""
    if line in inst.comment_lines or line in inst.empty_continuation_lines:
        return False
    return heredoc_at(inst, line) is None and inst.start_line <= line <= inst.end_line


def logical_offset(inst: Instruction, pos: Position) -> int | None:
    """Map a source position on an instruction line to an offset in its logical text."""
    segments = inst.logical.segments
    text_len = len(inst.logical.text)
    for k, (offset, line, col) in enumerate(segments):
        if line != pos.line:
            continue
        end = segments[k + 1][0] if k + 1 < len(segments) else text_len
        return min(max(offset + pos.col - col, offset), end)
    return None


def clamp(analysis: Analysis, pos: Position) -> Position:
    """Keep a column within its line (lines past the end keep column 0)."""
    text = analysis.dockerfile.line_text(pos.line)
    return Position(pos.line, min(max(pos.col, 0), len(text)))


def single_line(span: Span) -> bool:
    """Tell whether a span stays on one line."""
    return span.start.line == span.end.line


def source_text(analysis: Analysis, span: Span) -> str | None:
    """The source text of a one-line span, or ``None`` for spans across lines."""
    if not single_line(span):
        return None
    return analysis.dockerfile.line_text(span.start.line)[span.start.col: span.end.col]
