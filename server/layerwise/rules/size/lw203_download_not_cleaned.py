"""LW203 download-not-cleaned."""

from __future__ import annotations

import posixpath
from collections.abc import Hashable, Iterator

from ...memo import IdentityMemo
from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPath
from ..base import Finding, Related, Severity
from ._edits import append_command, checked_fix, quote
from ._layers import (
    artifact_note,
    file_class,
    later_layers,
    line_of,
    removal_in,
    removed_later,
    shipping,
    ships,
)
from ._leftover import LeftoverRule

#: What the catalog counts as an archive, a package or an installer.
_SUFFIXES = (".tgz", ".zip", ".deb", ".rpm", ".apk", ".whl", ".gem", ".run", ".sh", ".exe",
             ".msi", ".tbz2", ".txz", ".tar")
_VERBS = {"extract": "extracted", "install": "installed", "execute": "run"}


def wanted(path: str) -> bool:
    """Tell whether a downloaded file is an archive, package or installer."""
    name = posixpath.basename(path).lower()
    return name.endswith(_SUFFIXES) or ".tar." in name


class DownloadNotCleaned(LeftoverRule):
    """## What it does
    Reports a file that a `RUN` downloads (`curl -o`, `curl -O`, `wget`, `aria2c`), then
    extracts, installs or runs, but never removes: an archive, a package or an installer.

    ## Why it matters
    Once the `RUN` ends, the downloaded file is part of its layer for good; removing it in a
    later `RUN` does not get the bytes back. Remove it in the same `RUN`, or stream it
    (`curl -fsSL URL | tar -xz -C DIR`) so that it never lands on disk.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v20.11.0/node-linux-x64.tar.xz \\
        && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN curl -fsSL https://nodejs.org/dist/v20.11.0/node-linux-x64.tar.xz \\
        | tar -xJ -C /usr/local --strip-components=1
    ```
    """

    id = "LW203"
    name = "download-not-cleaned"
    severity = Severity.WARNING
    summary = "Downloaded archive or installer is used but not removed in the same RUN"

    def context(self, analysis: Analysis) -> Hashable:
        """The shipped regions of the artifact stages and the image's commands (an artifact
        stage's lineage does not hold the image chain)."""
        return shipping(analysis), _payload_words(analysis)

    def check_layer(self, analysis: Analysis, layer: Layer) -> Iterator[Finding]:
        """Report consumed downloads that stay in their layer and reach the image."""
        for download in layer.created:
            if download.kind != "download" or not wanted(download.path):
                continue
            if _payload(download.path, _payload_words(analysis)):
                continue
            use = _consumer(analysis, layer, download)
            if use is None:
                continue
            if removal_in(layer, download.path, False, after=download.span.start) is not None:
                continue
            if removed_later(analysis, layer, download.path, False) is not None:
                continue  # LW201 reports the late removal
            if not ships(analysis, layer, download.path, False):
                continue
            yield self._report(analysis, layer, download, use)

    def _report(self, analysis: Analysis, layer: Layer, download: LayerPath,
                use: tuple[Layer, LayerPath]) -> Finding:
        user, read = use
        what = f"the {file_class(download.path)} downloaded at line {line_of(download)}"
        verb = _VERBS.get(read.kind, "used")
        message = (f"{what} ({download.path}) is {verb} but never removed: it stays in this "
                   f"layer{artifact_note(analysis, layer)}")
        fix = None
        if download.effect.exact and user is layer and not any(
                _reads(other, download.path) for other in later_layers(analysis, layer)):
            edit = append_command(analysis, layer, f"rm -f {quote(download.path)}")
            if edit is not None:
                name = posixpath.basename(download.path)
                fix = checked_fix(f"Remove {name} at the end of the RUN",
                          (edit,))
        return self.finding(download.span, message,
                            related=(Related(read.span, f"{download.path} is {verb} here"),),
                            fix=fix)


def _reads(layer: Layer, path: str) -> bool:
    """Tell whether a layer extracts, installs, runs or changes ``path``."""
    return any(p.covers(path) for p in (*layer.inputs, *layer.modified))


def _consumer(analysis: Analysis, layer: Layer, download: LayerPath) -> tuple[
        Layer, LayerPath] | None:
    """Where a download is extracted, installed or run: this RUN after it, or a later one."""
    for read in layer.inputs:
        if read.span.start > download.span.start and read.covers(download.path):
            return layer, read
    for other in later_layers(analysis, layer):
        for read in other.inputs:
            if read.covers(download.path):
                return other, read
    return None


def _payload_words(analysis: Analysis) -> frozenset[str]:
    """The image's CMD and ENTRYPOINT texts: the files they name are the payload (the same
    object while the image chain's stages do not change)."""
    revision = analysis.revision
    tokens = tuple(revision.stages[i] for i in analysis.graph.image_chain)
    return _PAYLOADS.get(revision.structure, None, _image_commands, analysis, also=tokens)


#: CMD and ENTRYPOINT texts per structure and image-chain stage tokens.
_PAYLOADS: IdentityMemo[frozenset[str]] = IdentityMemo(64)


def _image_commands(analysis: Analysis) -> frozenset[str]:
    texts: list[str] = []
    instructions = analysis.instructions
    for index in analysis.graph.image_chain:
        for i in analysis.stages[index].instructions:
            inst = instructions[i]
            if inst.name in ("CMD", "ENTRYPOINT") and inst.json:
                texts.extend(t.value for t in inst.exec_args)
            elif inst.name in ("CMD", "ENTRYPOINT"):
                texts.append(inst.args.value)
    return frozenset(texts)


def _payload(path: str, texts: frozenset[str]) -> bool:
    """A file the image runs: named by CMD/ENTRYPOINT, or placed in a ``bin`` directory."""
    if "bin" in path.split("/")[:-1]:
        return True
    name = posixpath.basename(path)
    return any(path in text or name in text for text in texts)
