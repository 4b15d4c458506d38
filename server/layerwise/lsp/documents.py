"""Open documents and their analyses: the only place the server calls ``analyze()``.

The store keeps each open document's text itself (lines split on CR LF, CR and LF exactly as LSP
and BuildKit count them; Python's ``str.splitlines`` also splits on form feeds and other
separators and would shift every line after one). Each document has one cached analysis and one
list of findings, rebuilt only when its text or its settings change, so every feature reads the
same analysis of the same version.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from pygls.uris import to_fs_path

from ..config import Settings
from ..model.analysis import Analysis, analyze
from ..model.context import DOCKERIGNORE, BuildContext
from ..rules.base import Finding
from ..rules.run import RuleSelection, run_rules
from ..syntax.source import MAX_BYTES, SourceProblem
from ..syntax.span import Span
from . import wire
from .encoding import Codec

__all__ = ["Change", "Document", "DocumentStore"]

logger = logging.getLogger(__name__)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: How far into a document to look for a NUL byte, the sign of a binary file (as the CLI does).
_BINARY_PROBE = 8192



def is_ignore_file(uri: str) -> bool:
    """Whether ``uri`` names an ignore file (``.dockerignore``, ``<Dockerfile>.dockerignore``),
    which a client may send as a document but which is no Dockerfile."""
    return uri.rpartition("/")[2].endswith(DOCKERIGNORE)

class Change(NamedTuple):
    """One content change of ``textDocument/didChange``."""

    range: tuple[int, int, int, int] | None
    """The LSP range replaced (start line, start character, end line, end character), or
    ``None`` for the whole text."""
    text: str


@dataclass(eq=False)
class Document:
    """One open document: its text at one version, as the client sees it."""

    uri: str
    version: int | None
    text: str
    codec: Codec
    language_id: str = "dockerfile"
    revision: int = 0
    """Unique across the session and renewed on every change (clients may reuse versions)."""
    _lines: list[str] | None = field(default=None, repr=False)
    _starts: list[int] | None = field(default=None, repr=False)
    _shift_after: int = field(default=0, repr=False)
    _shift: int = field(default=0, repr=False)
    """What typing added to the line after ``_shift_after``: ``_starts`` of the lines after it
    are short by ``_shift`` (not rewritten at every keystroke)."""

    @property
    def lines(self) -> Sequence[str]:
        """The lines without their line breaks; never empty."""
        if self._lines is None:
            text = self.text
            self._lines = _LINE_BREAK.split(text) if "\r" in text else text.split("\n")
        return self._lines

    @property
    def line_starts(self) -> Sequence[int]:
        """The offset of each line's first character."""
        return self._line_starts()

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            if "\r" in self.text:
                self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
            else:  # every line break is one character
                lines = self.lines
                self._starts = list(itertools.accumulate(
                    (len(line) + 1 for line in lines[:-1]), initial=0))
        elif self._shift:
            after, shift = self._shift_after + 1, self._shift
            self._starts[after:] = [s + shift for s in self._starts[after:]]
            self._shift = 0
        return self._starts

    @functools.cached_property
    def path(self) -> Path | None:
        """The file behind a ``file:`` uri."""
        if not self.uri.startswith("file:"):
            return None
        try:
            fs_path = to_fs_path(self.uri)
        except Exception:  # noqa: BLE001 (a malformed uri is not worth a crash)
            return None
        return Path(fs_path) if fs_path else None

    def apply(self, change: Change) -> None:
        """Apply one content change (incremental with a range, or the whole text).

        A change inside one line that adds no line break (typing) updates the line tables in
        place; any other change has them rebuilt when next needed.
        """
        if change.range is None:
            self.text = change.text
            self._forget_tables()
            return
        start_line, start_col = wire.core_position(self, change.range[0], change.range[1])
        end_line, end_col = wire.core_position(self, change.range[2], change.range[3])
        if (end_line, end_col) < (start_line, start_col):
            start_line, start_col, end_line, end_col = end_line, end_col, start_line, start_col
        start = self._start_of(start_line) + start_col
        end = self._start_of(end_line) + end_col
        self.text = self.text[:start] + change.text + self.text[end:]
        if start_line != end_line or not self._retype(start_line, start_col, end_col,
                                                      change.text):
            self._forget_tables()

    def _forget_tables(self) -> None:
        """Have the line tables rebuilt from the text when next needed."""
        self._lines = self._starts = None
        self._shift = 0

    def _start_of(self, line: int) -> int:
        """The offset of a line's first character (the tables being up to date or shifted)."""
        starts = self._starts
        if starts is None:
            starts = self._line_starts()
        return starts[line] + self._shift if line > self._shift_after else starts[line]

    def _retype(self, line: int, start_col: int, end_col: int, inserted: str) -> bool:
        """Update the line tables for ``inserted`` replacing ``start_col:end_col`` of one line;
        False when that could change the line breaks."""
        lines, starts = self._lines, self._starts
        if lines is None or starts is None or "\n" in inserted or "\r" in inserted:
            return False
        old = lines[line]
        new = old[:start_col] + inserted + old[end_col:]
        if not new:  # a CR before the line and an LF after it would now make one line break
            return False
        lines[line] = new
        delta = len(new) - len(old)
        if delta:
            if self._shift and self._shift_after != line:
                self._line_starts()
            self._shift_after = line
            self._shift += delta
        return True


@dataclass(eq=False)
class _Entry:
    """The cached analysis of one document revision under one set of settings."""

    revision: int
    settings: Settings
    analysis: Analysis
    selection: RuleSelection
    """The settings' rule selection, the same object while they are (the rules memoise on it)."""
    findings: list[Finding] | None = None


class DocumentStore:
    """Open documents by uri, plus one cached analysis each."""

    def __init__(self, settings_for: Callable[[str], Settings]) -> None:
        self._settings_for = settings_for
        self._documents: dict[str, Document] = {}
        self._cache: dict[str, _Entry] = {}
        self._contexts: dict[tuple[Path, Path | None], BuildContext] = {}
        self._revisions = itertools.count(1)
        self.codec = Codec()
        self.context_generation = 0
        """Bumped whenever build contexts are dropped, so pulled results can tell they are stale."""

    # ------------------------------------------------------------------ text sync

    def open(self, uri: str, version: int | None, text: str,
             language_id: str = "dockerfile") -> Document:
        """Start tracking a document (re-opening replaces it)."""
        doc = Document(uri, version, text, self.codec, language_id, next(self._revisions))
        self._documents[uri] = doc
        self._cache.pop(uri, None)
        return doc

    def change(self, uri: str, version: int, changes: Iterable[Change]) -> Document | None:
        """Apply changes; ``None`` when the document is not open."""
        doc = self._documents.get(uri)
        if doc is None:
            logger.warning("change for a document that is not open: %s", uri)
            return None
        for change in changes:
            doc.apply(change)
        doc.version = version
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
                entry.findings = run_rules(entry.analysis, entry.selection)
            except Exception:
                logger.exception("rules failed on %s (version %s)", doc.uri, doc.version)
                entry.findings = []
        return entry.findings

    def result_id(self, doc: Document, settings_epoch: int) -> str:
        """The id of a pulled report of ``doc``: its revision, the settings' epoch and the build
        contexts' generation (what the report depends on)."""
        return f"{doc.revision}.{settings_epoch}.{self.context_generation}"

    def shown_findings(self, doc: Document) -> list[Finding]:
        """The findings shown as diagnostics (none for an ignore file, or when turned off)."""
        if is_ignore_file(doc.uri) or not self.settings(doc).diagnostics.enable:
            return []
        return self.findings(doc)

    def _entry(self, doc: Document) -> _Entry:
        settings = self._settings_for(doc.uri)
        entry = self._cache.get(doc.uri)
        if entry is not None and entry.revision == doc.revision and (
                entry.settings is settings or entry.settings == settings):
            return entry
        previous = entry.analysis if entry is not None else None
        selection = (entry.selection if entry is not None and entry.settings is settings
                     else settings.rule_selection())
        entry = _Entry(doc.revision, settings, self._analyze(doc, settings, previous), selection)
        self._cache[doc.uri] = entry
        return entry

    def _analyze(self, doc: Document, settings: Settings,
                 previous: Analysis | None = None) -> Analysis:
        text = doc.text
        path = doc.path
        if len(text) > MAX_BYTES // 4 and (  # at most 4 bytes a character
                len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES):
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
