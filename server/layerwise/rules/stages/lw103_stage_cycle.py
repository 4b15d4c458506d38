"""LW103 stage-cycle."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.stages import Stage, StageRef
from ..base import Finding, Related, Severity, StructureRule


def _label(stage: Stage) -> str:
    """The stage as BuildKit names it in its error (``stage-2`` when unnamed)."""
    return stage.name or f"stage-{stage.index}"


def _verb(ref: StageRef) -> str:
    return {"copy": "copies from", "mount": "mounts", "from": "is based on"}[ref.kind]


def _real_edge(ref: StageRef) -> bool:
    """Tell whether BuildKit links the stages: ``--mount=from=0`` is an image, not stage 0."""
    return not (ref.kind == "mount" and ref.resolution == "index")


class StageCycle(StructureRule):
    """## What it does
    Reports stages that depend on each other in a circle through `FROM`, `COPY --from` or
    `RUN --mount=from`, including a stage that copies from itself. The message lists the
    cycle.

    ## Why it matters
    BuildKit refuses the whole build with "circular dependency detected on stage", whatever
    target you ask for.

    ## Example
    ```dockerfile
    FROM busybox AS stage0
    COPY --from=stage2 f1 /sub/
    FROM busybox AS stage1
    COPY --from=stage0 f2 /sub/
    FROM busybox AS stage2
    COPY --from=stage1 f2 /sub/
    ```

    ## Use instead
    ```dockerfile
    FROM busybox AS stage0
    RUN echo f1 > /f1
    FROM busybox AS stage1
    COPY --from=stage0 /f1 /sub/
    FROM busybox AS stage2
    COPY --from=stage1 /sub/f1 /sub/
    ```

    ## References
    - BuildKit `dockerfile2llb/validations.go` `validateCircularDependency`, and the
      fixtures of `convert_test.go` `TestDockerfileCircularDependencies`
    - hadolint DL3023; trivy DS-0006
    """

    id = "LW103"
    name = "stage-cycle"
    severity = Severity.ERROR
    summary = "Stages depend on each other in a cycle"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Report each cycle of the stage graph once, at its first edge."""
        stages = analysis.stages
        for cycle in analysis.graph.cycles:
            edges: list[StageRef] = []
            for k, node in enumerate(cycle):
                needed = cycle[(k + 1) % len(cycle)]
                ref = next((r for r in analysis.refs
                            if r.stage == node and r.target == needed and _real_edge(r)), None)
                if ref is None:
                    break
                edges.append(ref)
            else:
                yield self._report(stages, cycle, edges)

    def _report(self, stages: tuple[Stage, ...], cycle: tuple[int, ...],
                edges: list[StageRef]) -> Finding:
        first = stages[cycle[0]]
        path = " → ".join(_label(stages[i]) for i in (*cycle, cycle[0]))
        if len(cycle) == 1:
            message = (f"stage '{_label(first)}' {_verb(edges[0])} itself: "
                       f"circular dependency {path}")
        else:
            message = f"circular dependency between stages: {path}"
        related = tuple(
            Related(ref.span, f"'{_label(stages[ref.stage])}' {_verb(ref)} "
                              f"'{_label(stages[ref.target or 0])}' here")
            for ref in edges[1:])
        return self.finding(edges[0].span, message, related=related,
                            data={"cycle": ",".join(str(i) for i in cycle)})
