"""LW207 pip-cache."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPackages
from ..base import Finding, Severity
from ._edits import checked_fix, insert_after
from ._layers import (
    cache_left_message,
    instruction,
    lineage,
    mounted_at,
    op_span,
    shipped_cache,
    words_of,
)
from ._leftover import LeftoverRule

_CONFIG_FILES = ("/etc/pip.conf", "/.config/pip/pip.conf", "/.pip/pip.conf")


class PipCache(LeftoverRule):
    """## What it does
    Reports `pip install` (`pip3`, `python -m pip`) without `--no-cache-dir`, and
    `uv pip install` without `--no-cache`, when the cache reaches the image: not turned off
    by `PIP_NO_CACHE_DIR`/`UV_NO_CACHE` (ENV, inline or exported), not on a cache or tmpfs
    mount (a target containing `.cache/pip` or `.cache/uv`), and not removed in the same
    `RUN`. Builder stages that only feed `COPY --from` stay silent unless the cache is
    copied out.

    ## Why it matters
    pip keeps every downloaded wheel under `~/.cache/pip`: often as large as the installed
    packages themselves, and useless at run time.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    ```

    ## References
    - hadolint DL3042
    - Docker docs, optimize builds: use cache mounts
    """

    id = "LW207"
    name = "pip-cache"
    severity = Severity.WARNING
    summary = "pip install keeps its download cache in the layer"

    def check_layer(self, analysis: Analysis, layer: Layer) -> Iterator[Finding]:
        """Report pip installs whose cache directory reaches the image."""
        for package in layer.packages:
            op = package.op
            if (op.manager, op.action) == ("pip", "install"):
                off, fragment = "--no-cache-dir", ".cache/pip"
            elif (op.manager, op.action) == ("uv", "pip install"):
                off, fragment = "--no-cache", ".cache/uv"
            else:
                continue
            if op.has_flag(off, "-n" if op.manager == "uv" else off):
                continue
            if mounted_at(layer, (fragment,), ("cache", "tmpfs")):
                continue
            cache = shipped_cache(analysis, layer, package)
            if cache is None or cache.path.startswith("/dev/") or _configured(analysis, layer):
                continue
            fix = None
            if package.action_span is not None:
                fix = checked_fix(f"Add {off}", (insert_after(package.action_span, " " + off),))
            yield self.finding(op_span(package),
                               cache_left_message(analysis, layer, package, cache), fix=fix)


def _configured(analysis: Analysis, layer: Layer) -> bool:
    """``pip config set global.no-cache-dir …`` or a pip.conf written earlier in the image."""
    for other in lineage(analysis, layer):
        if other.instruction > layer.instruction:
            break
        if any(_no_cache_config(p) for p in other.packages):
            return True
        for made in other.created:
            if made.path.endswith(_CONFIG_FILES):
                inst = instruction(analysis, other)
                if other.name in ("COPY", "ADD") and not inst.heredocs:
                    return True
                if any("no-cache-dir" in d.content for d in inst.heredocs) or any(
                        "no-cache-dir" in w for w in words_of(other)):
                    return True
    return False


def _no_cache_config(package: LayerPackages) -> bool:
    """``pip config set global.no-cache-dir true``."""
    op = package.op
    return op.manager == "pip" and op.action == "config" and any(
        w.value is not None and "no-cache-dir" in w.value for w in op.packages)
