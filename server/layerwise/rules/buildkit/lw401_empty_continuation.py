"""LW401 empty-continuation."""

from __future__ import annotations

from collections.abc import Hashable, Iterator

from ...model.analysis import Analysis
from ...syntax.nodes import Dockerfile, Instruction
from ...syntax.span import Span, TextEdit
from ..base import Finding, Fix, InstructionRule, Severity


class EmptyContinuation(InstructionRule):
    """## What it does
    Reports empty lines inside an instruction that is continued with the escape character
    (`\\`): the line after a trailing backslash is blank, and the instruction goes on below it.

    ## Why it matters
    BuildKit skips such lines today but has deprecated them; a future release will reject the
    file. They also make it hard to see where an instruction ends. Comment lines inside a
    continuation are fine.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache \\

        curl
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache \\
    # the HTTP client
        curl
    ```

    ## References
    - BuildKit check `NoEmptyContinuation`
    """

    id = "LW401"
    name = "empty-continuation"
    severity = Severity.WARNING
    summary = "Empty line inside a continued instruction"

    def context(self, analysis: Analysis) -> Hashable:
        """The line count, which decides how a run at the end of the file is spanned."""
        return len(analysis.dockerfile.lines)

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """One finding per run of consecutive empty continuation lines."""
        inst = analysis.instructions[index]
        for first, last in _runs(inst.empty_continuation_lines):
            yield self._finding(analysis.dockerfile, inst, first, last)

    def _finding(self, tree: Dockerfile, inst: Instruction, first: int, last: int) -> Finding:
        span = _lines_span(tree, first, last)
        count = last - first + 1
        if count == 1:
            text = (f"Empty continuation line in {inst.name}: BuildKit will reject it in a "
                    "future release; remove it or make it a comment")
        else:
            text = (f"{count} empty continuation lines in {inst.name}: BuildKit will reject them "
                    "in a future release; remove them or make them comments")
        return self.finding(
            span, text,
            fix=Fix("Remove the empty line" if count == 1 else "Remove the empty lines",
                    (TextEdit(span, ""),)),
            data={"buildkit": "NoEmptyContinuation"})


def _runs(lines: tuple[int, ...]) -> Iterator[tuple[int, int]]:
    """Group sorted line numbers into ``(first, last)`` runs of consecutive lines."""
    start = prev = -2
    for line in lines:
        if line != prev + 1:
            if start >= 0:
                yield start, prev
            start = line
        prev = line
    if start >= 0:
        yield start, prev


def _lines_span(tree: Dockerfile, first: int, last: int) -> Span:
    """The whole lines ``first..last`` with one line break, so that deleting it removes them."""
    if last + 1 < len(tree.lines):
        return Span.of(first, 0, last + 1, 0)
    before = first - 1  # at the end of the file: take the break that precedes the run
    return Span.of(before, len(tree.line_text(before)), last, len(tree.line_text(last)))
