"""Apply every safe fix at once, to a fixpoint, as ``source.fixAll`` and ``check --fix`` do."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ...rules.base import Finding
from ...syntax.span import TextEdit

#: Re-analysis rounds before giving up (fixes that enable other fixes converge quickly).
MAX_ROUNDS = 8


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits (code-point positions) to ``text``."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)

    def offset(line: int, col: int) -> int:
        if line >= len(starts):
            return len(text)
        end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
        return min(starts[line] + col, end)

    out = text
    for edit in sorted(edits, key=lambda e: (e.span.start, e.span.end), reverse=True):
        a = offset(*edit.span.start)
        b = offset(*edit.span.end)
        out = out[:a] + edit.new_text + out[b:]
    return out


def self_overlapping(edits: Sequence[TextEdit]) -> bool:
    """Tell whether two edits of one fix conflict (one falls inside the other's range).

    Such a fix cannot be applied as LSP requires (its edits must not overlap); edits that only
    touch, and inserts at one point, are fine.
    """
    ordered = sorted(edits, key=lambda e: (e.span.start, e.span.end))
    return any(b.span.start < a.span.end and a.span.start < b.span.end
               for i, a in enumerate(ordered) for b in ordered[i + 1:])


def safe_edits(findings: Iterable[Finding]) -> list[TextEdit]:
    """The edits of every safe fix whose edits do not overlap an earlier chosen one."""
    chosen: list[TextEdit] = []
    for finding in findings:
        fix = finding.fix
        if fix is None or not fix.safe or not fix.edits or self_overlapping(fix.edits):
            continue
        if any(_overlap(e, c) for e in fix.edits for c in chosen):
            continue
        chosen.extend(fix.edits)
    return chosen


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    """Tell whether two edits touch the same text (two inserts at one point count)."""
    if a.span.start == a.span.end == b.span.start == b.span.end:
        return True
    return a.span.start < b.span.end and b.span.start < a.span.end


def fix_text(text: str, findings_of: Callable[[str], list[Finding]]) -> str:
    """Apply safe fixes, re-analysing after each round, until nothing changes."""
    for _ in range(MAX_ROUNDS):
        edits = safe_edits(findings_of(text))
        if not edits:
            return text
        fixed = apply_edits(text, edits)
        if fixed == text:
            return text
        text = fixed
    return text
