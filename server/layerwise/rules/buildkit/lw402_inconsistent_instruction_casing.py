"""LW402 inconsistent-instruction-casing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ...memo import IdentityMemo
from ...model.analysis import Analysis
from ...syntax.nodes import Instruction
from ...syntax.span import TextEdit
from ..base import Finding, Fix, InstructionRule, Severity


class InconsistentInstructionCasing(InstructionRule):
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

    def context(self, analysis: Analysis) -> bool:
        """Whether the majority is lower case: more lower- than upper-case keywords."""
        return _MAJORITY.get(analysis, None, _majority_lower, analysis)

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report the keywords (the instruction's and an ``ONBUILD`` trigger's) that differ from
        the majority."""
        majority_lower = self.context(analysis)
        case = "lowercase" if majority_lower else "uppercase"
        for inst in _keywords((analysis.instructions[index],)):
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


def _keywords(instructions: Sequence[Instruction]) -> Iterator[Instruction]:
    """Every known instruction, with the trigger of an ``ONBUILD`` after it."""
    for inst in instructions:
        if not inst.known:
            continue
        yield inst
        if inst.sub is not None and inst.sub.known:
            yield inst.sub


def _majority_lower(analysis: Analysis) -> bool:
    """Tell whether more keywords are lower case than upper case, from the counts of the part
    before the first stage (kept with the structure) and of each stage (kept with its token),
    so that a keystroke counts one stage again."""
    instructions = analysis.instructions
    revision = analysis.revision
    stages = analysis.stages
    first = stages[0].from_index if stages else len(instructions)
    lower, upper = _COUNTS.get(revision.structure, None, _count, instructions, range(first))
    for stage, token in zip(stages, revision.stages, strict=True):
        more_lower, more_upper = _COUNTS.get(token, stage.index, _count, instructions,
                                             stage.instructions)
        lower += more_lower
        upper += more_upper
    return lower > upper


def _count(instructions: Sequence[Instruction], indexes: Iterable[int]) -> tuple[int, int]:
    """Lower- and upper-case keywords among the instructions at ``indexes``."""
    lower = upper = 0
    for inst in _keywords([instructions[i] for i in indexes]):
        word = inst.keyword.value
        lower += word == word.lower()
        upper += word == word.upper()
    return lower, upper


#: stage token (or structure token, for the part before the first stage) -> keyword counts
_COUNTS: IdentityMemo[tuple[int, int]] = IdentityMemo(1 << 12)
#: analysis -> whether the majority is lower case
_MAJORITY: IdentityMemo[bool] = IdentityMemo(4)
