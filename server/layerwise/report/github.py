"""GitHub Actions workflow commands (``--format github``): one annotation per finding.

``::warning file=Dockerfile,line=4,col=16,endLine=4,endColumn=21,title=LW106 unused-stage::…``
GitHub shows these on the pull request's changed lines. Errors map to ``error``, warnings to
``warning``, info and hints to ``notice``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..rules.base import Finding, Severity
from .results import FileResult

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning",
             Severity.INFORMATION: "notice", Severity.HINT: "notice"}


def _data(text: str) -> str:
    """Escape a command's message (GitHub's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a command property (GitHub's ``escapeProperty``)."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(path: str, finding: Finding) -> str:
    """The workflow command for one finding."""
    span = finding.span
    props = [f"file={_property(path)}", f"line={span.start.line + 1}"]
    if span.end.line == span.start.line:  # GitHub ignores columns on multi-line annotations
        props.append(f"col={span.start.col + 1}")
        props.append(f"endLine={span.end.line + 1}")
        props.append(f"endColumn={max(span.end.col, span.start.col + 1)}")
    else:
        props.append(f"endLine={span.end.line + 1}")
    props.append(f"title={_property(f'{finding.rule_id} {finding.name}')}")
    message = finding.message
    if finding.fix is not None and finding.fix.safe:
        message += f" (fix: {finding.fix.title}; run layerwise check --fix)"
    return f"::{_COMMANDS[finding.severity]} {','.join(props)}::{_data(message)}"


def github_lines(results: Sequence[FileResult]) -> list[str]:
    """Annotations for every finding, and an error annotation per file that failed."""
    out = [annotation(r.path, f) for r in results for f in r.findings]
    out += [f"::error file={_property(r.path)},title=layerwise::{_data(r.error)}"
            for r in results if r.error]
    return out
