"""LW204 apt-lists-not-removed."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPackages
from ..base import Finding, Related, Severity
from ._edits import append_command, checked_fix
from ._layers import (
    APT,
    Hit,
    after,
    artifact_note,
    cleaned,
    line_of,
    lineage,
    lone_update,
    op_cache,
    op_span,
    relies_on_index,
    removal_in,
    removed_later,
    ships,
)
from ._leftover import LeftoverRule

_LISTS = "/var/lib/apt/lists"
_ARCHIVES = "/var/cache/apt/archives"
_DOCKER_CLEAN = "/etc/apt/apt.conf.d/docker-clean"


class AptListsNotRemoved(LeftoverRule):
    """## What it does
    Reports an `apt-get update` (or `apt update`, `aptitude update`) whose package lists are
    not removed in the same `RUN`. Recognised cleanups: `rm -rf /var/lib/apt/lists/*` (or the
    directory), `apt-get dist-clean`, `find /var/lib/apt/lists … -delete`, and a cache or
    tmpfs mount on `/var/lib/apt` or `/var/lib/apt/lists`. An unrelated `rm -rf` does not
    count. When the Dockerfile removed `/etc/apt/apt.conf.d/docker-clean`, an install without
    `apt-get clean` (or a cache mount on `/var/cache/apt`) is reported too.

    ## Why it matters
    The lists take tens of megabytes and are only needed while installing. Removing them in
    a later `RUN` does not help: they stay in the layer that downloaded them.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl
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
    - docker-library/buildpack-deps#154: `apt-get dist-clean` (APT 2.7.8 and later)
    """

    id = "LW204"
    name = "apt-lists-not-removed"
    severity = Severity.WARNING
    summary = "apt package lists are not removed in the RUN that downloads them"

    def check_layer(self, analysis: Analysis, layer: Layer) -> Iterator[Finding]:
        """Report updates whose lists reach the image, and uncleaned archives (docker-clean)."""
        for package in layer.packages:
            op = package.op
            if op.manager not in APT:
                continue
            if op.action == "update":
                finding = self._lists(analysis, layer, package)
            elif op.action in ("install", "upgrade"):
                finding = self._archives(analysis, layer, package)
            else:
                finding = None
            if finding is not None:
                yield finding

    def _lists(self, analysis: Analysis, layer: Layer, package: LayerPackages) -> Finding | None:
        cache = op_cache(layer, package)
        if cache is None or layer.mounted(_LISTS) or layer.mounted("/var/lib/apt"):
            return None
        if cleaned(analysis, layer, cache) or not ships(analysis, layer, _LISTS, True):
            return None
        if lone_update(analysis, layer) is not None:
            return None  # LW210 reports an update in a RUN of its own
        edit = None if relies_on_index(analysis, layer, "apt") else append_command(
            analysis, layer, "rm -rf /var/lib/apt/lists/*")
        title = "Remove /var/lib/apt/lists/* at the end of the RUN"
        fix = checked_fix(title, (edit,)) if edit else None
        return self.finding(
            op_span(package),
            f"the apt package lists downloaded at line {line_of(package)} are not removed in "
            f"this RUN: they stay in its layer{artifact_note(analysis, layer)}", fix=fix)

    def _archives(self, analysis: Analysis, layer: Layer, package: LayerPackages) -> Finding | None:
        disabled = _docker_clean_removed(analysis, layer, package)
        if disabled is None or layer.mounted(_ARCHIVES) or layer.mounted("/var/cache/apt"):
            return None
        if any(p.op.manager in APT and p.op.action in ("clean", "autoclean") for p in after(
                layer, package)):
            return None
        if removal_in(layer, _ARCHIVES, True, after=package.manager_span.start) is not None or \
                removed_later(analysis, layer, _ARCHIVES, True):
            return None
        if not ships(analysis, layer, _ARCHIVES, True):
            return None
        edit = append_command(analysis, layer, "apt-get clean")
        fix = checked_fix("Run apt-get clean at the end of the RUN", (edit,)) if edit else None
        return self.finding(
            op_span(package),
            "the downloaded .deb files stay in /var/cache/apt/archives in this layer: "
            f"docker-clean was removed at line {line_of(disabled.path)}; run apt-get clean "
            "or use a cache mount", fix=fix,
            related=(Related(disabled.path.span, "docker-clean is removed here"),))


def _docker_clean_removed(analysis: Analysis, layer: Layer,
                          package: LayerPackages) -> Hit | None:
    """Where the image removed ``docker-clean`` before this install, if it did."""
    for other in lineage(analysis, layer):
        if other.instruction > layer.instruction:
            break
        for removal in other.removed:
            if removal.covers(_DOCKER_CLEAN) and (
                    other is not layer or removal.span.start < package.manager_span.start):
                return Hit(other, removal)
    return None
