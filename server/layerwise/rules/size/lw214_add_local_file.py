"""LW214 add-local-file."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...syntax.span import TextEdit
from ..base import Finding, InstructionRule, Reads, Severity
from ._edits import checked_fix
from .lw213_add_remote_url import image_add, is_git, is_url

#: What ADD extracts (and what hadolint's DL3020 accepts as an archive).
_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tb2", ".tar.xz",
             ".txz", ".tar.zst", ".tzst", ".tar.lz", ".tlz", ".tar.lzma", ".tar.z", ".tz",
             ".gz", ".bz2", ".xz", ".lz", ".lzma", ".z", ".zst")
#: Flags COPY shares with ADD; any other flag (``--checksum``, ``--unpack``) keeps ADD.
_SHARED = frozenset({"chown", "chmod", "link", "exclude", "parents"})


class AddLocalFile(InstructionRule):
    """## What it does
    Reports `ADD` whose sources are all local files or directories that are not archives,
    and offers to replace it with `COPY`.

    ## Why it matters
    `ADD` also downloads URLs and extracts local tar archives; using it for plain files
    hides which of those behaviours is intended, and a file later renamed to `.tar.gz` would
    be unpacked by surprise. `COPY` says what it does.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    ADD config.yaml /etc/app/config.yaml
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    COPY config.yaml /etc/app/config.yaml
    ```

    ## References
    - hadolint DL3020, trivy DS-0005, checkov CKV_DOCKER_4
    """

    id = "LW214"
    name = "add-local-file"
    severity = Severity.INFORMATION
    summary = "ADD of local files that COPY would copy the same way"

    names = frozenset({"ADD"})
    reads = Reads.STRUCTURE  # chain membership

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report ADD of plain local files in the image."""
        found = image_add(analysis, index)
        if found is None:
            return
        inst, tokens = found
        sources = [t.value for t in tokens[:-1]]
        if not sources or any(f.name not in _SHARED for f in inst.flags):
            return
        if any(is_url(s) or is_git(s, inst) or "$" in s or s.lower().endswith(_ARCHIVES)
               for s in sources):
            return
        keyword = inst.keyword
        new = "COPY" if keyword.value.isupper() else "copy"
        yield self.finding(
            keyword.span, "ADD only copies local files here; use COPY",
            fix=checked_fix("Replace ADD with COPY", (TextEdit(keyword.span, new),)))
