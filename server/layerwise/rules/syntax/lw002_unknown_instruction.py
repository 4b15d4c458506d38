"""LW002 unknown-instruction."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...syntax.grammar import closest
from ...syntax.nodes import INSTRUCTIONS, Instruction
from ...syntax.span import TextEdit
from ..base import Finding, Fix, InstructionRule, Severity


class UnknownInstruction(InstructionRule):
    """## What it does
    Reports a word at the start of an instruction that is no Dockerfile instruction, and
    suggests the nearest one.

    ## Why it matters
    BuildKit stops with "unknown instruction" before building anything.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    RUNN apk add --no-cache curl
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl
    ```
    """

    id = "LW002"
    name = "unknown-instruction"
    severity = Severity.ERROR
    summary = "Not a Dockerfile instruction"

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report an unknown keyword, including the one after ONBUILD."""
        for target in analysis.instructions[index].parts:
            if target.keyword.value and not target.known:
                yield self._report(target)

    def _report(self, inst: Instruction) -> Finding:
        word = inst.keyword.value
        shown = word if len(word) <= 30 else word[:27] + "..."
        guess = closest(word.split("[", 1)[0], INSTRUCTIONS)
        if guess is None:
            return self.finding(inst.keyword.span, f"unknown instruction '{shown}'")
        return self.finding(
            inst.keyword.span, f"unknown instruction '{shown}'; did you mean {guess}?",
            fix=Fix(f"Change to {guess}", (TextEdit(inst.keyword.span, guess),)))
