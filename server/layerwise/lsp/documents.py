"""Open documents and their analyses: the only place the server calls ``analyze()``.

The store keeps each open document's text itself (lines split on CR LF, CR and LF exactly as LSP
and BuildKit count them; Python's ``str.splitlines`` also splits on form feeds and other
separators and would shift every line after one). Each document has one cached analysis and one
list of findings, rebuilt only when its text or its settings change, so every feature reads the
same analysis of the same version.
"""

from __future__ import annotations

import itertools
import logging
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path
from pygls.workspace.position_codec import PositionCodec

from ..config import Settings
from ..model.analysis import Analysis, analyze
from ..model.context import BuildContext
from ..rules.base import Finding
from ..rules.run import run_rules
from ..syntax.source import MAX_BYTES, SourceProblem
from ..syntax.span import Span
from . import convert

__all__ = ["Document", "DocumentStore"]

logger = logging.getLogger(__name__)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: How far into a document to look for a NUL byte, the sign of a binary file (as the CLI does).
_BINARY_PROBE = 8192


@dataclass(eq=False)
class Document:
    """One open document: its text at one version, as the client sees it."""

    uri: str
    version: int | None
    text: str
    codec: PositionCodec
    language_id: str = "dockerfile"
    revision: int = 0
    """Unique across the session and renewed on every change (clients may reuse versions)."""
    _lines: list[str] | None = field(default=None, repr=False)
    _starts: list[int] | None = field(default=None, repr=False)

    @property
    def lines(self) -> Sequence[str]:
        """The lines without their line breaks; never empty."""
        if self._lines is None:
            self._lines = _LINE_BREAK.split(self.text)
        return self._lines

    @property
    def line_starts(self) -> Sequence[int]:
        """The offset of each line's first character."""
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        return self._starts

    @property
    def path(self) -> Path | None:
        """The file behind a ``file:`` uri."""
        if not self.uri.startswith("file:"):
            return None
        try:
            fs_path = to_fs_path(self.uri)
        except Exception:  # noqa: BLE001 (a malformed uri is not worth a crash)
            return None
        return Path(fs_path) if fs_path else None

    def offset_at(self, pos: types.Position) -> int:
        """The text offset of an LSP position (clamped to the text)."""
        core = convert.from_lsp_position(self, pos)
        return self.line_starts[core.line] + core.col

    def apply(self, change: types.TextDocumentContentChangeEvent) -> None:
        """Apply one content change (incremental with a range, or the whole text).

        A change inside one line that adds no line break (typing) updates the line tables in
        place; any other change has them rebuilt when next needed.
        """
        if isinstance(change, types.TextDocumentContentChangePartial):
            start, end = self.offset_at(change.range.start), self.offset_at(change.range.end)
            if end < start:
                start, end = end, start
            self.text = self.text[:start] + change.text + self.text[end:]
            if not self._retable(start, end, change.text):
                self._lines = self._starts = None
        else:
            self.text = change.text
            self._lines = self._starts = None

    def _retable(self, start: int, end: int, inserted: str) -> bool:
        """Update the line tables for ``inserted`` replacing ``start:end`` within one line;
        False when the change is not of that kind."""
        lines, starts = self._lines, self._starts
        if lines is None or starts is None or "\n" in inserted or "\r" in inserted:
            return False
        line = bisect_right(starts, start) - 1
        first = starts[line]
        if end > first + len(lines[line]):
            return False
        old = lines[line]
        new = old[:start - first] + inserted + old[end - first:]
        if not new:  # a CR before the line and an LF after it would now make one line break
            return False
        lines[line] = new
        delta = len(inserted) - (end - start)
        if delta:
            starts[line + 1:] = [s + delta for s in starts[line + 1:]]
        return True


@dataclass(eq=False)
class _Entry:
    """The cached analysis of one document revision under one set of settings."""

    revision: int
    settings: Settings
    analysis: Analysis
    findings: list[Finding] | None = None


class DocumentStore:
    """Open documents by uri, plus one cached analysis each."""

    def __init__(self, settings_for: Callable[[str], Settings]) -> None:
        self._settings_for = settings_for
        self._documents: dict[str, Document] = {}
        self._cache: dict[str, _Entry] = {}
        self._contexts: dict[tuple[Path, Path | None], BuildContext] = {}
        self._revisions = itertools.count(1)
        self.codec = PositionCodec(types.PositionEncodingKind.Utf16)
        self.context_generation = 0
        """Bumped whenever build contexts are dropped, so pulled results can tell they are stale."""

    # ------------------------------------------------------------------ text sync

    def open(self, item: types.TextDocumentItem) -> Document:
        """Start tracking a document (re-opening replaces it)."""
        doc = Document(item.uri, item.version, item.text, self.codec, item.language_id,
                       next(self._revisions))
        self._documents[item.uri] = doc
        self._cache.pop(item.uri, None)
        return doc

    def change(self, params: types.DidChangeTextDocumentParams) -> Document | None:
        """Apply a change; ``None`` when the document is not open."""
        doc = self._documents.get(params.text_document.uri)
        if doc is None:
            logger.warning("change for a document that is not open: %s",
                           params.text_document.uri)
            return None
        for change in params.content_changes:
            doc.apply(change)
        doc.version = params.text_document.version
        doc.revision = next(self._revisions)
        return doc

    def close(self, uri: str) -> None:
        """Forget a document."""
        self._documents.pop(uri, None)
        self._cache.pop(uri, None)

    def get(self, uri: str) -> Document | None:
        """An open document, or ``None``."""
        return self._documents.get(uri)

    def __iter__(self) -> Iterator[Document]:
        """The open documents (a snapshot: handlers may open or close documents meanwhile)."""
        return iter(list(self._documents.values()))

    def forget_contexts(self) -> None:
        """Re-read build contexts (``.dockerignore``) at the next analysis."""
        self._contexts.clear()
        self._cache.clear()
        self.context_generation += 1

    # ------------------------------------------------------------------ analysis

    def settings(self, doc: Document) -> Settings:
        """The settings in effect for a document."""
        return self._settings_for(doc.uri)

    def analysis(self, doc: Document) -> Analysis:
        """The analysis of the document's current text (cached per revision and settings)."""
        return self._entry(doc).analysis

    def findings(self, doc: Document) -> list[Finding]:
        """The findings of the document's current text under its settings (cached)."""
        entry = self._entry(doc)
        if entry.findings is None:
            try:
                entry.findings = run_rules(entry.analysis, entry.settings.rule_selection())
            except Exception:
                logger.exception("rules failed on %s (version %s)", doc.uri, doc.version)
                entry.findings = []
        return entry.findings

    def _entry(self, doc: Document) -> _Entry:
        settings = self._settings_for(doc.uri)
        entry = self._cache.get(doc.uri)
        if entry is not None and entry.revision == doc.revision and entry.settings == settings:
            return entry
        previous = entry.analysis if entry is not None else None
        entry = _Entry(doc.revision, settings, self._analyze(doc, settings, previous))
        self._cache[doc.uri] = entry
        return entry

    def _analyze(self, doc: Document, settings: Settings,
                 previous: Analysis | None = None) -> Analysis:
        text = doc.text
        path = doc.path
        if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            return _empty(path, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; "
                                "Layerwise does not analyse it")
        if "\x00" in text[:_BINARY_PROBE]:
            return _empty(path, "binary file: this does not look like a Dockerfile")
        context = self._context(path, settings)
        try:
            return analyze(text, path, context, settings.target, previous=previous)
        except Exception as exc:
            logger.exception("analysis failed on %s (version %s)", doc.uri, doc.version)
            return _empty(path, f"Layerwise could not analyse this file ({type(exc).__name__}); "
                                "please report it")

    def _context(self, path: Path | None, settings: Settings) -> BuildContext | None:
        if path is None:
            return None
        context_dir = path.parent / settings.context if settings.context else None
        key = (path, context_dir)
        context = self._contexts.get(key)
        if context is None:
            try:
                context = BuildContext.for_dockerfile(path, context_dir)
            except Exception:
                logger.exception("cannot read the build context of %s", path)
                return None
            self._contexts[key] = context
        return context


def _empty(path: Path | None, message: str) -> Analysis:
    """An analysis of nothing that carries one problem (reported as LW001 on the first line)."""
    return analyze("", path, None, None, (SourceProblem(message, Span.of(0, 0, 0, 0)),))
