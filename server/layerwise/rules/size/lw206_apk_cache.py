"""LW206 apk-cache."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPackages
from ...syntax.span import TextEdit
from ..base import Finding, Fix, Severity
from ._edits import checked_fix, delete_command, insert_after, locate_op, word_span
from ._layers import (
    artifact_note,
    cleaned,
    line_of,
    mounted_at,
    op_cache,
    op_span,
    relies_on_index,
    ships,
)
from ._leftover import LeftoverRule

_CACHE = "/var/cache/apk"


class ApkCache(LeftoverRule):
    """## What it does
    Reports `apk add` without `--no-cache` when the index cache it writes to
    `/var/cache/apk` is neither removed in the same `RUN` (`rm -rf /var/cache/apk/*`) nor on
    a cache mount. `apk del` of a `--virtual` group removes packages, not the index cache.

    ## Why it matters
    The APK index stays in the layer and ships with the image although nothing reads it at
    run time. `apk add --no-cache` fetches the index without storing it.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    RUN apk update && apk add curl
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl
    ```

    ## References
    - hadolint DL3019
    """

    id = "LW206"
    name = "apk-cache"
    severity = Severity.INFORMATION
    summary = "apk add without --no-cache leaves the index cache in the layer"

    def check_layer(self, analysis: Analysis, layer: Layer) -> Iterator[Finding]:
        """Report ``apk add`` whose cache reaches the image."""
        if mounted_at(layer, (_CACHE, "/etc/apk/cache")):
            return
        for package in layer.packages:
            op = package.op
            if op.manager != "apk" or op.action != "add" or op.has_flag("--no-cache"):
                continue
            cache = op_cache(layer, package)
            if cache is None or cleaned(analysis, layer, cache):
                continue
            if not ships(analysis, layer, cache.path, True):
                continue
            yield self.finding(
                op_span(package),
                f"the apk index cache written at line {line_of(package)} stays in "
                f"{cache.path} in this layer{artifact_note(analysis, layer)}",
                fix=_fix(analysis, layer, package))


def _fix(analysis: Analysis, layer: Layer, package: LayerPackages) -> Fix | None:
    """``apk add --no-cache`` (replacing ``--update``/``-U``, dropping a prior ``apk update``)."""
    op = package.op
    source = locate_op(layer, package)
    if source is None or package.action_span is None or relies_on_index(analysis, layer, "apk"):
        return None
    edits: list[TextEdit] = []
    update = op.flag("--update", "--update-cache", "-U")
    if update is not None and update.word.value in ("--update", "--update-cache", "-U"):
        edits.append(TextEdit(word_span(source, update.word), "--no-cache"))
    else:
        edits.append(insert_after(package.action_span, " --no-cache"))
    for other in layer.packages:
        if (other.op.manager == "apk" and other.op.action == "update"
                and other.manager_span.start < package.manager_span.start):
            found = locate_op(layer, other)
            dropped = None if found is None else delete_command(
                analysis, layer, found, other.op.command)
            if dropped is not None:
                edits.extend(dropped)
    return checked_fix("Use apk add --no-cache", tuple(edits))
