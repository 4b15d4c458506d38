"""LW210 update-without-install."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPackages
from ..base import Finding, Fix, InstructionRule, Reads, Related, Severity
from ._edits import checked_fix, command_text, delete_command, insert_before_command, locate_op
from ._layers import chain_layers, in_chain, line_of, lone_update, op_span


class UpdateWithoutInstall(InstructionRule):
    """## What it does
    Reports a `RUN` whose only package-manager work is refreshing the index
    (`apt-get update`, `apk update`, `dnf makecache`, `zypper refresh`) when a later `RUN`
    installs from that index.

    ## Why it matters
    The build cache keeps the refreshed index as long as that line does not change, so the
    later install can run against weeks-old lists and fail (or install outdated
    packages). The index also ships in its own layer, where no later cleanup can remove it.
    Refresh and install in the same `RUN`.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update
    RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update \\
        && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## References
    - Docker docs, Dockerfile best practices: apt-get
    - trivy DS-0017, checkov CKV_DOCKER_5
    """

    id = "LW210"
    name = "update-without-install"
    severity = Severity.WARNING
    summary = "Package index refreshed in a RUN of its own"

    names = frozenset({"RUN"})
    reads = Reads.LINEAGE  # the later installs of the image chain
    reads_inert_runs = False

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report a lone index refresh of the image that a later install relies on."""
        layer = analysis.layer_at(index)
        if layer is None or not in_chain(analysis, layer):
            return
        found = lone_update(analysis, layer)
        if found is None:
            return
        update, target, install = found
        between = [x for x in chain_layers(analysis)
                   if layer.instruction < x.instruction < target.instruction]
        yield self.finding(
            op_span(update),
            f"the package index refreshed here is only used by the install at line "
            f"{line_of(install)}: the build cache can keep this index stale, and it ships "
            "in a layer of its own",
            related=(Related(op_span(install), "installs from the index refreshed earlier"),),
            fix=_merge(analysis, layer, update, target, install, between))


def _merge(analysis: Analysis, layer: Layer, update: LayerPackages, target: Layer,
           install: LayerPackages, between: list[Layer]) -> Fix | None:
    """Move the refresh in front of the install."""
    source = locate_op(layer, update)
    into = locate_op(target, install)
    if source is None or into is None or len(layer.packages) != 1:
        return None
    text = command_text(source, update.op.command)
    if text is None or "$" in text:
        return None
    insert = insert_before_command(into, install.op.command, f"{text} && ")
    drop = delete_command(analysis, layer, source, update.op.command)
    if insert is None or drop is None:
        return None
    safe = layer.stage == target.stage and not any(x.name == "RUN" for x in between)
    return checked_fix(f"Merge into the install at line {line_of(install)}", (*drop, insert), safe)
