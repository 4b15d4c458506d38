"""LW216 copy-whole-filesystem."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.variables import expand
from ..base import Finding, InstructionRule, Reads, Severity
from ._layers import in_chain, instruction

#: Images built ``FROM scratch`` that only hold helper files (the ``xx`` cross-compile idiom).
_ARTIFACT_IMAGES = ("tonistiigi/xx", "docker.io/tonistiigi/xx")


class CopyWholeFilesystem(InstructionRule):
    """## What it does
    Reports `COPY --from=<stage or image> / <dst>` in the image: a copy of a whole root
    filesystem. Stages and images built `FROM scratch` that only hold artifacts (such as
    `tonistiigi/xx`) stay silent.

    ## Why it matters
    The copy brings everything of the source along: its package manager, caches, toolchain
    and documentation, none of which the image asked for. Copy the paths you need.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /out/app ./cmd/app

    FROM debian:12-slim
    COPY --from=build / /
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /out/app ./cmd/app

    FROM debian:12-slim
    COPY --from=build /out/app /usr/local/bin/app
    ```

    ## References
    - hadolint DL3067
    """

    id = "LW216"
    name = "copy-whole-filesystem"
    severity = Severity.INFORMATION
    summary = "COPY --from copies a whole filesystem"

    names = frozenset({"COPY"})
    reads = Reads.STRUCTURE  # chain membership, the stage copied from

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report a root copy from a stage or image that is not artifact-only, in the image."""
        layer = analysis.layer_at(index)
        if layer is None or not in_chain(analysis, layer):
            return
        if layer.copy_from is None:
            return
        inst = instruction(analysis, layer)
        tokens = inst.exec_args if inst.json else inst.words
        roots = [t for t in tokens[:-1]
                 if posixpath.normpath(posixpath.join("/", t.value)) == "/"]
        if not roots or _artifact_only(analysis, layer.instruction):
            return
        yield self.finding(
            roots[0].span,
            f"COPY --from={layer.copy_from} / copies its whole filesystem into this layer "
            "(package manager, caches, toolchain); copy the paths you need")


def _artifact_only(analysis: Analysis, index: int) -> bool:
    """A source built ``FROM scratch`` (or a known artifact-only image)."""
    ref = next((r for r in analysis.refs if r.kind == "copy" and r.instruction == index), None)
    if ref is None:
        return False
    if ref.target is None:
        return _artifact_image(ref.name)
    current: int | None = ref.target
    seen: set[int] = set()
    while current is not None and current not in seen:
        seen.add(current)
        stage = analysis.stages[current]
        if stage.base_stage is None:
            base = expand(stage.base, analysis.global_scope, analysis.dockerfile.escape).value
            return base.lower() == "scratch" or _artifact_image(base.lower())
        current = stage.base_stage
    return False


def _artifact_image(name: str) -> bool:
    """Tell whether an image reference names a known artifact-only image."""
    return name.split("@", 1)[0].split(":", 1)[0] in _ARTIFACT_IMAGES
