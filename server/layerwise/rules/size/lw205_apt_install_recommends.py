"""LW205 apt-install-recommends."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPackages
from ...patterns import lazy_pattern
from ..base import Finding, Severity
from ._edits import checked_fix, insert_after
from ._layers import (
    artifact_note,
    instruction,
    lineage,
    op_span,
    ships,
    words_of,
)
from ._leftover import LeftoverRule

_OFF = lazy_pattern(r"APT::Install-Recommends\s*=?\s*\"?(0|false|no|off)\"?", re.IGNORECASE)
_CONFIG = ("/etc/apt/apt.conf.d/", "/etc/apt/apt.conf")


class AptInstallRecommends(LeftoverRule):
    """## What it does
    Reports `apt-get install` (or `apt install`) without `--no-install-recommends`, unless
    `-o APT::Install-Recommends=false` is given or an earlier instruction of the image wrote
    `APT::Install-Recommends "0"` into the APT configuration.

    ## Why it matters
    By default APT also installs every *recommended* package: documentation, optional tools
    and libraries the image never uses, often doubling the size of an install.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## References
    - hadolint DL3015
    """

    id = "LW205"
    name = "apt-install-recommends"
    severity = Severity.INFORMATION
    summary = "apt-get install without --no-install-recommends"

    def check_layer(self, analysis: Analysis, layer: Layer) -> Iterator[Finding]:
        """Report installs that pull recommended packages into the image."""
        for package in layer.packages:
            op = package.op
            if op.manager not in ("apt-get", "apt") or op.action != "install":
                continue
            if not op.packages or _declines(package) or _local_only(package):
                continue
            if not ships(analysis, layer, "/usr", False):  # all of /usr ships
                continue
            if _configured(analysis, layer, package):
                continue
            fix = None
            if package.action_span is not None:
                fix = checked_fix("Add --no-install-recommends",
                          (insert_after(package.action_span, " --no-install-recommends"),),
                          safe=False)
            yield self.finding(
                op_span(package),
                "apt-get install without --no-install-recommends also installs the "
                f"recommended packages into this layer{artifact_note(analysis, layer)}",
                fix=fix)


def _declines(package: LayerPackages) -> bool:
    """``--no-install-recommends`` or ``-o APT::Install-Recommends=false``."""
    op = package.op
    if op.has_flag("--no-install-recommends"):
        return True
    return any(f.name in ("-o", "--option") and f.value is not None and f.value.value is not None
               and _OFF.search(f.value.value) for f in op.flags)


def _local_only(package: LayerPackages) -> bool:
    """``apt-get install ./app.deb``: only local package files."""
    names = [w.value for w in package.op.packages]
    return bool(names) and all(
        n is not None and (n.startswith(("/", "./", "../")) or n.endswith(".deb")) for n in names)


def _configured(analysis: Analysis, layer: Layer, package: LayerPackages) -> bool:
    """Tell whether an earlier write to the APT configuration turned recommends off."""
    for other in lineage(analysis, layer):
        if other.instruction > layer.instruction:
            break
        for made in other.created:
            if not made.path.startswith(_CONFIG) and not _CONFIG[0].startswith(made.path + "/"):
                continue
            if other is layer and made.span.start > package.manager_span.start:
                continue
            if _says_off(analysis, other):
                return True
    return False


def _says_off(analysis: Analysis, layer: Layer) -> bool:
    """Tell whether the instruction that wrote an APT config file turns recommends off."""
    inst = instruction(analysis, layer)
    if layer.name in ("COPY", "ADD"):
        if any(_OFF.search(doc.content) for doc in inst.heredocs):
            return True
        return not inst.heredocs and any("recommend" in t.value.lower() for t in inst.words)
    return any(_OFF.search(word) for word in words_of(layer))
