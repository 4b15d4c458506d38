"""LW006 unterminated-heredoc."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ..base import Finding, Rule, Severity


class UnterminatedHeredoc(Rule):
    """## What it does
    Reports a here-document (`<<EOF`) whose terminator line never appears.

    ## Why it matters
    BuildKit rejects the file. While you type, Layerwise ends the body at the next line that
    looks like an instruction so that the rest of the file is still checked.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    RUN <<EOF
    apk add --no-cache curl
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN <<EOF
    apk add --no-cache curl
    EOF
    ```
    """

    id = "LW006"
    name = "unterminated-heredoc"
    severity = Severity.ERROR
    summary = "Heredoc is never terminated"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Forward the parser's heredoc errors, on the ``<<EOF`` marker."""
        for error in analysis.dockerfile.errors:
            if error.code == self.id:
                yield self.finding(error.span, error.message)
