"""LW409 redundant-target-platform."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.variables import expand
from ...syntax.nodes import Flag, Instruction
from ...syntax.span import Span, TextEdit
from ..base import Finding, Fix, Severity, StructureRule
from .lw415_undefined_arg_in_from import meta_scope


class RedundantTargetPlatform(StructureRule):
    """## What it does
    Reports `FROM --platform=$TARGETPLATFORM`, which asks for the platform the stage would
    use anyway, and offers to remove the flag.

    ## Why it matters
    A stage is built for the target platform by default. The flag adds noise and suggests
    that something special happens here; `--platform=$BUILDPLATFORM` is the one that changes
    behaviour (build natively, cross-compile for the target).

    ## Example
    ```dockerfile
    FROM --platform=$TARGETPLATFORM alpine:3.20 AS builder
    RUN apk add --no-cache git
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20 AS builder
    RUN apk add --no-cache git
    ```

    ## References
    - BuildKit check `RedundantTargetPlatform`
    """

    id = "LW409"
    name = "redundant-target-platform"
    severity = Severity.INFORMATION
    summary = "FROM --platform=$TARGETPLATFORM is the default"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """A platform made only of ``TARGETPLATFORM`` and equal to its value is redundant."""
        scope = meta_scope(analysis)
        target = scope["TARGETPLATFORM"].value
        escape = analysis.dockerfile.escape
        for stage in analysis.stages:
            inst = analysis.instructions[stage.from_index]
            flag = inst.flag("platform")
            if flag is None or not flag.value:
                continue
            expansion = expand(flag.value, scope, escape)
            names = {ref.name for ref in expansion.references}
            if names == {"TARGETPLATFORM"} and expansion.value == target:
                yield self.finding(
                    flag.span,
                    f"Setting platform to predefined {flag.value} in FROM is redundant as this "
                    "is the default behavior; remove the --platform flag",
                    fix=Fix("Remove --platform", (TextEdit(_removal(inst, flag), ""),)),
                    unnecessary=True, data={"buildkit": "RedundantTargetPlatform"})


def _removal(inst: Instruction, flag: Flag) -> Span:
    """The flag and the blanks after it, up to the next word when it is on the same line."""
    following = [f.span.start for f in inst.flags if f.span.start > flag.span.start]
    if inst.words:
        following.append(inst.words[0].span.start)
    nxt = min(following, default=None)
    if nxt is not None and nxt.line == flag.span.end.line:
        return Span(flag.span.start, nxt)
    return flag.span
