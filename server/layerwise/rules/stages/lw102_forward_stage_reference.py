"""LW102 forward-stage-reference."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.stages import Stage, StageRef
from ...record import replace
from ..base import Finding, Fix, Related, Rule, Severity
from ._common import (
    by_structure,
    display_line,
    later_stage_named,
    move_stage_edits,
    stage_anchor,
    stage_title,
)


def _needs(analysis: Analysis, start: int, wanted: int) -> bool:
    """Tell whether stage ``start`` depends, directly or not, on stage ``wanted``."""
    seen = {start}
    todo = [start]
    while todo:
        for dep in analysis.graph.deps[todo.pop()]:
            if dep == wanted:
                return True
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return False


def _defined_here(analysis: Analysis, stage: Stage) -> tuple[Related, ...]:
    return (Related(stage_anchor(analysis, stage), f"stage '{stage.name}' is defined here"),)


class ForwardStageReference(Rule):
    """## What it does
    Reports a reference to a stage that is defined further down the file: `FROM Y`,
    `COPY --from=Y` or `RUN --mount=from=Y`. It is an Error when the stage holding the
    reference is built for the target, and a Warning when only another target builds it.

    ## Why it matters
    BuildKit builds stages in file order. `FROM` only sees the stages above it, so `FROM Y`
    with `Y` defined later is an image reference: the build pulls `docker.io/library/Y` or
    fails, instead of building on your stage. `--from` does find the later stage, but since
    BuildKit 0.13 the build stops with "cannot copy from stage "y", it needs to be defined
    before current stage" (before that, the copy could silently copy nothing).

    ## Example
    ```dockerfile
    FROM base AS app
    COPY . /app

    FROM python:3.12-slim AS base
    RUN pip install --no-cache-dir flask
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim AS base
    RUN pip install --no-cache-dir flask

    FROM base AS app
    COPY . /app
    ```

    ## References
    - BuildKit `dockerfile2llb/convert.go`: `addState` (FROM resolves earlier stages only),
      the dispatch loop ("cannot copy from stage"), commit 0615bb4b9 "dockerfile: validate
      order when linking stages", and the `testOutOfOrderStage` integration test
    - hadolint DL3022
    """

    id = "LW102"
    name = "forward-stage-reference"
    severity = Severity.WARNING
    summary = "Stage is referenced before it is defined"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Report forward references (found from the structure, reused while it holds), with
        a fix that moves the stage: its lines and the comments above it are read anew."""
        for finding, later, user in by_structure(analysis, self.id, self._found):
            yield replace(finding, fix=self._move(analysis, later, user))

    def _found(self, analysis: Analysis) -> tuple[tuple[Finding, Stage, Stage], ...]:
        """Each forward reference's finding (without a fix), the stage it names and its own."""
        found = []
        for ref in analysis.refs:
            if ref.kind == "from":
                finding = self._from(analysis, ref)
            else:
                if ref.resolution != "stage" or ref.target is None or ref.target <= ref.stage:
                    continue
                if _needs(analysis, ref.target, ref.stage):
                    continue  # a cycle: LW103 reports it, and no move can fix it
                finding = self._flag(analysis, ref, analysis.stages[ref.target])
            if finding is not None:
                found.append(finding)
        return tuple(found)

    def _flag(self, analysis: Analysis, ref: StageRef,
              later: Stage) -> tuple[Finding, Stage, Stage]:
        """``--from=Y`` with Y further down: BuildKit stops when it builds this stage."""
        user = analysis.stages[ref.stage]
        flag = "--from" if ref.kind == "copy" else "--mount=from"
        built = ref.stage in analysis.graph.reachable
        consequence = ("the build fails" if built
                       else "building a target that needs this stage fails")
        return self.finding(
            ref.span,
            f"{flag}={ref.text} refers to stage '{later.name}', which is defined later "
            f"(line {display_line(later.start_line)}): BuildKit builds stages in file order, "
            f"so {consequence}; define '{later.name}' above the stage that uses it",
            severity=Severity.ERROR if built else Severity.WARNING,
            related=_defined_here(analysis, later)), later, user

    def _from(self, analysis: Analysis, ref: StageRef) -> tuple[Finding, Stage, Stage] | None:
        """``FROM Y`` with Y only further down: BuildKit takes Y as an image."""
        user = analysis.stages[ref.stage]
        if ref.resolution != "image" or not ref.name:
            return None
        if ref.name == user.name:
            return None  # `FROM node AS node`: the image, named like the stage
        later = later_stage_named(analysis, ref.name, ref.stage)
        if later is None:
            return None
        return self.finding(
            ref.span,
            f"stage '{later.name}' is defined later (line {display_line(later.start_line)}): "
            f"FROM only sees the stages above it, so BuildKit pulls an image named "
            f"'{user.base or ref.name}' instead",
            severity=Severity.ERROR,
            related=_defined_here(analysis, later)), later, user

    def _move(self, analysis: Analysis, later: Stage, user: Stage) -> Fix | None:
        edits = move_stage_edits(analysis, later, user)
        if edits is None:
            return None
        return Fix(f"Move stage '{later.name}' above {stage_title(user)}", edits, safe=False)
