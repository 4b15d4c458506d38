"""Quick fixes: each finding's own fix, plus "ignore here" and "ignore in file" pragmas."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from ...model.analysis import Analysis
from ...record import record
from ...rules.base import FileEdit, Finding
from ...syntax.nodes import Directive
from ...syntax.span import Position, Span, TextEdit
from .fix_all import self_overlapping


@record
class QuickFix:
    """A code action that resolves or silences one finding; ``files`` edits other files."""

    title: str
    edits: tuple[TextEdit, ...]
    finding: Finding
    preferred: bool = False
    kind: str = "quickfix"
    files: tuple[FileEdit, ...] = ()


def quick_fixes(analysis: Analysis, findings: Iterable[Finding], span: Span) -> list[QuickFix]:
    """The fixes for the findings that overlap ``span``: the rule's fix first, then pragmas.

    A rule's fix whose own edits overlap is left out: no client could apply it.
    """
    out: list[QuickFix] = []
    ignored_here: set[tuple[str, int]] = set()
    ignored_file: set[str] = set()
    for finding in findings:
        if not _overlaps(finding.span, span):
            continue
        fix = finding.fix
        if fix is not None and (fix.edits or fix.files) and not self_overlapping(fix.edits):
            out.append(QuickFix(fix.title, fix.edits, finding, preferred=fix.safe,
                                files=fix.files))
        index = _instruction_at(analysis, finding.span.start.line)
        if index is not None and (finding.rule_id, index) not in ignored_here:
            ignored_here.add((finding.rule_id, index))
            out.append(QuickFix(f"Ignore {finding.rule_id} for this instruction",
                                (_ignore_here(analysis, index, finding.rule_id),), finding))
        if finding.rule_id not in ignored_file:
            ignored_file.add(finding.rule_id)
            out.append(QuickFix(f"Ignore {finding.rule_id} in this file",
                                (_ignore_file(analysis, finding.rule_id),), finding))
    return out


def _overlaps(a: Span, b: Span) -> bool:
    """Tell whether two spans touch (a cursor at either end counts)."""
    return a.start <= b.end and b.start <= a.end


def _instruction_at(analysis: Analysis, line: int) -> int | None:
    """The index of the instruction that covers ``line``."""
    starts = [inst.start_line for inst in analysis.instructions]
    index = bisect_right(starts, line) - 1
    if index < 0 or analysis.instructions[index].end_line < line:
        return None
    return index


def _ignore_here(analysis: Analysis, index: int, rule_id: str) -> TextEdit:
    """Insert ``# layerwise: ignore=<id>`` above the instruction, with its indentation."""
    inst = analysis.instructions[index]
    line = analysis.dockerfile.line_text(inst.start_line)
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    newline = "\r\n" if analysis.dockerfile.lines[inst.start_line].endswith("\r\n") else "\n"
    where = Position(inst.start_line, 0)
    return TextEdit(Span(where, where), f"{indent}# layerwise: ignore={rule_id}{newline}")


def _ignore_file(analysis: Analysis, rule_id: str) -> TextEdit:
    """Insert ``# layerwise: ignore-file=<id>`` after the parser directives."""
    line = 0
    for node in analysis.dockerfile.nodes:
        if not isinstance(node, Directive):
            break
        line = node.end_line + 1
    lines = analysis.dockerfile.lines
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if line >= len(lines) and lines and not lines[-1].endswith("\n"):
        end = Position(len(lines) - 1, len(lines[-1]))
        return TextEdit(Span(end, end), f"{newline}# layerwise: ignore-file={rule_id}")
    where = Position(line, 0)
    return TextEdit(Span(where, where), f"# layerwise: ignore-file={rule_id}{newline}")
