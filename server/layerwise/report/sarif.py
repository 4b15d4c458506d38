"""SARIF 2.1.0 (``--format sarif``), for GitHub code scanning and other SARIF viewers.

The log validates against the OASIS SARIF 2.1.0 schema. Columns count Unicode code points
(``columnKind: unicodeCodePoints``); ``endColumn`` is exclusive, as SARIF defines it. Paths below
the working folder are relative to ``%SRCROOT%`` (the working folder), which is what
``github/codeql-action/upload-sarif`` expects when it runs at the repository root.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..rules.base import Finding, Rule, Severity
from ..rules.catalog import rule_page
from ..rules.registry import ALL_RULES
from ..syntax.span import Span
from . import HOME_URL, rule_docs_url
from .results import FileResult, fixable

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning",
           Severity.INFORMATION: "note", Severity.HINT: "note"}
#: GitHub's ``security-severity`` (0-10) for the secret rules, by default severity.
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5",
                      Severity.INFORMATION: "3.0", Severity.HINT: "1.0"}
_FAMILIES = {"LW0": "syntax", "LW1": "stages", "LW2": "image-size", "LW3": "security",
             "LW4": "buildkit-checks"}


def _region(span: Span) -> dict[str, int]:
    return {"startLine": span.start.line + 1, "startColumn": span.start.col + 1,
            "endLine": span.end.line + 1, "endColumn": span.end.col + 1}


class _Locator:
    """Turns report paths into SARIF artifact locations."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.abspath(root))

    def __call__(self, path: str) -> dict[str, str]:
        candidate = Path(path)
        if not candidate.is_absolute():
            candidate = self.root / candidate
        candidate = Path(os.path.normpath(candidate))
        try:
            relative = candidate.relative_to(self.root)
        except ValueError:
            return {"uri": candidate.as_uri()}
        return {"uri": quote(relative.as_posix()), "uriBaseId": SRCROOT}


def _rule(rule: Rule) -> dict[str, Any]:
    family = _FAMILIES.get(rule.id[:3], "other")
    properties: dict[str, Any] = {"tags": [family]}
    if family == "security":
        properties["security-severity"] = _SECURITY_SEVERITY[rule.severity]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary}."},
        "helpUri": rule_docs_url(rule.id),
        "help": {"text": f"{rule.summary}. See {rule_docs_url(rule.id)}",
                 "markdown": rule_page(rule)},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": properties,
    }


def _result(finding: Finding, location: dict[str, str], index: int | None) -> dict[str, Any]:
    physical = {"artifactLocation": location, "region": _region(finding.span)}
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": physical}],
    }
    if index is not None:
        result["ruleIndex"] = index
    if finding.related:
        result["relatedLocations"] = [
            {"id": number, "message": {"text": related.message},
             "physicalLocation": {"artifactLocation": location, "region": _region(related.span)}}
            for number, related in enumerate(finding.related, start=1)]
    if fixable(finding) and finding.fix is not None:
        result["fixes"] = [{
            "description": {"text": finding.fix.title},
            "artifactChanges": [{
                "artifactLocation": location,
                "replacements": [{"deletedRegion": _region(edit.span),
                                  "insertedContent": {"text": edit.new_text}}
                                 for edit in finding.fix.edits],
            }],
        }]
    return result


def sarif_report(results: Sequence[FileResult], *, version: str, root: Path) -> dict[str, Any]:
    """A SARIF log with one run: every rule, every finding, and files that failed as notices."""
    locate = _Locator(root)
    index = {rule.id: number for number, rule in enumerate(ALL_RULES)}
    sarif_results = [_result(finding, locate(r.path), index.get(finding.rule_id))
                     for r in results for finding in r.findings]
    notifications = [{"level": "error", "message": {"text": r.error},
                      "locations": [{"physicalLocation": {"artifactLocation": locate(r.path)}}]}
                     for r in results if r.error]
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    root_uri = locate.root.as_uri().rstrip("/") + "/"
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "layerwise",
                "version": version,
                "semanticVersion": version,
                "informationUri": HOME_URL,
                "rules": [_rule(rule) for rule in ALL_RULES],
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": root_uri}},
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation],
            "results": sarif_results,
        }],
    }
