"""LW402 inconsistent-instruction-casing."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...syntax.nodes import Instruction
from ...syntax.span import TextEdit
from ..base import Finding, Fix, Rule, Severity


class InconsistentInstructionCasing(Rule):
    """## What it does
    Reports instruction keywords whose casing differs from the casing most keywords in the
    file use (all upper case or all lower case), and keywords in mixed case such as `From`.

    ## Why it matters
    Keywords are case-insensitive, so this is about readability: a file that mixes `RUN` and
    `run` (or writes `Copy`) is harder to scan. The majority wins; on a tie, upper case does.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    Run echo hello > /greeting.txt
    ENTRYPOINT ["cat", "/greeting.txt"]
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN echo hello > /greeting.txt
    ENTRYPOINT ["cat", "/greeting.txt"]
    ```

    ## References
    - BuildKit check `ConsistentInstructionCasing`
    """

    id = "LW402"
    name = "inconsistent-instruction-casing"
    severity = Severity.INFORMATION
    summary = "Instruction keyword casing differs from the rest of the file"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Count lower- and upper-case keywords, then report those that differ from the majority."""
        keywords = list(_keywords(analysis.instructions))
        lower = sum(1 for inst in keywords if inst.keyword.value == inst.keyword.value.lower())
        upper = sum(1 for inst in keywords if inst.keyword.value == inst.keyword.value.upper())
        majority_lower = lower > upper
        case = "lowercase" if majority_lower else "uppercase"
        for inst in keywords:
            word = inst.keyword.value
            wanted = word.lower() if majority_lower else word.upper()
            if word == wanted:
                continue
            yield self.finding(
                inst.keyword.span,
                f"Command '{word}' should match the case of the command majority ({case}); "
                f"write {wanted}",
                fix=Fix(f"Change to {wanted}", (TextEdit(inst.keyword.span, wanted),)),
                data={"buildkit": "ConsistentInstructionCasing"})


def _keywords(instructions: tuple[Instruction, ...]) -> Iterator[Instruction]:
    """Every known instruction, with the trigger of an ``ONBUILD`` after it."""
    for inst in instructions:
        if not inst.known:
            continue
        yield inst
        if inst.sub is not None and inst.sub.known:
            yield inst.sub
