"""What a rule is and what it reports."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, ClassVar

from ..syntax.span import Span, TextEdit

if TYPE_CHECKING:
    from ..model.analysis import Analysis


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


@dataclass(frozen=True, slots=True)
class Related:
    """A second place that explains a finding (the layer that added a deleted file)."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Fix:
    """Text edits that resolve a finding; ``safe`` fixes may be applied without review."""

    title: str
    edits: tuple[TextEdit, ...]
    safe: bool = True


@dataclass(frozen=True, slots=True)
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


class InstructionRule(Rule):
    """A rule whose findings at instruction ``index`` depend only on that instruction object,
    its index, the escape character and what :meth:`context` returns.

    ``run_rules`` memoises such findings by instruction identity (the parser reuses the objects
    of unchanged instructions), so :meth:`context` must cover everything else the rule reads.
    """

    #: Instruction names the rule looks at; ``None`` for all.
    names: ClassVar[frozenset[str] | None] = None

    def context(self, analysis: Analysis, index: int) -> Hashable:
        """What the findings at ``index`` read beyond the instruction (default: nothing)."""
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
