"""LW411 copy-ignored-file."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import ClassVar

from ...model.analysis import Analysis
from ...model.context import BuildContext, IgnorePattern, go_clean
from ...model.variables import expand
from ...patterns import lazy_pattern
from ...syntax.nodes import Instruction, Token
from ..base import Finding, InstructionRule, Reads, Severity

#: Sources that do not come from the build context (ADD only, COPY rejects them).
_REMOTE = lazy_pattern(r"(?:https?|git|ssh)://|git@", re.IGNORECASE)
#: Patterns that exclude every entry of the context root, so that ``COPY . .`` copies nothing.
_ALL = ("*", "**", "**/*")


class CopyIgnoredFile(InstructionRule):
    """## What it does
    Reports a `COPY` or `ADD` source from the build context that the `.dockerignore`
    (or `<Dockerfile>.dockerignore`) excludes, and names the ignore line that excludes it.
    It needs the build context, so it is silent when Layerwise does not know it.

    ## Why it matters
    Excluded files are never sent to the builder: the copy fails with "not found", or a glob
    quietly copies less than you expect. Either the pattern or the `COPY` is wrong.

    ## Example
    With this `.dockerignore`:
    ```text
    Dockerfile
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY Dockerfile /srv/
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    COPY app/ /srv/app/
    ```

    ## References
    - BuildKit check `CopyIgnoredFile`
    """

    id = "LW411"
    name = "copy-ignored-file"
    severity = Severity.WARNING
    summary = "COPY or ADD source is excluded by .dockerignore"
    #: Files of the build context the doc examples assume (this rule needs a context).
    example_context: ClassVar[Mapping[str, str]] = {".dockerignore": "Dockerfile\n"}

    reads = Reads.STRUCTURE
    names = frozenset({"COPY", "ADD"})

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Match every local source of a ``COPY`` (without ``--from``) or ``ADD``."""
        context = analysis.context
        inst = analysis.instructions[index]
        if context is None or not context.patterns or inst.flag("from") is not None:
            return
        for token in _sources(inst):
            source = expand(token.value, analysis.scopes[index], analysis.dockerfile.escape)
            if not source.exact or not source.value or _REMOTE.match(source.value):
                continue
            pattern = _excluding(context, go_clean(source.value))
            if pattern is not None:
                yield self._finding(inst, token, go_clean(source.value), pattern, context)

    def _finding(self, inst: Instruction, token: Token, path: str, pattern: IgnorePattern,
                 context: BuildContext) -> Finding:
        verb = "Add" if inst.name == "ADD" else "Copy"
        ignore = context.ignore_file.name if context.ignore_file is not None else ".dockerignore"
        return self.finding(
            token.span,
            f'Attempting to {verb} file "{path}" that is excluded by {ignore} '
            f"(line {pattern.line}: {pattern.pattern}); change the pattern or the source",
            data={"buildkit": "CopyIgnoredFile", "ignore_file": str(context.ignore_file or ""),
                  "ignore_line": str(pattern.line), "pattern": pattern.pattern})


def _sources(inst: Instruction) -> Iterator[Token]:
    """The source tokens: every argument but the last, heredoc markers left out."""
    tokens = inst.exec_args if inst.json else inst.words
    markers = {doc.marker for doc in inst.heredocs}
    for token in tokens[:-1]:
        if token.span not in markers:
            yield token


def _excluding(context: BuildContext, path: str) -> IgnorePattern | None:
    """The ignore pattern that keeps ``path`` out of the context, or None if it is sent.

    Without ``!`` exceptions this is BuildKit's test: the path or one of its parents matches.
    With exceptions (which BuildKit does not check), a path only counts as excluded when
    nothing under it is re-included.
    """
    exceptions = any(p.exclusion for p in context.patterns)
    if path in (".", "/"):
        if exceptions:
            return None
        return next((p for p in context.patterns if p.pattern in _ALL), None)
    if not context.is_ignored(path):
        return None
    if exceptions and context.glob(path, limit=1):
        return None
    return context.deciding_pattern(path)
