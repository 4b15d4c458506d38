"""LW005 missing-arguments."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...syntax.nodes import Instruction
from ..base import Finding, InstructionRule, Severity

_AT_LEAST_ONE = frozenset({"ONBUILD", "HEALTHCHECK", "EXPOSE", "VOLUME", "ARG", "SHELL", "RUN",
                           "ENV", "LABEL", "MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"})


class MissingArguments(InstructionRule):
    """## What it does
    Reports an instruction without the arguments BuildKit requires: `FROM` without an image,
    `COPY src` without a destination, `ENV` without a value, an empty `WORKDIR`.

    ## Why it matters
    The build fails at that instruction.

    ## Example
    ```dockerfile
    FROM node:20-alpine
    COPY package.json
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-alpine
    COPY package.json ./
    ```
    """

    id = "LW005"
    name = "missing-arguments"
    severity = Severity.ERROR
    summary = "Instruction lacks required arguments"

    def context(self, analysis: Analysis) -> frozenset[int]:
        """The lines on which parse errors start."""
        return frozenset(e.span.start.line for e in analysis.dockerfile.errors)

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Check argument counts the way BuildKit's instruction parser does."""
        inst = analysis.instructions[index]
        errors = self.context(analysis)
        if errors and any(inst.start_line <= line <= inst.end_line for line in errors):
            return  # the parse error says it already
        for target in inst.parts:
            if target.known:
                problem = _problem(target)
                if problem:
                    span = target.args.span if target.args.value else target.keyword.span
                    yield self.finding(span, problem)


def _problem(inst: Instruction) -> str | None:
    """Describe the missing arguments, or ``None``."""
    name = inst.name
    count = len(inst.exec_args) if inst.json else len(inst.words)
    if name == "FROM":
        if count == 0:
            return "FROM needs a base image (FROM image[:tag] [AS name])"
        if count not in (1, 3) or count == 3 and inst.words[1].value.lower() != "as":
            return "FROM takes an image and optionally AS <name>: FROM image[:tag] [AS name]"
        return None
    if name in ("COPY", "ADD"):
        if count == 0:
            return f"{name} needs a source and a destination"
        if count == 1:
            return f"{name} needs a destination after the source"
        return None
    if name in ("ENV", "LABEL"):
        if not inst.pairs:
            return f"{name} needs at least one name=value pair"
        if any(not kv.key.value for kv in inst.pairs):
            return f"{name} has a pair without a name"
        return None
    if name == "SHELL" and not inst.json:
        return "SHELL must use exec form: SHELL [\"executable\", \"parameters\"]"
    if name == "SHELL" and not inst.exec_args:
        return "SHELL needs at least the shell executable"
    if name == "RUN" and not inst.args.value and not inst.heredocs and not inst.json:
        return "RUN needs a command"
    if name in _AT_LEAST_ONE and not inst.args.value and not inst.json:
        return f"{name} needs an argument"
    if name in ("WORKDIR", "USER", "STOPSIGNAL") and len(inst.args.value.split()) > 1 \
            and name != "WORKDIR":
        return f"{name} takes exactly one argument"
    return None
