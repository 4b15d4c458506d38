"""Core positions and findings in LSP's JSON form, without lsprotocol.

The core counts columns in code points; LSP counts them in the negotiated position encoding
(UTF-16 unless the client offers UTF-8 or UTF-32). Every conversion goes through a document's
codec, so an emoji or a CJK character before a token never shifts its range. Diagnostics are
built here, as JSON, because the start of a session publishes them before lsprotocol is loaded
(see :mod:`.early`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from ..rules.base import Finding
from ..rules.catalog import rule_docs_url
from ..syntax.span import Position, Span
from .encoding import Codec

__all__ = ["SOURCE", "TextLines", "core_position", "diagnostic_json", "diagnostic_positions",
           "full_report_json", "lsp_position", "publish_json", "range_json"]

#: The ``source`` of every diagnostic.
SOURCE = "layerwise"
#: LSP's ``DiagnosticTag`` values.
_UNNECESSARY, _DEPRECATED = 1, 2


class TextLines(Protocol):
    """What the conversions need from a document: its uri, lines and codec."""

    @property
    def uri(self) -> str:
        """The document's uri."""
        ...

    @property
    def lines(self) -> Sequence[str]:
        """The lines, without their line breaks (split on CR LF, CR and LF, as LSP does)."""
        ...

    @property
    def codec(self) -> Codec:
        """The codec of the negotiated position encoding."""
        ...


def lsp_position(doc: TextLines, pos: Position) -> tuple[int, int]:
    """A core position as the line and character of an LSP position; clamped to the text."""
    lines = doc.lines
    line = max(pos.line, 0)
    if line >= len(lines):
        last = len(lines) - 1
        return last, doc.codec.units(lines[last])
    text = lines[line]
    col = min(max(pos.col, 0), len(text))
    return line, doc.codec.units(text[:col])


def core_position(doc: TextLines, line: int, character: int) -> tuple[int, int]:
    """The line and code-point column of an LSP position, clamped to the text.

    Past the end of a line is its end; past the last line is the end of the file.
    """
    lines = doc.lines
    line = max(line, 0)
    if line >= len(lines):
        return len(lines) - 1, len(lines[-1])
    text = lines[line]
    target = max(character, 0)
    if text.isascii():
        return line, min(target, len(text))
    units = 0
    for col, char in enumerate(text):
        if units >= target:
            return line, col
        units += doc.codec.units(char)
    return line, len(text)


def range_json(doc: TextLines, span: Span) -> dict[str, Any]:
    """A core span as an LSP range."""
    (l0, c0), (l1, c1) = lsp_position(doc, span.start), lsp_position(doc, span.end)
    return {"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}}


def diagnostic_positions(doc: TextLines, finding: Finding) -> tuple[tuple[int, int], ...]:
    """The LSP positions of a finding's range and related ranges: all that its diagnostic
    takes from ``doc`` besides the uri (the same finding at the same positions converts to the
    same diagnostic)."""
    lines = doc.lines
    count = len(lines)
    positions = []
    for span in (finding.span, *(related.span for related in finding.related)):
        for pos in span:
            line, col = pos
            if 0 <= line < count and 0 <= col and (text := lines[line]).isascii():
                positions.append((line, min(col, len(text))))
            else:  # as lsp_position does, in short for the usual case
                positions.append(lsp_position(doc, pos))
    return tuple(positions)


def publish_json(uri: str, version: int | None, diagnostics: list[str]) -> str:
    """``textDocument/publishDiagnostics`` for diagnostics already in JSON text (the message
    pygls writes for the typed notification)."""
    version_member = "" if version is None else f',"version":{version}'
    return (f'{{"params":{{"uri":{json.dumps(uri)},"diagnostics":[{",".join(diagnostics)}]'
            f'{version_member}}},"method":"textDocument/publishDiagnostics","jsonrpc":"2.0"}}')


def full_report_json(result_id: str, diagnostics: list[str]) -> str:
    """A full ``DocumentDiagnosticReport`` (the answer to ``textDocument/diagnostic``) for
    diagnostics already in JSON text."""
    return (f'{{"items":[{",".join(diagnostics)}],"kind":"full",'
            f'"resultId":{json.dumps(result_id)}}}')


def diagnostic_json(doc: TextLines, finding: Finding) -> dict[str, Any]:
    """A finding as a diagnostic, with everything a code action needs in ``data``."""
    data: dict[str, Any] = {"id": finding.rule_id, "name": finding.name,
                            "fix": finding.fix is not None}
    if finding.data:
        data["args"] = dict(finding.data)
    diagnostic: dict[str, Any] = {
        "range": range_json(doc, finding.span),
        "message": finding.message,
        "severity": int(finding.severity),
        "code": finding.rule_id,
        "codeDescription": {"href": rule_docs_url(finding.rule_id)},
        "source": SOURCE,
    }
    tags = [tag for tag, on in ((_UNNECESSARY, finding.unnecessary),
                                (_DEPRECATED, finding.deprecated)) if on]
    if tags:
        diagnostic["tags"] = tags
    if finding.related:
        diagnostic["relatedInformation"] = [
            {"location": {"uri": doc.uri, "range": range_json(doc, related.span)},
             "message": related.message} for related in finding.related]
    diagnostic["data"] = data
    return diagnostic
