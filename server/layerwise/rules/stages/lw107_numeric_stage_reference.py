"""LW107 numeric-stage-reference."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.stages import Stage, StageRef
from ...syntax.span import Span, TextEdit
from ..base import Finding, Fix, Related, Severity, StructureRule
from ._common import from_instruction, match_case, ref_is_editable, stage_anchor


class NumericStageReference(StructureRule):
    """## What it does
    Flags `COPY --from=0`: a stage referenced by its position instead of its name.
    (`RUN --mount=from=0` does not select a stage at all; LW101 reports it.)

    ## Why it matters
    Indexes silently point at another stage as soon as a stage is added, removed or
    reordered above. Names survive reordering and say what is copied.

    ## Example
    ```dockerfile
    FROM golang:1.22
    RUN go build -o /out/app .

    FROM alpine:3.20
    COPY --from=0 /out/app /app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /out/app .

    FROM alpine:3.20
    COPY --from=build /out/app /app
    ```

    ## References
    - Docker docs, multi-stage builds: "Name your build stages"
    """

    id = "LW107"
    name = "numeric-stage-reference"
    severity = Severity.INFORMATION
    summary = "Stage is referenced by index instead of by name"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Report each numeric ``--from``, with a fix that names the stage."""
        for ref in analysis.refs:
            if ref.kind != "copy" or ref.resolution != "index" or ref.target is None:
                continue  # `--mount=from=0` names an image, not a stage: LW101 reports it
            stage = analysis.stages[ref.target]
            if stage.name:
                message = (f"--from={ref.text} refers to stage '{stage.name}' by index: "
                           f"use its name, which survives reordering")
            else:
                message = (f"--from={ref.text} refers to stage {stage.index} by index: name the "
                           f"stage (FROM … AS name) and use the name, which survives reordering")
            yield self.finding(
                ref.span, message,
                related=(Related(stage_anchor(analysis, stage),
                                 f"stage {stage.index} starts here"),),
                fix=_fix(analysis, stage))


def _fix(analysis: Analysis, stage: Stage) -> Fix | None:
    """Name the stage if needed and rewrite every numeric reference to it."""
    numeric = [r for r in analysis.refs
               if r.kind == "copy" and r.resolution == "index" and r.target == stage.index]
    if not all(ref_is_editable(r) for r in numeric):
        return None
    edits: list[TextEdit] = []
    name = stage.name
    if name is None:
        inst = from_instruction(analysis, stage)
        if stage.base_token is None or len(inst.words) != 1:
            return None
        name = _free_name(analysis, f"stage-{stage.index}")
        keyword = match_case("AS", inst.keyword.value)
        end = stage.base_token.span.end
        edits.append(TextEdit(Span(end, end), f" {keyword} {name}"))
        title = f"Name stage {stage.index} '{name}' and use the name"
    else:
        title = f"Use the stage name '{name}'"
    edits.extend(TextEdit(r.span, name) for r in _ordered(numeric))
    return Fix(title, tuple(edits))


def _free_name(analysis: Analysis, wanted: str) -> str:
    """``wanted``, or ``wanted-2``… when a stage already has that name."""
    taken = {s.name for s in analysis.stages if s.name}
    name, k = wanted, 2
    while name in taken:
        name, k = f"{wanted}-{k}", k + 1
    return name


def _ordered(refs: list[StageRef]) -> list[StageRef]:
    return sorted(refs, key=lambda r: r.span.start)
