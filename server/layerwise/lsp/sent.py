"""The diagnostics of each open document as last sent, in JSON text."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple

from . import wire

if TYPE_CHECKING:
    from ..rules.base import Finding
    from ..syntax.span import Span
    from .documents import Document, DocumentStore

__all__ = ["SentDiagnostics"]


class _Sent(NamedTuple):
    """A finding as last sent: its diagnostic's positions and JSON text."""

    finding: Finding
    positions: tuple[tuple[int, int], ...]
    json: str


class SentDiagnostics:
    """Converts the diagnostics of document versions, reusing what was sent before.

    Most findings are the same from one version to the next (often the same objects): a
    finding equal to one last sent, at the same positions, reuses its JSON.
    """

    def __init__(self) -> None:
        self._sent: dict[str, dict[tuple[str, Span], _Sent]] = {}

    def items(self, documents: DocumentStore, doc: Document) -> list[str]:
        """The diagnostics of a document's current version, each in JSON text."""
        before = self._sent.get(doc.uri, {})
        now: dict[tuple[str, Span], _Sent] = {}
        items = []
        for finding in documents.shown_findings(doc):
            key = (finding.rule_id, finding.span)
            positions = wire.diagnostic_positions(doc, finding)
            sent = before.get(key)
            if sent is None or sent.positions != positions or (
                    sent.finding is not finding and sent.finding != finding):
                sent = _Sent(finding, positions, json.dumps(
                    wire.diagnostic_json(doc, finding), separators=(",", ":")))
            now[key] = sent
            items.append(sent.json)
        self._sent[doc.uri] = now
        return items

    def forget(self, uri: str) -> None:
        """Drop what was sent for a closed document."""
        self._sent.pop(uri, None)
