"""Text reports: compiler-style lines with a code frame, or one line per finding (concise).

```text
Dockerfile:4:16: warning LW106 [*] stage 'tools' is never used
  |
4 | FROM alpine:3.20 AS tools
  |                     ^^^^^ LW106 unused-stage
  |
  = help: remove the stage (fixable with --fix)
```

Positions are 1-based lines and columns counted in code points, the way editors jump to them.
Colors are ANSI escapes, used only when the caller says so (a terminal, and no ``NO_COLOR``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ..rules.base import Finding, Severity
from .results import FileResult, RuleCount, fixable, severity_counts

#: Widest source line shown in a frame, in columns; longer lines are cut around the span.
MAX_FRAME_WIDTH = 160
#: Columns a tab advances to (the next multiple of this).
TAB_WIDTH = 4

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_STYLE = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m",
                   Severity.INFORMATION: "\x1b[1;34m", Severity.HINT: "\x1b[1;36m"}
_FRAME = "\x1b[1;34m"
_FIX = "\x1b[32m"


class Style:
    """ANSI styling that is a no-op when color is off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, code: str) -> str:
        """``text`` in the style ``code`` (an ANSI sequence)."""
        return f"{code}{text}{_RESET}" if self.color and text else text

    def severity(self, severity: Severity, text: str | None = None) -> str:
        """A severity label, in its color."""
        return self(text if text is not None else severity.label, _SEVERITY_STYLE[severity])


# --------------------------------------------------------------------------- concise


def format_finding(path: str, finding: Finding) -> str:
    """One line per finding, 1-based line and column."""
    start = finding.span.start
    return (f"{path}:{start.line + 1}:{start.col + 1}: {finding.rule_id} "
            f"[{finding.severity.label}] {finding.message} ({finding.name})")


# --------------------------------------------------------------------------- full


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _render(line: str, start: int, end: int) -> tuple[str, int, int]:
    """Show a source line: tabs expanded, control characters made visible, long lines cut.

    Returns the shown text and the display columns where code points ``start``..``end`` go.
    """
    first, last = 0, len(line)
    if len(line) > MAX_FRAME_WIDTH:  # cut a window around the span
        first = max(0, min(start - MAX_FRAME_WIDTH // 4, len(line) - MAX_FRAME_WIDTH))
        last = min(len(line), first + MAX_FRAME_WIDTH)
    out: list[str] = []
    column = 0
    caret_start = caret_end = -1
    if first > 0:
        out.append("…")
        column = 1
    for index in range(first, last + 1):
        if index == start:
            caret_start = column
        if index == end:
            caret_end = column
        if index == last:
            break
        ch = line[index]
        if ch == "\t":
            width = TAB_WIDTH - (column % TAB_WIDTH)
            out.append(" " * width)
        elif ch < " " or ch == "\x7f":
            width = 1
            out.append("\ufffd")
        else:
            width = _char_width(ch)
            out.append(ch)
        column += width
    if last < len(line):
        out.append("…")
    if caret_start < 0:
        caret_start = column if start >= last else 0
    if caret_end < 0:
        caret_end = column + (1 if last < len(line) else 0)
    return "".join(out), caret_start, caret_end


def _position(finding: Finding) -> str:
    start = finding.span.start
    return f"{start.line + 1}:{start.col + 1}"


def format_frame(path: str, finding: Finding, lines: Sequence[str], style: Style) -> list[str]:
    """A finding with its code frame: the line, carets under the span, fix and related notes."""
    span = finding.span
    marker = " [*]" if fixable(finding) else ""
    head = (f"{style(path, _BOLD)}:{_position(finding)}: "
            f"{style.severity(finding.severity)} {style(finding.rule_id, _BOLD)}{marker} "
            f"{finding.message}")
    out = [head]
    line_no = span.start.line
    gutter_width = len(str(line_no + 1))
    bar = style(" " * gutter_width + " |", _FRAME)
    if 0 <= line_no < len(lines):
        text = lines[line_no].rstrip("\r")
        end = span.end.col if span.end.line == line_no else len(text)
        start = min(span.start.col, len(text))
        shown, caret_from, caret_to = _render(text, start, max(start, min(end, len(text))))
        carets = "^" * max(1, caret_to - caret_from)
        label = f"{finding.rule_id} {finding.name}"
        if span.end.line > line_no:
            label += f" (to line {span.end.line + 1})"
        out += [bar,
                style(f"{line_no + 1:>{gutter_width}} |", _FRAME) + (" " + shown if shown else ""),
                bar + " " + " " * caret_from
                + style.severity(finding.severity, carets + " " + label),
                bar]
    else:
        out.append(bar + f" {finding.rule_id} {finding.name}")
    pad = " " * gutter_width
    if finding.fix is not None:
        how = ("fixable with --fix" if fixable(finding)
               else "an unsafe fix: apply it from the editor")
        out.append(f"{pad} = {style('help', _FIX)}: {finding.fix.title} ({how})")
    for related in finding.related:
        where = f"{path}:{related.span.start.line + 1}:{related.span.start.col + 1}"
        out.append(f"{pad} = {style('note', _BOLD)}: {where}: {related.message}")
    return out


def format_file(result: FileResult, style: Style) -> list[str]:
    """Every finding of one file with its code frame, a blank line after each."""
    lines = result.source.split("\n")
    out: list[str] = []
    for finding in result.findings:
        out += format_frame(result.path, finding, lines, style)
        out.append("")
    return out


# --------------------------------------------------------------------------- summaries


def _plural(count: int, word: str) -> str:
    if count == 1 or word == "info":
        return f"{count} {word}"
    return f"{count} {word}s"


def summary_line(results: Sequence[FileResult], style: Style, *, fixing: bool) -> str | None:
    """``Found 3 findings (1 error, 2 warnings) in 2 files; 1 fixable with --fix.``

    After ``--fix``: ``Fixed 2 findings in 1 file; 1 finding left (1 warning) in 1 file.``
    ``None`` when there is nothing to say (no finding and nothing fixed).
    """
    counts = severity_counts(results)
    total = sum(counts.values())
    fixed = sum(r.fixed for r in results)
    if not total and not fixed:
        return None
    parts: list[str] = []
    if fixed:
        files = sum(1 for r in results if r.fixed)
        parts.append(f"Fixed {_plural(fixed, 'finding')} in {_plural(files, 'file')}")
    if total:
        files = sum(1 for r in results if r.findings)
        kinds = ", ".join(style.severity(s, _plural(n, s.label)) for s, n in counts.items() if n)
        where = f"({kinds}) in {_plural(files, 'file')}"
        if fixed:
            parts.append(f"{_plural(total, 'finding')} left {where}")
        else:
            parts.append(f"Found {_plural(total, 'finding')} {where}")
        can_fix = sum(1 for r in results for f in r.findings if fixable(f))
        if can_fix and not fixing:
            parts.append(f"{can_fix} fixable with --fix")
    return style("; ".join(parts) + ".", _BOLD)


def statistics_lines(counts: Sequence[RuleCount], style: Style) -> list[str]:
    """One line per rule that fired: count, id, fixable marker, name, severity."""
    if not counts:
        return []
    width = max(len(str(c.count)) for c in counts)
    name_width = max(len(c.name) for c in counts)
    out = []
    for c in counts:
        marker = "[*]" if c.fixable == c.count else ("[-]" if c.fixable else "   ")
        out.append(f"{c.count:>{width}}  {style(c.rule_id, _BOLD)}  {marker} "
                   f"{c.name:<{name_width}}  {style.severity(c.severity)}")
    return out
