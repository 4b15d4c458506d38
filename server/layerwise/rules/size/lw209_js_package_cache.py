"""LW209 js-package-cache."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPackages
from ..base import Finding, Severity
from ._edits import append_command, checked_fix
from ._layers import (
    after,
    cache_left_message,
    instruction,
    lineage,
    mounted_at,
    op_span,
    shipped_cache,
)
from ._leftover import LeftoverRule

#: Install actions per manager, the command that empties its cache, and mount fragments.
_MANAGERS = {
    "npm": (frozenset({"install", "ci"}), "cache clean", "npm cache clean --force",
            (".npm",)),
    "yarn": (frozenset({"install", "add"}), "cache clean", "yarn cache clean",
             (".cache/yarn", "/yarn")),
    "pnpm": (frozenset({"install", "add"}), "store prune", "pnpm store prune",
             ("pnpm",)),
}
_BERRY_FLAGS = ("--immutable", "--immutable-cache", "--check-cache", "--mode")


class JsPackageCache(LeftoverRule):
    """## What it does
    Reports `npm ci`/`npm install` without `npm cache clean --force`, Yarn 1
    `yarn install`/`yarn add` without `yarn cache clean`, and `pnpm install` without
    `pnpm store prune` in the same `RUN`, unless the cache is on a cache mount. Yarn 2+
    projects (with `.yarnrc.yml`, `yarn set version`, `--immutable`) keep a project-local
    cache on purpose and stay silent.

    ## Why it matters
    npm keeps every tarball it fetched under `~/.npm/_cacache`, Yarn 1 under
    `/usr/local/share/.cache/yarn`: as much again as `node_modules`, shipped for nothing.

    ## Example
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci --omit=dev
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
    ```

    ## References
    - hadolint DL3060 (yarn only)
    - Docker docs, optimize builds: use cache mounts
    """

    id = "LW209"
    name = "js-package-cache"
    severity = Severity.INFORMATION
    summary = "npm, yarn or pnpm cache is left in the layer"

    def check_layer(self, analysis: Analysis, layer: Layer) -> Iterator[Finding]:
        """Report JavaScript installs whose package cache reaches the image."""
        for package in layer.packages:
            op = package.op
            spec = _MANAGERS.get(op.manager)
            if spec is None or op.action not in spec[0]:
                continue
            _, clean, command, fragments = spec
            if mounted_at(layer, fragments, ("cache", "tmpfs")):
                continue
            if any(p.op.manager == op.manager and p.op.action == clean
                   for p in after(layer, package)):
                continue
            cache = shipped_cache(analysis, layer, package)
            if cache is None or (op.manager == "yarn" and _berry(analysis, layer, package)):
                continue
            edit = append_command(analysis, layer, command)
            fix = checked_fix(f"Run {command} at the end of the RUN", (edit,)) if edit else None
            yield self.finding(op_span(package),
                               cache_left_message(analysis, layer, package, cache), fix=fix)


def _berry(analysis: Analysis, layer: Layer, package: LayerPackages) -> bool:
    """Tell whether the project uses Yarn 2 or later (a project-local cache on purpose)."""
    if package.op.has_flag(*_BERRY_FLAGS):
        return True
    for other in lineage(analysis, layer):
        if other.instruction > layer.instruction:
            break
        if other.name in ("COPY", "ADD"):
            if _copies_yarnrc(analysis, other):
                return True
            continue
        for earlier in other.packages:
            op = earlier.op
            if op.manager == "yarn" and op.action == "set" and len(op.packages) > 1:
                version = op.packages[1].value or ""
                if not version.startswith(("1", "classic")):
                    return True
        for source in other.sources:
            for command in source.script.commands:
                if command.program == "corepack" and any(
                        (w.value or "").startswith("yarn@") and not (w.value or "").startswith(
                            "yarn@1") for w in command.args):
                    return True
    return False


def _copies_yarnrc(analysis: Analysis, layer: Layer) -> bool:
    """A COPY of ``.yarnrc.yml`` or ``.yarn/`` (or of a context that holds one)."""
    inst = instruction(analysis, layer)
    if inst.flag("from") is not None:
        return False
    for token in inst.words[:-1]:
        name = posixpath.basename(token.value.rstrip("/"))
        if name in (".yarnrc.yml", ".yarn"):
            return True
        context = analysis.context
        if context is not None and name in (".", "") and context.exists(".yarnrc.yml"):
            return True
    return False
