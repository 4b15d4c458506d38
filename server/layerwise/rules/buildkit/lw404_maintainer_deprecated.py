"""LW404 maintainer-deprecated."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...syntax.nodes import Instruction
from ...syntax.span import Span, TextEdit
from ..base import Finding, Fix, InstructionRule, Severity

_LABEL = "org.opencontainers.image.authors"


class MaintainerDeprecated(InstructionRule):
    """## What it does
    Reports the `MAINTAINER` instruction and offers to replace it with the
    `org.opencontainers.image.authors` label.

    ## Why it matters
    `MAINTAINER` is deprecated. It only fills the legacy `Author` field of the image config,
    which OCI tooling does not read; the OCI annotation
    `org.opencontainers.image.authors` is where registries and scanners look for the author.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    MAINTAINER Jane Doe <jane@example.com>
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    ```

    ## References
    - BuildKit check `MaintainerDeprecated`
    - [OCI pre-defined annotation keys](https://github.com/opencontainers/image-spec/blob/main/annotations.md#pre-defined-annotation-keys)
    """

    id = "LW404"
    name = "maintainer-deprecated"
    severity = Severity.WARNING
    summary = "MAINTAINER is deprecated"

    names = frozenset({"MAINTAINER"})

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report a ``MAINTAINER`` on its keyword."""
        yield self._finding(analysis.instructions[index], analysis.dockerfile.escape)

    def _finding(self, inst: Instruction, escape: str) -> Finding:
        fix = None
        author = inst.args.value
        if author:
            label = "label" if inst.keyword.value.islower() else "LABEL"
            text = f'{label} {_LABEL}="{_quote(author, escape)}"'
            span = Span(inst.keyword.span.start, inst.args.span.end)
            fix = Fix(f"Replace with LABEL {_LABEL}", (TextEdit(span, text),), safe=False)
        return self.finding(
            inst.keyword.span,
            f'MAINTAINER is deprecated; use LABEL {_LABEL}="…" to name the image author',
            fix=fix, deprecated=True, data={"buildkit": "MaintainerDeprecated"})


def _quote(text: str, escape: str) -> str:
    """Escape ``text`` for a double-quoted Dockerfile value (no expansion, same characters)."""
    out = []
    for ch in text:
        if ch in ('"', "$", escape):
            out.append(escape)
        out.append(ch)
    return "".join(out)
