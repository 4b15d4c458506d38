"""LW007 invalid-json-form."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ...model.analysis import Analysis
from ...syntax.nodes import Instruction
from ...syntax.span import TextEdit
from ..base import Finding, Fix, InstructionRule, Severity

_EXEC_CAPABLE = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})


class InvalidJsonForm(InstructionRule):
    """## What it does
    Reports arguments that look like exec form (`[...]`) but are not valid JSON, such as
    single quotes or a trailing comma.

    ## Why it matters
    BuildKit then treats the whole text as a shell command: `CMD ['nginx']` runs
    `/bin/sh -c "['nginx']"`, which fails at container start, not at build time.

    ## Example
    ```dockerfile
    FROM nginx:1.27
    CMD ['nginx', '-g', 'daemon off;']
    ```

    ## Use instead
    ```dockerfile
    FROM nginx:1.27
    CMD ["nginx", "-g", "daemon off;"]
    ```
    """

    id = "LW007"
    name = "invalid-json-form"
    severity = Severity.WARNING
    summary = "Looks like exec form but is not valid JSON"

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report bracketed arguments that did not parse as a JSON array."""
        target = analysis.instructions[index].sub or analysis.instructions[index]
        text = _command_text(target)
        if text is not None and not target.json and _looks_like_exec_form(text) \
                and not target.heredocs:
            span = target.args.span
            repaired = _repair(text)
            fix = None
            if repaired is not None and target.args.value == text:
                fix = Fix("Use double quotes (valid JSON)", (TextEdit(span, repaired),))
            yield self.finding(
                span, "not valid JSON, so this runs as a shell string; "
                      "exec form needs double quotes and no trailing comma", fix=fix)


def _command_text(inst: Instruction) -> str | None:
    """The part of the arguments that may be exec form."""
    if inst.name in _EXEC_CAPABLE:
        return inst.args.value
    if inst.name == "HEALTHCHECK" and inst.words and inst.words[0].value.upper() == "CMD":
        return inst.args.value[len(inst.words[0].value):].strip()
    return None


def _looks_like_exec_form(text: str) -> bool:
    """Tell exec-form attempts (``['a']``) from shell tests (``[ -f x ] && ...``)."""
    return text[:2] in ("['", '["') or text.replace(" ", "") == "[]"


def _repair(text: str) -> str | None:
    """Swap single for double quotes and drop a trailing comma, if that yields JSON strings."""
    candidate = text.replace("'", '"').rstrip()
    if candidate.endswith(",]"):
        candidate = candidate[:-2] + "]"
    try:
        data = json.loads(candidate)
    except ValueError:
        return None
    if isinstance(data, list) and all(isinstance(x, str) for x in data):
        return candidate
    return None
