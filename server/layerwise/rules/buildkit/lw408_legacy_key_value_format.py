"""LW408 legacy-key-value-format."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...syntax.nodes import Instruction, KeyValue
from ...syntax.span import Span, TextEdit
from ...syntax.words import SPACES
from ..base import Finding, Fix, InstructionRule, Severity


class LegacyKeyValueFormat(InstructionRule):
    """## What it does
    Reports `ENV` and `LABEL` in the legacy whitespace form (`ENV key value`) and rewrites
    them as `key=value`, quoting the value when it contains spaces.

    ## Why it matters
    The legacy form is deprecated. It also sets a single variable whose value is the whole
    rest of the line, which surprises readers: `ENV A 1 B 2` sets `A` to `1 B 2`.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    ENV APP_HOME /srv/app
    LABEL description An example image
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    ENV APP_HOME=/srv/app
    LABEL description="An example image"
    ```

    ## References
    - BuildKit check `LegacyKeyValueFormat`
    """

    id = "LW408"
    name = "legacy-key-value-format"
    severity = Severity.WARNING
    summary = "ENV or LABEL uses the legacy \"key value\" form"

    names = frozenset({"ENV", "LABEL", "ONBUILD"})

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report legacy pairs of ``ENV`` and ``LABEL`` (``ONBUILD`` triggers included)."""
        for target in analysis.instructions[index].parts:
            if target.name in ("ENV", "LABEL"):
                yield from self._instruction(target, analysis.dockerfile.escape)

    def _instruction(self, inst: Instruction, escape: str) -> Iterator[Finding]:
        for kv in inst.pairs:
            if not kv.legacy or kv.value is None:
                continue
            name = inst.name
            fix = None
            text = _rewrite(kv, escape)
            if text is not None:
                span = Span(kv.key.span.start, kv.value.span.end)
                fix = Fix(f"Change to {name} {kv.key.value}=…", (TextEdit(span, text),))
            yield self.finding(
                kv.key.span,
                f'"{name} key=value" should be used instead of legacy "{name} key value" '
                f"format; write {name} {kv.key.value}=…",
                fix=fix, data={"buildkit": "LegacyKeyValueFormat"})


def _rewrite(kv: KeyValue, escape: str) -> str | None:
    """``key=value`` with the same meaning, or None when the value is too tricky to move."""
    assert kv.value is not None
    key, value = kv.key.value, kv.value.value
    if not any(c in SPACES for c in value):
        return f"{key}={value}"
    if not any(c in value for c in ("'", '"', escape)):
        return f'{key}="{value}"'
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"" and \
            value[0] not in value[1:-1] and escape not in value:
        return f"{key}={value}"
    return None
