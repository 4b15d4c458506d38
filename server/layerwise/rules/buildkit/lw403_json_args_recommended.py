"""LW403 json-args-recommended."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.stages import Stage
from ...patterns import lazy_pattern
from ...syntax.nodes import Instruction
from ...syntax.span import TextEdit
from ..base import Finding, Fix, Reads, Severity, StageRule
from .lw406_undefined_variable import set_in_base

#: A word the exec form passes on unchanged: no expansion, globbing, quoting or operators.
_PLAIN = lazy_pattern(r"[A-Za-z0-9_\-./:=,@%+]+")
#: A quoted word whose content the shell would not change.
_QUOTED = lazy_pattern(r"'[^']*'|\"[^\"$`\\\\!]*\"")
#: Shell builtins and keywords that are no program the exec form could start.
_BUILTINS = frozenset({
    ".", ":", "[", "[[", "!", "{", "}", "alias", "bg", "break", "case", "cd", "command",
    "continue", "declare", "do", "done", "elif", "else", "eval", "exec", "exit", "export", "fg",
    "fi", "for", "function", "getopts", "hash", "if", "jobs", "let", "local", "read", "readonly",
    "return", "select", "set", "shift", "source", "test", "then", "time", "trap", "type",
    "ulimit", "umask", "unalias", "unset", "until", "wait", "while",
})


class JsonArgsRecommended(StageRule):
    """## What it does
    Reports `CMD` and `ENTRYPOINT` written in shell form (`CMD my-app start`) in a stage that
    has not chosen its shell with `SHELL`.

    ## Why it matters
    The shell form runs the program as a child of `/bin/sh -c`, which does not forward signals
    such as `SIGTERM`: `docker stop` then waits for its timeout and kills the container. The
    exec form (a JSON array) runs the program as PID 1. When the command needs shell features
    (variables, pipes, `&&`), move it into a script started in exec form, or set `SHELL` to
    show that the shell is intended. A command that starts with `exec` already replaces the
    shell and is not reported.

    The quick fix converts a command without shell syntax; review it, because with an
    `ENTRYPOINT` the exec form also changes how `CMD` arguments are passed.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    ENTRYPOINT my-program start
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    ENTRYPOINT ["my-program", "start"]
    ```

    ## References
    - BuildKit check `JSONArgsRecommended`
    """

    id = "LW403"
    name = "json-args-recommended"
    severity = Severity.WARNING
    summary = "CMD or ENTRYPOINT in shell form does not receive OS signals"

    reads = Reads.LINEAGE
    reads_inert_runs = False

    def check_stage(self, analysis: Analysis, stage: Stage) -> Iterator[Finding]:
        """Walk the stage; a ``SHELL`` before a command, in the stage or anywhere in the stages
        it is built on (``FROM <stage>``), silences it."""
        has_shell = set_in_base(analysis, stage, _is_shell)
        for i in stage.instructions[1:]:
            inst = analysis.instructions[i]
            if inst.name == "SHELL":
                has_shell = True
            elif inst.name in ("CMD", "ENTRYPOINT") and not has_shell:
                finding = self._check(inst)
                if finding is not None:
                    yield finding

    def _check(self, inst: Instruction) -> Finding | None:
        command = inst.args.value
        if inst.json or not command or _starts_with_exec(command):
            return None
        argv = _exec_form(command)
        data = {"buildkit": "JSONArgsRecommended"}
        if argv is None:
            return self.finding(
                inst.args.span,
                f"{inst.name} in shell form runs under /bin/sh -c, which does not forward OS "
                "signals; move the shell logic into a script run in exec form, or set SHELL",
                data=data)
        array = json.dumps(argv)
        return self.finding(
            inst.args.span,
            f"{inst.name} in shell form runs under /bin/sh -c, which does not forward OS "
            f"signals; use the exec form {inst.name} {array}",
            fix=Fix(f"Convert to exec form {array}", (TextEdit(inst.args.span, array),),
                    safe=False),
            data=data)


def _is_shell(inst: Instruction) -> bool:
    return inst.name == "SHELL"


def _starts_with_exec(command: str) -> bool:
    """``exec prog ...`` without operators: the program replaces the shell and gets signals."""
    first, _, rest = command.partition(" ")
    if first != "exec" or not rest.strip():
        return False
    quote = ""
    for ch in rest:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in ";&|\n":
            return False  # a second command runs after (or beside) the exec
    return True


def _exec_form(command: str) -> list[str] | None:
    """The argv of a command without shell syntax, or None when the shell would change it."""
    argv: list[str] = []
    for word in command.split():
        if _PLAIN.fullmatch(word):
            argv.append(word)
        elif _QUOTED.fullmatch(word):
            argv.append(word[1:-1])
        else:
            return None
    if not argv or argv[0] in _BUILTINS or "=" in argv[0]:
        return None
    return argv
