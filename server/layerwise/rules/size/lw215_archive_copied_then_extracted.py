"""LW215 archive-copied-then-extracted."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPath
from ...syntax.span import TextEdit
from ..base import Finding, Fix, InstructionRule, Reads, Related, Severity
from ._edits import checked_fix, delete_instruction, drop_operand, insert_after, locate_path
from ._layers import (
    Hit,
    chain_layers,
    created,
    file_class,
    in_chain,
    instruction,
    layer_line,
    line_of,
    overlaps,
    removes,
)


class ArchiveCopiedThenExtracted(InstructionRule):
    """## What it does
    Reports a `COPY` of a local archive (`.tar.gz`, `.tgz`, `.zip`, …) that a later `RUN`
    of the image extracts.

    ## Why it matters
    The archive stays in the `COPY` layer next to its extracted contents, so the image
    carries the data twice, and deleting the archive afterwards does not help. Bind-mount the
    archive for the `RUN` that extracts it, or let `ADD` extract a local tar archive.

    ## Example
    ```dockerfile
    FROM debian:12
    COPY vendor.tar.gz /tmp/vendor.tar.gz
    RUN tar -xzf /tmp/vendor.tar.gz -C /opt
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN --mount=type=bind,source=vendor.tar.gz,target=/tmp/vendor.tar.gz \\
        tar -xzf /tmp/vendor.tar.gz -C /opt
    ```

    ## References
    - hadolint DL3010
    - Docker docs, Dockerfile best practices: ADD or COPY
    """

    id = "LW215"
    name = "archive-copied-then-extracted"
    severity = Severity.WARNING
    summary = "Archive copied into a layer and extracted by a later RUN"

    names = frozenset({"COPY"})
    reads = Reads.LINEAGE  # later extractions in the image chain
    reads_inert_runs = False

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Match a copied archive of the image with a later extraction."""
        layer = analysis.layer_at(index)
        if layer is None or not in_chain(analysis, layer):
            return
        chain = chain_layers(analysis)
        inst = instruction(analysis, layer)
        if inst.flag("from") is not None or inst.heredocs:
            return
        for copied in created(analysis, layer):
            if file_class(copied.path) != "archive" or not copied.effect.exact:
                continue
            use = _extraction(chain, layer, copied)
            if use is None:
                continue
            user, read = use
            yield self.finding(
                copied.span,
                f"the archive copied here is extracted at line {line_of(read)} and stays "
                "in this layer next to its contents: bind-mount it for that RUN instead",
                related=(Related(read.span, f"{copied.path} is extracted here"),),
                fix=_bind(analysis, Hit(layer, copied), user, chain))


def _extraction(chain: tuple[Layer, ...], layer: Layer,
                copied: LayerPath) -> tuple[Layer, LayerPath] | None:
    """The first later RUN that extracts a copied archive (before anything replaces it)."""
    for other in chain:
        if other.instruction <= layer.instruction:
            continue
        for read in other.inputs:
            if read.kind == "extract" and read.covers(copied.path):
                return other, read
        if any(removes(r.effect, copied.path, False) for r in other.removed) or any(
                c.covers(copied.path) for c in other.created):
            return None
    return None


def _bind(analysis: Analysis, copied: Hit, user: Layer, chain: tuple[Layer, ...]) -> Fix | None:
    """Delete the COPY and bind-mount the archive where the extracting RUN expects it."""
    copy = instruction(analysis, copied.layer)
    if copy.json or len(copy.words) != 2 or any(
            f.name not in ("chown", "link") for f in copy.flags):
        return None
    source = copy.words[0].value
    target = copied.path.path
    if any(c in source + target for c in "*?[$,= \t\"'"):
        return None
    path = copied.path.path
    for other in chain:
        if other.instruction <= copied.layer.instruction or other is user:
            continue
        if any(overlaps(p.path, path, False) for p in (*other.inputs, *other.modified,
                                                         *other.removed, *other.created)):
            return None
    edits: list[TextEdit] = [delete_instruction(analysis, copied.layer.instruction)]
    run = instruction(analysis, user)
    edits.append(insert_after(run.keyword.span, f" --mount=type=bind,source={source},"
                                                f"target={target}"))
    for removal in user.removed:
        if not removes(removal.effect, path, False):
            continue
        if removal.kind != "rm" or removal.path != path:
            return None
        found = locate_path(user, removal)
        if found is None:
            return None
        source_of, index = found
        command = source_of.script.commands[index]
        word = next((w for w in command.args if w.start == removal.effect.start), None)
        operands = [w for w in command.args if not (w.value or "").startswith("-")]
        dropped = None if word is None else drop_operand(analysis, user, source_of, index, word,
                                                         operands)
        if dropped is None:
            return None
        edits.extend(dropped)
    if any(overlaps(p.path, path, False) for p in user.modified):
        return None
    line = layer_line(analysis, user)
    return checked_fix(f"Bind-mount {source} for the RUN at line {line}", tuple(edits),
               safe=False)
