"""LW003 unknown-flag."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...syntax.grammar import FLAGS, MOUNT_KEYS, closest, mount_type
from ...syntax.nodes import Flag, Instruction
from ...syntax.span import Span, TextEdit
from ..base import Finding, Fix, InstructionRule, Severity


class UnknownFlag(InstructionRule):
    """## What it does
    Reports a flag that the instruction does not take (`COPY --form=build`), and unknown
    `--mount` types and keys, with a "did you mean" fix.

    ## Why it matters
    BuildKit refuses the file with "unknown flag"; a typo in a `--mount` key silently drops
    the cache or secret you meant to mount.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    FROM alpine:3.20
    COPY --form=build /go/bin/app /app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build
    FROM alpine:3.20
    COPY --from=build /go/bin/app /app
    ```
    """

    id = "LW003"
    name = "unknown-flag"
    severity = Severity.ERROR
    summary = "Flag not accepted by this instruction"

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Check every flag of a known instruction (ONBUILD's inner one too)."""
        inst = analysis.instructions[index]
        for target in inst.parts:
            if target.known:
                yield from self._instruction(target)

    def _instruction(self, inst: Instruction) -> Iterator[Finding]:
        allowed = FLAGS.get(inst.name, {})
        for flag in inst.flags:
            if flag.name not in allowed:
                yield self._unknown_flag(inst, flag, tuple(allowed))
            elif flag.name == "mount":
                yield from self._mount(flag)

    def _unknown_flag(self, inst: Instruction, flag: Flag, allowed: tuple[str, ...]) -> Finding:
        if not allowed:
            return self.finding(flag.span, f"{inst.name} takes no flags; remove --{flag.name}")
        guess = closest(flag.name, allowed)
        if guess is None:
            names = ", ".join(f"--{a}" for a in allowed)
            return self.finding(flag.span,
                                f"unknown flag --{flag.name} for {inst.name}; it takes {names}")
        return self.finding(
            flag.span, f"unknown flag --{flag.name} for {inst.name}; did you mean --{guess}?",
            fix=Fix(f"Change to --{guess}", (TextEdit(flag.name_span, guess),)))

    def _mount(self, flag: Flag) -> Iterator[Finding]:
        options = flag.options()
        kind = mount_type(options)
        keys = MOUNT_KEYS.get(kind)
        if keys is None:
            span = next((s for k, _, s in options if k == "type"), flag.span)
            guess = closest(kind, tuple(MOUNT_KEYS))
            hint = f"; did you mean type={guess}?" if guess else \
                f"; use one of {', '.join(MOUNT_KEYS)}"
            yield self.finding(span, f"unknown mount type '{kind}'{hint}")
            return
        for key, _, span in options:
            if key and key not in keys:
                guess = closest(key, tuple(sorted(keys)))
                hint = f"; did you mean {guess}?" if guess else ""
                fix = Fix(f"Change to {guess}", (TextEdit(_key_span(span, key), guess),)) \
                    if guess and span.start.line == span.end.line else None
                yield self.finding(span, f"unknown key '{key}' for --mount=type={kind}{hint}",
                                   fix=fix)


def _key_span(span: Span, key: str) -> Span:
    """The key part of a ``key=value`` option span."""
    return Span(span.start, span.start._replace(col=span.start.col + len(key)))
