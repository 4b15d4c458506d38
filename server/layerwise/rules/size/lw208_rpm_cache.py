"""LW208 rpm-cache."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPackages
from ..base import Finding, Fix, Severity
from ._edits import append_command, checked_fix
from ._layers import (
    RPM,
    after,
    artifact_note,
    cleaned,
    line_of,
    op_cache,
    op_span,
    ships,
)
from ._leftover import LeftoverRule

#: Every rpm-family cache directory: on RHEL 8+ ``yum`` is dnf, so the names are mixed freely.
_CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/tdnf")
_ZYPPER = "/var/cache/zypp"


class RpmCache(LeftoverRule):
    """## What it does
    Reports `yum`, `dnf`, `microdnf` or `tdnf` `install` (or `upgrade`), and `zypper install`,
    with no matching clean **after** it in the same `RUN`: `yum clean all`,
    `dnf clean all`, `microdnf clean all`, `tdnf clean all`, `rm -rf /var/cache/yum`,
    `rm -rf /var/cache/dnf /var/cache/libdnf5*`, or `zypper clean`/`zypper cc`. Cache mounts
    on the cache directory count as clean.

    ## Why it matters
    The package manager keeps repository metadata (and, depending on the configuration,
    the downloaded packages) in `/var/cache`: tens to hundreds of megabytes that ship in the
    layer.

    ## Example
    ```dockerfile
    FROM rockylinux:9
    RUN dnf install -y python3
    ```

    ## Use instead
    ```dockerfile
    FROM rockylinux:9
    RUN dnf install -y python3 && dnf clean all
    ```

    ## References
    - hadolint DL3032, DL3040, DL3036
    """

    id = "LW208"
    name = "rpm-cache"
    severity = Severity.WARNING
    summary = "rpm package manager cache is not cleaned in the same RUN"

    def check_layer(self, analysis: Analysis, layer: Layer) -> Iterator[Finding]:
        """Report installs whose metadata cache reaches the image."""
        for package in layer.packages:
            op = package.op
            others: tuple[str, ...]
            if op.manager in RPM and op.action in ("install", "upgrade"):
                others = _CACHES
            elif op.manager == "zypper" and op.action == "install":
                others = (_ZYPPER,)
            else:
                continue
            cache = op_cache(layer, package)
            if cache is None or any(layer.mounted(p) for p in others) or _clean_after(
                    layer, package):
                continue
            if cleaned(analysis, layer, cache, others, ("rm", "find")):
                continue
            if not ships(analysis, layer, cache.path, True):
                continue
            yield self.finding(
                op_span(package),
                f"the {op.manager} cache filled at line {line_of(package)} stays in "
                f"{cache.path} in this layer{artifact_note(analysis, layer)}",
                fix=_fix(analysis, layer, package))


def _clean_after(layer: Layer, package: LayerPackages) -> bool:
    """``… clean all`` of the same family after the install."""
    zypper = package.op.manager == "zypper"
    for other in after(layer, package):
        op = other.op
        if op.action != "clean":
            continue
        if zypper and op.manager == "zypper":
            return True
        if not zypper and op.manager in RPM and any(w.value == "all" for w in op.packages):
            return True
    return False


def _fix(analysis: Analysis, layer: Layer, package: LayerPackages) -> Fix | None:
    """Append the manager's own clean command."""
    span = package.manager_span
    if span.start.line != span.end.line:
        return None
    word = analysis.dockerfile.line_text(span.start.line)[span.start.col:span.end.col]
    if not word or any(c in word for c in " $'\"\\"):
        return None
    command = f"{word} clean --all" if package.op.manager == "zypper" else f"{word} clean all"
    edit = append_command(analysis, layer, command)
    return None if edit is None else checked_fix(f"Run {command} at the end of the RUN", (edit,))
