"""What a rule is and what it reports."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import field
from enum import Enum, IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from ..record import record
from ..syntax.span import Position, Span, TextEdit

if TYPE_CHECKING:
    from ..model.analysis import Analysis
    from ..model.stages import Stage


class Severity(IntEnum):
    """Severities, numbered as LSP's DiagnosticSeverity."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read ``error``, ``warning``, ``info``/``information`` or ``hint``."""
        key = text.strip().lower()
        key = {"info": "information", "warn": "warning"}.get(key, key)
        return cls[key.upper()]

    @property
    def label(self) -> str:
        """Lower-case name used in reports (``info`` for INFORMATION)."""
        return "info" if self is Severity.INFORMATION else self.name.lower()


@record
class Related:
    """A second place that explains a finding (the layer that added a deleted file)."""

    span: Span
    message: str


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@record
class FileEdit:
    """Lines to add at the end of a file other than the Dockerfile (an ignore file).

    ``path`` is absolute; ``create`` tells that the file did not exist when the fix was made.
    The edits are computed from the file's text when the fix is applied (an editor may hold
    unsaved changes, a cached analysis may be older than the file): see :meth:`text_edits`.
    """

    path: Path
    lines: tuple[str, ...]
    create: bool = False

    def missing(self, text: str) -> tuple[str, ...]:
        """The lines ``text`` lacks (compared without surrounding blanks), once each."""
        present = {line.strip() for line in _LINE_BREAK.split(text)}
        return tuple(line for line in dict.fromkeys(self.lines) if line.strip() not in present)

    def text_edits(self, text: str) -> tuple[TextEdit, ...]:
        """The edit that appends the missing lines to ``text`` (none when nothing is missing).

        A last line without a line break gets one first; the file's line break style is kept.
        Positions count lines as LSP does (CR LF, CR and LF).
        """
        lines = self.missing(text)
        if not lines:
            return ()
        rows = _LINE_BREAK.split(text)
        end = Position(len(rows) - 1, len(rows[-1]))
        newline = "\r\n" if "\r\n" in text else "\n"
        lead = newline if rows[-1] else ""
        return (TextEdit(Span(end, end), lead + "".join(line + newline for line in lines)),)


@record
class Fix:
    """Edits that resolve a finding; ``safe`` fixes may be applied without review.

    ``edits`` change the Dockerfile, ``files`` other files; a fix with ``files`` is never safe
    (``check --fix`` and "fix all" rewrite the Dockerfile alone).
    """

    title: str
    edits: tuple[TextEdit, ...]
    safe: bool = True
    files: tuple[FileEdit, ...] = ()

    def __post_init__(self) -> None:
        if self.files and self.safe:
            raise ValueError(f"fix {self.title!r} edits other files: it cannot be safe")


@record
class Finding:
    """One problem at one place."""

    rule_id: str
    name: str
    severity: Severity
    message: str
    span: Span
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    unnecessary: bool = False
    deprecated: bool = False
    data: Mapping[str, str] = field(default_factory=dict)


class Rule:
    """A rule: metadata plus a pure ``check`` over one analysis.

    The class docstring is the rule's documentation page; it has the sections
    "What it does", "Why it matters", "Example" (fires) and "Use instead" (silent).
    """

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Yield the rule's findings."""
        raise NotImplementedError

    def finding(self, span: Span, message: str, *, severity: Severity | None = None,
                related: tuple[Related, ...] = (), fix: Fix | None = None,
                unnecessary: bool = False, deprecated: bool = False,
                data: Mapping[str, str] | None = None) -> Finding:
        """Build a finding of this rule."""
        return Finding(self.id, self.name, severity or self.severity, message, span, related,
                       fix, unnecessary, deprecated, data or {})


class Reads(Enum):
    """What a memoised rule's findings depend on, besides its :meth:`~InstructionRule.context`.

    The tokens of :class:`~layerwise.model.revision.Revision` stand for these parts; a finding
    is recomputed when the token of what it reads changes.
    """

    INSTRUCTION = "instruction"
    """Its own instruction (object and index) and the escape character only."""
    STRUCTURE = "structure"
    """Also the stages, stage references, variable scopes, graph, target and build context,
    i.e. the ``FROM``/``ARG``/``ENV``/``ONBUILD`` instructions and the ``--from`` flags (other
    instructions only through their lines, which stay put while the structure holds)."""
    STAGE = "stage"
    """Also every node of the instruction's stage (its other instructions, comments, blanks)."""
    LINEAGE = "lineage"
    """Also every node of the stage's lineage: its ``FROM <stage>`` ancestors and the stages
    built ``FROM`` it (layers, working directories, later removals). Stages linked by
    ``--from`` or ``--mount=from`` only are not part of it."""


class InstructionRule(Rule):
    """A rule whose findings at instruction ``index`` depend only on what :attr:`reads` names,
    and on what :meth:`context` returns for the analysis.

    ``run_rules`` memoises such findings by instruction identity (the parser reuses the objects
    of unchanged instructions) and by the revision tokens of what the rule reads, so
    :attr:`reads` and :meth:`context` must cover everything the findings are made of.
    """

    #: What the findings depend on beyond their instruction.
    reads: ClassVar[Reads] = Reads.INSTRUCTION

    #: False when the findings at other instructions never depend on the text of a RUN that
    #: ``rules.inert.inert`` accepts (plain commands without effects): typing in such a RUN
    #: then re-checks that RUN only (see ``rules/inert.py``).
    reads_inert_runs: ClassVar[bool] = True

    #: Instruction names the rule looks at; ``None`` for all.
    names: ClassVar[frozenset[str] | None] = None

    def context(self, analysis: Analysis) -> Hashable:
        """What the findings read beyond their instruction (default: nothing); when it changes,
        every instruction is checked again."""
        return None

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Yield the findings at one instruction."""
        raise NotImplementedError

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Check every instruction the rule looks at, in order."""
        names = self.names
        for index, inst in enumerate(analysis.instructions):
            if names is None or inst.name in names:
                yield from self.check_instruction(analysis, index)


class StageRule(Rule):
    """A rule checked stage by stage: the findings of a stage depend only on the structure and
    the stage's own nodes (:attr:`Reads.STAGE`, also meant by the weaker levels) or also on its
    lineage (:attr:`Reads.LINEAGE`), so ``run_rules`` re-checks only the stages an edit
    touched."""

    #: What the findings of a stage depend on.
    reads: ClassVar[Reads] = Reads.LINEAGE

    #: False when the findings never depend on the text of a RUN that ``rules.inert.inert``
    #: accepts, before or after an edit (such a RUN has no findings of this rule either).
    reads_inert_runs: ClassVar[bool] = True

    def check_stage(self, analysis: Analysis, stage: Stage) -> Iterator[Finding]:
        """Yield the findings of one stage."""
        raise NotImplementedError

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Check every stage, in order."""
        for stage in analysis.stages:
            yield from self.check_stage(analysis, stage)


class StructureRule(Rule):
    """A whole-document rule whose findings depend on the structure only (see
    :attr:`Reads.STRUCTURE`): ``run_rules`` reuses them while the structure holds."""
