"""LW009 misplaced-directive."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.analysis import Analysis
from ...patterns import lazy_pattern
from ...syntax.nodes import Comment, Instruction
from ..base import Finding, Rule, Severity
from ._comments import comments_matching

_DIRECTIVE = lazy_pattern(r"#\s*(syntax|escape|check)\s*=\s*(\S.*)$", re.IGNORECASE)
#: What every comment :data:`_DIRECTIVE` matches starts with, searched for in the text.
_CANDIDATE = re.compile(r"#\s*(?:syntax|escape|check)\s*=", re.IGNORECASE)


class MisplacedDirective(Rule):
    """## What it does
    Reports a parser directive (`# syntax=`, `# escape=`, `# check=`) that BuildKit ignores
    because a comment, a blank line or an instruction comes before it.

    ## Why it matters
    An ignored `# escape=`` changes how every continuation line is read; an ignored
    `# syntax=` silently builds with the default frontend.

    ## Example
    ```dockerfile
    # Build the web frontend
    # syntax=docker/dockerfile:1
    FROM node:20-alpine
    ```

    ## Use instead
    ```dockerfile
    # syntax=docker/dockerfile:1
    # Build the web frontend
    FROM node:20-alpine
    ```
    """

    id = "LW009"
    name = "misplaced-directive"
    severity = Severity.WARNING
    summary = "Parser directive is ignored here"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Report directive-looking comments outside the directive block (found by a scan of the
        text, so that a keystroke does not walk every node)."""
        nodes = analysis.dockerfile.nodes
        for i, node in comments_matching(analysis.dockerfile, _CANDIDATE):
            m = _DIRECTIVE.match(node.text)
            if m is None:
                continue
            name = m.group(1).lower()
            if name == "check" and "error=" not in m.group(2).lower() and _above_instruction(
                    nodes, i):
                continue
            yield self.finding(
                node.span, f"'# {name}=' is ignored here: parser directives must be the first "
                           "lines of the file, before any comment, blank line or instruction")


def _above_instruction(nodes: tuple[object, ...], index: int) -> bool:
    """Tell whether a comment belongs to the block directly above an instruction."""
    for node in nodes[index + 1:]:
        if isinstance(node, Instruction):
            return True
        if not isinstance(node, Comment):
            return False
    return False
