"""Stage-by-stage findings of the secret rules that read beyond a stage's lineage.

A few findings read other lineages: a build-secret fix edits every RUN that uses a variable
declared in an ancestor stage (its siblings included), and an ``ENV`` pointing at a copied
file looks for removals in the descendants of each ancestor. Such rules stay plain rules and
reuse each stage's findings while the lineage fact tokens (``rules/inert.py``: these rules
never read a RUN of plain commands without effects) of the stage and of every stage they read
hold (``-1`` stands for the instructions before the first ``FROM``, read with the structure).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass

from ...memo import TokenMap
from ...model.analysis import Analysis
from .. import inert
from ..base import Finding

#: A stage's findings and the other stages whose lineage they read.
StageCheck = Callable[[int], tuple[Iterable[Finding], Collection[int]]]


@dataclass(slots=True)
class _Entry:
    """The findings of one rule in one stage, with the lineage tokens they were made from."""

    findings: tuple[Finding, ...] = ()
    reads: tuple[tuple[int, object], ...] | None = None


#: Each rule's entries by lineage fact token.
_RULES: dict[str, TokenMap[_Entry]] = {}


def staged_findings(rule_id: str, analysis: Analysis, check: StageCheck) -> Iterator[Finding]:
    """Every stage's findings (those before the first FROM first), ``check``-ed again only
    when the lineage of the stage or of a stage it read changed."""
    revision = analysis.revision
    if len(revision.lineages) != len(analysis.stages):
        for stage in range(-1, len(analysis.stages)):
            yield from check(stage)[0]
        return
    lineages = inert.lineage_tokens(analysis)
    entries = _RULES.get(rule_id)
    if entries is None:
        entries = _RULES[rule_id] = TokenMap(1 << 12)
    for stage, token in enumerate((revision.structure, *lineages), -1):
        entry = entries.get(token) or entries.put(token, _Entry())
        reads = entry.reads
        if reads is None or (reads and any(lineages[s] is not t for s, t in reads)):
            found, others = check(stage)
            entry.findings = tuple(found)
            entry.reads = tuple((s, lineages[s]) for s in sorted(others) if 0 <= s != stage)
        yield from entry.findings
