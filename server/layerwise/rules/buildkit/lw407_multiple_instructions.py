"""LW407 multiple-instructions."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.stages import Stage
from ...syntax.nodes import Instruction
from ...syntax.span import Span, TextEdit
from ..base import Finding, Fix, Reads, Related, Severity, StageRule

_ONCE = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


class MultipleInstructions(StageRule):
    """## What it does
    Reports a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later instruction of the same kind
    in the same stage overrides. The overridden instruction is marked as unnecessary.

    ## Why it matters
    An image has one command, one entrypoint and one health check: only the last instruction
    of each kind takes effect, so the earlier ones are dead code that readers may trust. A
    stage built `FROM` another stage may override them once without being reported.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    ENTRYPOINT ["echo", "Hello, Norway!"]
    ENTRYPOINT ["echo", "Hello, Sweden!"]
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    ENTRYPOINT ["echo", "Hello, Norway!\\nHello, Sweden!"]
    ```

    ## References
    - BuildKit check `MultipleInstructionsDisallowed`
    """

    id = "LW407"
    name = "multiple-instructions"
    severity = Severity.WARNING
    summary = "Only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage takes effect"

    reads = Reads.STRUCTURE

    def check_stage(self, analysis: Analysis, stage: Stage) -> Iterator[Finding]:
        """Report each instruction that a later one of the same kind in the stage replaces."""
        last: dict[str, Instruction] = {}
        for i in stage.instructions[1:]:
            inst = analysis.instructions[i]
            if inst.name not in _ONCE:
                continue
            earlier = last.get(inst.name)
            if earlier is not None:
                yield self._finding(earlier, inst)
            last[inst.name] = inst

    def _finding(self, earlier: Instruction, later: Instruction) -> Finding:
        name = earlier.name
        # the whole lines with the break that ends them: ``later`` follows, so there is one
        lines = Span.of(earlier.start_line, 0, earlier.end_line + 1, 0)
        return self.finding(
            earlier.span,
            f"Multiple {name} instructions should not be used in the same stage because only "
            f"the last one will be used; remove this {name} (line {later.start_line + 1} "
            "replaces it)",
            related=(Related(later.keyword.span, f"this {name} replaces the earlier one"),),
            fix=Fix(f"Remove the overridden {name}", (TextEdit(lines, ""),)),
            unnecessary=True,
            data={"buildkit": "MultipleInstructionsDisallowed"})
