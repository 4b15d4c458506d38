"""LW213 add-remote-url."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...syntax.nodes import Instruction, Token
from ..base import Finding, InstructionRule, Reads, Severity
from ._layers import in_chain, instruction


def is_git(source: str, inst: Instruction) -> bool:
    """Tell whether an ADD source is a git repository (BuildKit's rules, roughly)."""
    lowered = source.lower()
    if lowered.startswith(("git@", "git://", "ssh://")):
        return True
    base = lowered.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    return lowered.startswith(("http://", "https://")) and (
        base.endswith(".git") or inst.flag("keep-git-dir") is not None)


def is_url(source: str) -> bool:
    """Tell whether an ADD source is an http(s) URL."""
    return source.lower().startswith(("http://", "https://"))


class AddRemoteUrl(InstructionRule):
    """## What it does
    Reports `ADD https://…` in the image without `--checksum`, and (as a hint)
    `ADD <git repository> --keep-git-dir=true`, which ships the `.git` directory.

    ## Why it matters
    The downloaded file stays in its layer (mode 600, and an archive URL is *not* extracted
    unless `--unpack` is given), and without a checksum the build silently takes whatever the
    server returns. Pin it with `--checksum=sha256:…`, or download in a separate stage and
    copy only what the image needs.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /sbin/tini
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee \\
        https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /sbin/tini
    ```

    ## References
    - Dockerfile reference: ADD, adding files from a URL; `--checksum`
    - hadolint DL3020 (URLs exempt), checkov CKV_DOCKER_4
    """

    id = "LW213"
    name = "add-remote-url"
    severity = Severity.INFORMATION
    summary = "ADD of a remote URL without --checksum"

    names = frozenset({"ADD"})
    reads = Reads.STRUCTURE  # chain membership

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report an unpinned URL download or a git source that keeps its .git, in the image."""
        found = image_add(analysis, index)
        if found is None:
            return
        inst, tokens = found
        for token in tokens[:-1]:
            if is_git(token.value, inst):
                keep = inst.flag("keep-git-dir")
                if keep is not None and (keep.value or "true").lower() in ("true", "1"):
                    yield self.finding(
                        token.span, "--keep-git-dir=true ships the repository's .git "
                        "directory in this layer", severity=Severity.HINT)
            elif is_url(token.value) and inst.flag("checksum") is None:
                yield self.finding(
                    token.span, "ADD downloads this URL without --checksum: the file is "
                    "not verified and stays in this layer (mode 600, archives are not "
                    "extracted); pin it with --checksum=sha256:…")


def image_add(analysis: Analysis, index: int) -> tuple[Instruction, tuple[Token, ...]] | None:
    """The ADD at ``index`` and its words (sources, then the destination) when it makes a layer
    of the image; None otherwise."""
    layer = analysis.layer_at(index)
    if layer is None or not in_chain(analysis, layer):
        return None
    inst = instruction(analysis, layer)
    return inst, inst.exec_args if inst.json else inst.words
