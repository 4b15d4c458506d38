"""LW101 unknown-stage-reference."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.stages import Stage, StageRef
from ...patterns import lazy_pattern
from ...syntax.span import TextEdit
from ..base import Finding, Fix, Related, Severity, StructureRule
from ._common import (
    display_line,
    has_variable,
    is_bare_name,
    near_miss,
    ref_is_editable,
    stage_anchor,
)

_SIGNED_NUMBER = lazy_pattern(r"[+-]?[0-9]+")
#: Bare names that are never meant as stages: the empty image and the build context.
_NOT_STAGES = frozenset({"scratch", "context"})


class UnknownStageReference(StructureRule):
    """## What it does
    Reports a stage reference that does not name a stage: a `--from=N` index past the last
    stage, an index in `--mount=from=` (mounts take names only), a name one or two typos
    away from a stage name, and any other bare name in `--from=` or `--mount=from=`, which
    BuildKit quietly treats as an image.

    ## Why it matters
    BuildKit resolves `COPY --from=X` against the stage names first. A name that is no stage
    becomes an image reference, so `--from=buidler` pulls `docker.io/library/buidler:latest`
    (and usually fails with "pull access denied") instead of copying from your `builder` stage.
    A bad index fails the build with "invalid stage index". `FROM` matches stage names
    case-sensitively (moby/buildkit#2003), so `FROM Builder` pulls an image even when a
    stage `builder` exists.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN go build -o /out/app ./cmd/app

    FROM alpine:3.20
    COPY --from=buidler /out/app /usr/local/bin/app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN go build -o /out/app ./cmd/app

    FROM alpine:3.20
    COPY --from=builder /out/app /usr/local/bin/app
    ```

    ## References
    - BuildKit `dockerfile2llb/convert.go`: `toCommand` (a `--from` that is no stage becomes
      an image) and `findStateByIndex` ("invalid stage index")
    - hadolint DL3022
    """

    id = "LW101"
    name = "unknown-stage-reference"
    severity = Severity.ERROR
    summary = "Stage reference does not name a stage"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Check every ``FROM``, ``--from`` and ``--mount=from`` reference."""
        for ref in analysis.refs:
            if ref.kind == "from":
                yield from self._check_from(analysis, ref)
            else:
                yield from self._check_from_flag(analysis, ref)

    def _check_from(self, analysis: Analysis, ref: StageRef) -> Iterator[Finding]:
        """``FROM x`` sees the stages above it only."""
        stage = analysis.stages[ref.stage]
        if ref.resolution == "stage" or not ref.name:
            return
        same = [s for s in analysis.stages[:ref.stage] if s.name == ref.name]
        if same and stage.base != ref.name:
            yield self._case_mismatch(analysis, ref, same[-1])
            return
        if not is_bare_name(ref.name) or ref.name in _NOT_STAGES:
            return
        if ref.name == stage.name or any(
                s.name == ref.name for s in analysis.stages[ref.stage + 1:]):
            return  # an image named like the stage itself, or a forward reference (LW102)
        earlier = [s.name for s in analysis.stages[:ref.stage] if s.name]
        suggestion = near_miss(ref.name, earlier)
        if suggestion is not None:
            yield self._typo(analysis, ref, suggestion)

    def _check_from_flag(self, analysis: Analysis, ref: StageRef) -> Iterator[Finding]:
        """``--from`` sees every stage, then indexes, then images; ``--mount=from`` no indexes."""
        if ref.kind == "mount" and _SIGNED_NUMBER.fullmatch(ref.name):
            yield self._mount_index(analysis, ref)
            return
        if ref.resolution == "bad-index":
            yield self._bad_index(analysis, ref, int(ref.name))
            return
        if ref.resolution != "image" or has_variable(ref.text) or not ref.name:
            return
        if _SIGNED_NUMBER.fullmatch(ref.name):
            number = int(ref.name)
            if not 0 <= number < len(analysis.stages):
                yield self._bad_index(analysis, ref, number)
            return
        if not is_bare_name(ref.name) or ref.name in _NOT_STAGES:
            return
        candidates = [s.name for s in analysis.stages if s.name and s.index != ref.stage]
        suggestion = near_miss(ref.name, candidates)
        if suggestion is not None:
            yield self._typo(analysis, ref, suggestion)
            return
        flag = "--from" if ref.kind == "copy" else "--mount=from"
        yield self.finding(
            ref.span,
            f"'{ref.text}' is not a stage: unless a build context named '{ref.text}' is "
            f"passed, {flag} pulls the image docker.io/library/{ref.name}:latest",
            severity=Severity.HINT)

    def _mount_index(self, analysis: Analysis, ref: StageRef) -> Finding:
        """``--mount=from=0``: BuildKit looks mounts up by name only, so 0 is an image."""
        number = int(ref.name)
        stage = analysis.stages[number] if 0 <= number < len(analysis.stages) else None
        fix = None
        related: tuple[Related, ...] = ()
        if stage is not None:
            related = (Related(stage_anchor(analysis, stage), f"stage {ref.name} starts here"),)
            if stage.name and ref_is_editable(ref):
                fix = Fix(f"Replace with '{stage.name}'", (TextEdit(ref.span, stage.name),))
        instead = f" instead of using stage {ref.name}" if stage is not None else ""
        return self.finding(
            ref.span,
            f"--mount=from takes a stage name, not an index: BuildKit pulls an image named "
            f"'{ref.text}'{instead}",
            related=related, fix=fix)

    def _bad_index(self, analysis: Analysis, ref: StageRef, number: int) -> Finding:
        count = len(analysis.stages)
        plural = "stage" if count == 1 else "stages"
        valid = "0" if count == 1 else f"0 to {count - 1}"
        return self.finding(
            ref.span,
            f"invalid stage index {number}: the Dockerfile has {count} {plural}, "
            f"so the index must be {valid}")

    def _typo(self, analysis: Analysis, ref: StageRef, suggestion: str) -> Finding:
        target = analysis.stage_named(suggestion)
        related: tuple[Related, ...] = ()
        if target is not None:
            related = (Related(stage_anchor(analysis, target),
                               f"stage '{suggestion}' is defined here"),)
        fix = None
        if ref_is_editable(ref):
            fix = Fix(f"Replace with '{suggestion}'", (TextEdit(ref.span, suggestion),))
        return self.finding(
            ref.span, f"unknown stage '{ref.text}', did you mean '{suggestion}'?",
            related=related, fix=fix, data={"suggestion": suggestion})

    def _case_mismatch(self, analysis: Analysis, ref: StageRef, target: Stage) -> Finding:
        """``FROM Builder`` names stage ``builder``, but BuildKit looks it up case-sensitively."""
        stage = analysis.stages[ref.stage]
        name = target.name or ref.name
        fix = None
        if ref_is_editable(ref):
            fix = Fix(f"Replace with '{name}'", (TextEdit(ref.span, name),))
        return self.finding(
            ref.span,
            f"'{stage.base}' does not match stage '{name}' (line "
            f"{display_line(target.start_line)}): FROM compares stage names case-sensitively, "
            f"so BuildKit pulls an image named '{stage.base}'; write '{name}'",
            related=(Related(stage_anchor(analysis, target), f"stage '{name}' is defined here"),),
            fix=fix, data={"suggestion": name})
