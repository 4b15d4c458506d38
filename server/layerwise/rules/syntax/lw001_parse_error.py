"""LW001 parse-error."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ..base import Finding, Rule, Severity


class ParseErrorRule(Rule):
    """## What it does
    Reports text that BuildKit's parser rejects, at the token at fault.

    ## Why it matters
    `docker build` stops before running anything when the Dockerfile does not parse.
    Layerwise recovers at the next instruction, so the other rules still run.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    CMD ["sh", 1]
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    CMD ["sh", "-c", "echo 1"]
    ```
    """

    id = "LW001"
    name = "parse-error"
    severity = Severity.ERROR
    summary = "BuildKit cannot parse this"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Forward the decoder's and the parser's errors."""
        for problem in analysis.source_problems:
            yield self.finding(problem.span, problem.message)
        if analysis.source_problems and not analysis.dockerfile.text:
            return  # unreadable (binary, too large): "no instructions" would only repeat it
        for error in analysis.dockerfile.errors:
            if error.code == self.id:
                yield self.finding(error.span, error.message)
