"""LW108 unpinned-external-from."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ..base import Finding, Severity, StructureRule
from ._common import has_variable, is_bare_name


def is_pinned(reference: str) -> bool:
    """Tell whether an image reference names a tag or a digest.

    A colon counts as a tag only in the last path component: ``localhost:5000/tool``
    has a registry port and no tag.
    """
    if "@" in reference:
        return True
    return ":" in reference.rpartition("/")[2]


class UnpinnedExternalFrom(StructureRule):
    """## What it does
    Flags `COPY --from=<image>` and `RUN --mount=from=<image>` naming an image without a tag
    or digest, the `--from` analogue of an untagged `FROM`.

    ## Why it matters
    Without a tag BuildKit pulls `latest`, which changes under you: the next build copies
    different files, and the cache does not notice. A tag or an `@sha256:` digest makes the
    build repeatable.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    COPY --from=gloursdocker/docker /usr/local/bin/docker /usr/local/bin/docker
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    COPY --from=docker:27-cli /usr/local/bin/docker /usr/local/bin/docker
    ```

    ## References
    - hadolint DL3006, DL3007 (the `FROM` equivalents)
    """

    id = "LW108"
    name = "unpinned-external-from"
    severity = Severity.INFORMATION
    summary = "Image in --from has no tag or digest"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Report external images in ``--from`` that carry neither tag nor digest."""
        for ref in analysis.refs:
            if ref.kind == "from" or ref.resolution != "image":
                continue
            if not ref.text or has_variable(ref.text) or is_pinned(ref.text):
                continue
            if is_bare_name(ref.text):
                continue  # a bare word: LW101 says it is no stage and would pull :latest
            flag = "--from" if ref.kind == "copy" else "--mount=from"
            yield self.finding(
                ref.span,
                f"{flag}={ref.text} has no tag or digest, so BuildKit pulls '{ref.text}:latest', "
                "which changes over time; pin a tag or an @sha256: digest")
