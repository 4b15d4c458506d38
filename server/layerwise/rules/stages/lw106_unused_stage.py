"""LW106 unused-stage."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.stages import Stage
from ...patterns import lazy_pattern
from ...syntax.span import TextEdit
from ..base import Finding, Fix, Rule, Severity
from ._common import (
    by_structure,
    instructions_of,
    stage_anchor,
    stage_block,
    stage_title,
    used_stages,
    whole_lines,
)

#: Names people give stages they build with ``--target`` (CI, tooling, dev environments).
_TARGET_NAME = lazy_pattern(
    r"test.*|lint|dev.*|debug|ci|release|binaries|artifacts|.*-coverage|vendor.*|validate.*")
#: The same conventions as one word of a longer name (``unit-test``, ``go-lint``,
#: ``validate-toc``), plus the generator and export targets of bake files (``update``).
_TARGET_WORD = lazy_pattern(
    r"tests?|testing|lint|linter|lints|dev|devel|develop|development|debug|ci|release|"
    r"binaries|artifacts|coverage|vendor|validate|validation|verify|check|checks|update|"
    r"generate|gen|fmt|format|analyze|analyse|docs|e2e|integration|bench|output|export|fix")
_SEPARATORS = lazy_pattern(r"[-_.]")


def conventional_target(name: str) -> bool:
    """Tell whether a stage name says it is built on purpose with ``--target``."""
    if _TARGET_NAME.fullmatch(name):
        return True
    return any(_TARGET_WORD.fullmatch(word) for word in _SEPARATORS.split(name))


class UnusedStage(Rule):
    """## What it does
    Flags a stage that is not the last one, that no `FROM`, `COPY --from` or
    `RUN --mount=from` refers to, and that is not a build target (configured in the
    workspace, or conventionally named like `test`, `lint`, `dev`, `debug` or `release`).

    ## Why it matters
    BuildKit only builds the stages the target needs, so this stage's work is skipped: often
    a forgotten `COPY --from` (the image lacks what the stage builds). The legacy builder
    still builds it, which only costs time.

    ## Example
    ```dockerfile
    FROM maven:3.9 AS build
    RUN mvn -q package

    FROM eclipse-temurin:21-jre
    COPY target/app.jar /app.jar
    ```

    ## Use instead
    ```dockerfile
    FROM maven:3.9 AS build
    RUN mvn -q package

    FROM eclipse-temurin:21-jre
    COPY --from=build /target/app.jar /app.jar
    ```

    ## References
    - Docker docs, multi-stage builds: "Differences between legacy builder and BuildKit"
    """

    id = "LW106"
    name = "unused-stage"
    severity = Severity.HINT
    summary = "Stage is never used"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Report stages nothing uses, except the last one and the targets.

        Which stages nothing uses follows from the structure. Whether one only exports
        files, and the fix (its lines, the comments above it, the blank lines below), read its
        nodes and the comments above its ``FROM``, which are nodes of the stage before: the
        finding is reused while both stages' tokens hold.
        """
        revision = analysis.revision
        for stage in by_structure(analysis, self.id, _unused):
            i = stage.index
            around = (revision.stages[i], revision.stages[i - 1] if i else None)
            yield from by_structure(analysis, (self.id, i), self._stage, stage, also=around)

    def _stage(self, analysis: Analysis, stage: Stage) -> tuple[Finding, ...]:
        """The finding of an unused stage, unless it only exports files."""
        if _export_stage(analysis, stage):
            return ()
        return (self.finding(
            stage_anchor(analysis, stage),
            f"{stage_title(stage)} is never used: no FROM, --from or --mount=from "
            "refers to it and it is not the build target, so BuildKit skips it",
            unnecessary=True, fix=self._remove(analysis, stage)),)

    def _remove(self, analysis: Analysis, stage: Stage) -> Fix | None:
        """Delete the stage's lines, unless later stages are referenced by index."""
        if any(ref.resolution == "index" and ref.target is not None and ref.target > stage.index
               for ref in analysis.refs):
            return None
        first, last = stage_block(analysis, stage)
        return Fix(f"Remove {stage_title(stage)}",
                   (TextEdit(whole_lines(first, last), ""),), safe=False)


def _unused(analysis: Analysis) -> tuple[Stage, ...]:
    """The stages, but the last one, that no reference names and that are no target (the
    workspace's or a conventional one) and no duplicate (structure only)."""
    used = used_stages(analysis)
    target = analysis.graph.target
    return tuple(stage for stage in analysis.stages[:-1]
                 if stage.index != target and stage.index not in used
                 and not (stage.name and conventional_target(stage.name))
                 and not _duplicated(analysis, stage))


def _duplicated(analysis: Analysis, stage: Stage) -> bool:
    """Another stage has the same name (LW104): which one a reference gets is BuildKit's call."""
    return stage.name is not None and any(
        s.name == stage.name for s in analysis.stages if s is not stage)


def _export_stage(analysis: Analysis, stage: Stage) -> bool:
    """A ``FROM scratch`` stage that only copies files: an ``--output`` target of bake files."""
    if stage.base != "scratch" or stage.base_stage is not None:
        return False
    instructions = instructions_of(analysis)
    body = [instructions[i] for i in stage.instructions[1:]]
    return bool(body) and all(inst.name in ("COPY", "ADD") for inst in body)
