"""LW008 instruction-before-from."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ..base import Finding, Severity, StructureRule


class InstructionBeforeFrom(StructureRule):
    """## What it does
    Reports anything other than `ARG`, comments and parser directives before the first `FROM`.

    ## Why it matters
    BuildKit fails: only global `ARG`s may precede the first stage.

    ## Example
    ```dockerfile
    ENV APP_HOME=/app
    FROM python:3.12-slim
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    ENV APP_HOME=/app
    ```
    """

    id = "LW008"
    name = "instruction-before-from"
    severity = Severity.ERROR
    summary = "Only ARG may come before the first FROM"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Report known instructions other than ARG that precede the first FROM."""
        for inst in analysis.instructions:
            if inst.name == "FROM":
                return
            if inst.known and inst.name != "ARG":
                yield self.finding(inst.keyword.span,
                                   f"{inst.name} before the first FROM; only ARG may come first")
