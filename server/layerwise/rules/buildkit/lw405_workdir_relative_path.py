"""LW405 workdir-relative-path."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.stages import Stage
from ...model.variables import expand
from ...syntax.nodes import Instruction
from ...syntax.span import Span, TextEdit
from ..base import Finding, Fix, Reads, Severity, StageRule
from .lw406_undefined_variable import rooted_at_scratch, set_in_base

#: Absolute on Linux (``/x``) or, for Windows images, a drive or root path (``C:\\x``).
_ABSOLUTE = re.compile(r"[/\\]|[A-Za-z]:[/\\]")


class WorkdirRelativePath(StageRule):
    """## What it does
    Reports a relative `WORKDIR` (`WORKDIR app`) when no `WORKDIR` has been set before it in
    the stage or in the stages it is built on (`FROM <stage>`). Later relative `WORKDIR`s are
    not reported: fixing the first one fixes them all.

    ## Why it matters
    A relative `WORKDIR` is resolved against the base image's working directory. If the
    image changes it upstream, the build silently moves to a different directory.

    ## Example
    ```dockerfile
    FROM nginx:1.27 AS web
    WORKDIR usr/share/nginx/html
    COPY public .
    ```

    ## Use instead
    ```dockerfile
    FROM nginx:1.27 AS web
    WORKDIR /usr/share/nginx/html
    COPY public .
    ```

    ## References
    - BuildKit check `WorkdirRelativePath`
    """

    id = "LW405"
    name = "workdir-relative-path"
    severity = Severity.WARNING
    summary = "Relative WORKDIR depends on the base image's working directory"

    reads = Reads.LINEAGE
    reads_inert_runs = False

    def check_stage(self, analysis: Analysis, stage: Stage) -> Iterator[Finding]:
        """Report the first ``WORKDIR`` of the stage when it is relative and no base stage
        (``FROM <stage>``) has set one."""
        if set_in_base(analysis, stage, _sets_workdir):
            return
        for i in stage.instructions[1:]:
            inst = analysis.instructions[i]
            if _sets_workdir(inst):
                path = expand(inst.args.value, analysis.scopes[i], analysis.dockerfile.escape)
                if path.exact and not _ABSOLUTE.match(path.value):
                    yield self._finding(inst, path.value, rooted_at_scratch(analysis, stage))
                return

    def _finding(self, inst: Instruction, path: str, scratch: bool) -> Finding:
        raw = inst.args.value
        span = inst.args.span
        start = span.start
        if raw.startswith("./"):
            edit = TextEdit(Span(start, start._replace(col=start.col + 2)), "/")
        elif raw == ".":
            edit = TextEdit(span, "/")
        else:
            edit = TextEdit(Span(start, start), "/")
        if edit.span.start.line != edit.span.end.line:
            edit = TextEdit(Span(start, start), "/")
        return self.finding(
            span,
            f'Relative workdir "{path}" can have unexpected results if the base image changes; '
            "use an absolute path",
            fix=Fix("Make the path absolute", (edit,), safe=scratch),
            data={"buildkit": "WorkdirRelativePath"})


def _sets_workdir(inst: Instruction) -> bool:
    return inst.name == "WORKDIR" and bool(inst.args.value)
