"""LW004 invalid-flag-value."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.analysis import Analysis
from ...patterns import lazy_pattern
from ...syntax.grammar import (
    FLAGS,
    MOUNT_KEYS,
    NETWORK_VALUES,
    SECURITY_VALUES,
    SHARING_VALUES,
    TARGET_KEYS,
    mount_type,
)
from ...syntax.nodes import Flag, Instruction
from ..base import Finding, InstructionRule, Severity

_BOOL = frozenset({"1", "t", "true", "0", "f", "false"})
_CHMOD = lazy_pattern(r"[0-7]{3,4}|[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*")
_DURATION = lazy_pattern(r"0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+")
_PLATFORM = lazy_pattern(r"[a-z0-9_-]+(/[a-z0-9_.-]+){0,2}", re.IGNORECASE)
_CHECKSUM = lazy_pattern(r"sha(256:[0-9a-f]{64}|384:[0-9a-f]{96}|512:[0-9a-f]{128})")


class InvalidFlagValue(InstructionRule):
    """## What it does
    Reports flag values of the wrong shape: `--chmod=abc`, `--network=bogus`, a
    `--mount=type=cache` without `target`, a malformed `--platform`, a bad HEALTHCHECK duration.

    ## Why it matters
    BuildKit rejects these when it reaches the instruction, after the earlier steps ran.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN --mount=type=cache pip install -r requirements.txt
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    ```
    """

    id = "LW004"
    name = "invalid-flag-value"
    severity = Severity.ERROR
    summary = "Flag value has the wrong shape"

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Check the value of every known flag of an instruction (and its ONBUILD one)."""
        inst = analysis.instructions[index]
        for target in inst.parts:
            if target.known:
                yield from self._instruction(target)

    def _instruction(self, inst: Instruction) -> Iterator[Finding]:
        allowed = FLAGS.get(inst.name, {})
        for flag in inst.flags:
            if flag.name not in allowed:
                continue
            boolean = allowed[flag.name]
            value = flag.value
            if value is None:
                if not boolean:
                    yield self.finding(flag.span, f"--{flag.name} needs a value "
                                                  f"(--{flag.name}=...)")
                continue
            if "$" in value:
                continue
            problem = _problem(inst.name, flag.name, value, boolean)
            if problem:
                yield self.finding(flag.value_span or flag.span, problem)
            if flag.name == "mount":
                yield from self._mount(flag)

    def _mount(self, flag: Flag) -> Iterator[Finding]:
        options = flag.options()
        kind = mount_type(options)
        if kind not in MOUNT_KEYS:
            return
        keys = {key for key, _, _ in options}
        if kind in ("cache", "bind", "tmpfs") and not keys & TARGET_KEYS:
            yield self.finding(flag.span, f"--mount=type={kind} needs target=<path>")
        for key, value, span in options:
            problem = _mount_problem(key, value)
            if problem:
                yield self.finding(span, problem)


def _problem(instruction: str, name: str, value: str, boolean: bool) -> str | None:
    """Describe what is wrong with one flag value, or ``None``."""
    if boolean:
        return None if value.lower() in _BOOL else f"--{name} takes true or false, not '{value}'"
    if name == "chmod" and not _CHMOD.fullmatch(value):
        return f"--chmod takes octal permissions like 0755 or u+x, not '{value}'"
    if name == "network" and value not in NETWORK_VALUES:
        return f"--network takes {', '.join(NETWORK_VALUES)}, not '{value}'"
    if name == "security" and value not in SECURITY_VALUES:
        return f"--security takes {', '.join(SECURITY_VALUES)}, not '{value}'"
    if name == "platform" and not all(_PLATFORM.fullmatch(p) for p in value.split(",")):
        return f"--platform takes os/arch[/variant] like linux/arm64, not '{value}'"
    if instruction == "HEALTHCHECK" and name != "retries" and not _DURATION.fullmatch(value):
        return f"--{name} takes a duration like 30s or 1m30s, not '{value}'"
    if name == "retries" and not value.isdigit():
        return f"--retries takes a whole number, not '{value}'"
    if name == "checksum" and not _CHECKSUM.fullmatch(value) and not re.fullmatch(
            r"[0-9a-f]{40}|[0-9a-f]{64}", value):
        return f"--checksum takes sha256:<64 hex digits>, not '{value}'"
    if name in ("from", "chown", "exclude") and not value:
        return f"--{name} needs a value"
    return None


def _mount_problem(key: str, value: str | None) -> str | None:
    """Describe what is wrong with one ``--mount`` option, or ``None``."""
    if value is not None and "$" in value:
        return None
    if key == "sharing" and value not in SHARING_VALUES:
        return f"sharing takes {', '.join(SHARING_VALUES)}, not '{value}'"
    if key in ("required", "readonly", "ro", "rw", "readwrite") and value is not None \
            and value.lower() not in _BOOL:
        return f"{key} takes true or false, not '{value}'"
    if key in ("uid", "gid") and not (value or "").isdigit():
        return f"{key} takes a numeric id, not '{value}'"
    if key == "mode" and not re.fullmatch(r"[0-7]{1,4}", value or ""):
        return f"mode takes octal permissions like 0440, not '{value}'"
    if key in TARGET_KEYS | {"id", "source", "src", "from", "env"} and not value:
        return f"{key} needs a value"
    return None
