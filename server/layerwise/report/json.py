"""The JSON report of ``layerwise check --format json``; ``schemas/report.schema.json`` defines it.

Ranges are 1-based lines and columns counted in Unicode code points; ``end`` is the position
just after the range (as SARIF's ``endColumn``), so an empty range has ``start == end``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..rules.base import Finding
from ..syntax.span import Position, Span
from . import rule_docs_url
from .results import FileResult, RuleCount, fixable, severity_counts

#: Bumped on an incompatible change of the report's shape (a new optional key is compatible).
SCHEMA_VERSION = 1


def _position(position: Position) -> dict[str, int]:
    return {"line": position.line + 1, "column": position.col + 1}


def json_range(span: Span) -> dict[str, Any]:
    """A span as the report's 1-based ``range``."""
    return {"start": _position(span.start), "end": _position(span.end)}


def json_finding(path: str, finding: Finding) -> dict[str, Any]:
    """One finding of the report."""
    fix = None
    if finding.fix is not None:
        fix = {"title": finding.fix.title, "safe": finding.fix.safe,
               "edits": [{"range": json_range(e.span), "newText": e.new_text}
                         for e in finding.fix.edits]}
    tags = [tag for tag, on in (("unnecessary", finding.unnecessary),
                                ("deprecated", finding.deprecated)) if on]
    return {
        "path": path,
        "range": json_range(finding.span),
        "id": finding.rule_id,
        "name": finding.name,
        "severity": finding.severity.label,
        "message": finding.message,
        "url": rule_docs_url(finding.rule_id),
        "related": [{"path": path, "range": json_range(r.span), "message": r.message}
                    for r in finding.related],
        "fixable": fixable(finding),
        "fix": fix,
        "tags": tags,
    }


def json_report(results: Sequence[FileResult], *, version: str,
                statistics: Sequence[RuleCount] | None = None) -> dict[str, Any]:
    """The whole report: findings of every file, files that could not be checked, a summary."""
    findings = [json_finding(r.path, f) for r in results for f in r.findings]
    counts = severity_counts(results)
    report: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "layerwise", "version": version},
        "findings": findings,
        "errors": [{"path": r.path, "message": r.error} for r in results if r.error],
        "summary": {
            "files": len(results),
            "findings": len(findings),
            "fixable": sum(1 for f in findings if f["fixable"]),
            "fixed": sum(r.fixed for r in results),
            "errors": sum(1 for r in results if r.error),
            "bySeverity": {severity.label: count for severity, count in counts.items()},
        },
    }
    if statistics is not None:
        report["statistics"] = [
            {"id": c.rule_id, "name": c.name, "severity": c.severity.label, "count": c.count,
             "fixable": c.fixable} for c in statistics]
    return report
