"""LW415 undefined-arg-in-from, and the global-ARG view of FROM that LW409/LW410/LW414 share."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.variables import Variable, expand
from ...syntax.nodes import Instruction, Token
from ...syntax.span import Position, Span, TextEdit
from ..base import Finding, Fix, Severity, StructureRule
from .lw406_undefined_variable import BUILDKIT_DEFAULT_ARGS, did_you_mean, locate, name_span


def meta_args(analysis: Analysis) -> dict[str, Token]:
    """The ARGs declared before the first FROM, by name, with the key of their last declaration."""
    declared: dict[str, Token] = {}
    for inst in analysis.instructions:
        if inst.name == "FROM":
            break
        if inst.name == "ARG":
            for kv in inst.pairs:
                declared[kv.key.value] = kv.key
    return declared


def meta_scope(analysis: Analysis) -> dict[str, Variable]:
    """What FROM sees when no ``--build-arg`` is given: BuildKit's default ARGs, then the
    global ARGs' defaults in order. An ARG without a default stays unset (or keeps its
    predefined value), so ``${NAME:-default}`` takes the default as in BuildKit."""
    escape = analysis.dockerfile.escape
    scope = {name: Variable(name, value, "predefined", None)
             for name, value in BUILDKIT_DEFAULT_ARGS.items()}
    for i, inst in enumerate(analysis.instructions):
        if inst.name == "FROM":
            break
        if inst.name != "ARG":
            continue
        for kv in inst.pairs:
            name = kv.key.value
            if kv.value is not None:
                value = expand(kv.value.value, scope, escape).value
                scope[name] = Variable(name, value, "global-arg", kv.key.span, i)
    return scope


def from_words(analysis: Analysis, inst: Instruction) -> Iterator[tuple[str, Span]]:
    """The words of a FROM that BuildKit expands: ``--platform``'s value and the base image."""
    flag = inst.flag("platform")
    if flag is not None and flag.value and flag.value_span is not None:
        yield flag.value, flag.value_span
    if inst.words:
        yield inst.words[0].value, inst.words[0].span


class UndefinedArgInFrom(StructureRule):
    """## What it does
    Reports a variable in `FROM` (the image or `--platform`) that is neither an ARG declared
    before the first `FROM` nor one of BuildKit's predefined ARGs (`BUILDPLATFORM`,
    `TARGETARCH`, …), with a "did you mean" for typos such as `$BULIDPLATFORM`.

    ## Why it matters
    An undeclared variable expands to an empty string, and `--build-arg` cannot set it: only
    ARGs declared before the first `FROM` reach `FROM`. The stage then silently builds from a
    different image or platform, or the build fails with a confusing reference error.

    ## Example
    ```dockerfile
    FROM node:22${VARIANT} AS jsbuilder
    ```

    ## Use instead
    ```dockerfile
    ARG VARIANT="-alpine3.20"
    FROM node:22${VARIANT} AS jsbuilder
    ```

    ## References
    - BuildKit check `UndefinedArgInFrom`
    """

    id = "LW415"
    name = "undefined-arg-in-from"
    severity = Severity.WARNING
    summary = "FROM uses a variable that is not a declared global ARG"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Check every stage's FROM against the global ARGs and the predefined ones."""
        declared = meta_args(analysis)
        candidates = list(declared) + [n for n in BUILDKIT_DEFAULT_ARGS if n not in declared]
        escape = analysis.dockerfile.escape
        first_from = next((s.from_index for s in analysis.stages), None)
        for stage in analysis.stages:
            inst = analysis.instructions[stage.from_index]
            seen: set[str] = set()
            for text, span in from_words(analysis, inst):
                for ref in expand(text, {}, escape).references:
                    name = ref.name
                    if name in declared or name in BUILDKIT_DEFAULT_ARGS or name in seen:
                        continue
                    seen.add(name)
                    where = locate(analysis, span, text, ref.start, ref.end)
                    guess = did_you_mean(name, candidates)
                    yield self._finding(analysis, name, guess, where, text, ref.start, ref.end,
                                        first_from)

    def _finding(self, analysis: Analysis, name: str, guess: str | None, where: Span, text: str,
                 start: int, end: int, first_from: int | None) -> Finding:
        data = {"buildkit": "UndefinedArgInFrom", "variable": name}
        if guess is not None:
            fix = None
            exact = name_span(where, text, start, end)
            if exact is not None:
                fix = Fix(f"Change to {guess}", (TextEdit(exact, guess),), safe=False)
            return self.finding(where, f"FROM argument '{name}' is not declared "
                                f"(did you mean {guess}?)", fix=fix,
                                data=data | {"suggestion": guess})
        fix = None
        if first_from is not None:
            first = analysis.instructions[first_from]
            arg = "arg" if first.keyword.value.islower() else "ARG"
            at = Position(first.start_line, 0)
            fix = Fix(f"Declare ARG {name} before the first FROM",
                      (TextEdit(Span(at, at), f"{arg} {name}\n"),))
        return self.finding(where, f"FROM argument '{name}' is not declared; declare it with "
                            "ARG before the first FROM", fix=fix, data=data)
