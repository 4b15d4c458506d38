"""LW306 context-copy-may-leak."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

from ...memo import IdentityMemo
from ...model.analysis import Analysis
from ...model.context import DOCKERIGNORE, BuildContext, go_clean
from ...syntax.nodes import Instruction
from ..base import Finding, InstructionRule, Reads, Related, Severity
from .facts import Facts, facts
from .files import IGNORE_PROBES, classify, is_ca_material
from .fixes import dockerignore_fix
from .layers import CopySource, copy_sources

#: How many context files to look at for credential files.
_WALK_LIMIT = 10000


class ContextCopyMayLeak(InstructionRule):
    """## What it does
    Reports `COPY . <dst>` and `ADD .` (and copies of whole context folders) that reach the
    image while the effective `.dockerignore` (`<Dockerfile>.dockerignore`, else
    `.dockerignore`) is missing or does not exclude `.git`, `.env*`, `*.pem`, `*.key`, `id_*`,
    `.npmrc`, `.aws`, `*.tfvars` and `kubeconfig`. It is a Warning when the build context
    really holds credential files that are not excluded. Copies in stages that only feed
    `COPY --from` count when the copied-out path includes the copied context. It needs the
    build context, so it is silent when Layerwise does not know it.

    The quick fix (in the editor; `check --fix` leaves other files alone) appends the missing
    patterns to that ignore file, or creates `.dockerignore` in the context when there is none.

    ## Why it matters
    Whatever the context holds is copied into the layer: local `.env` files, keys and cloud
    credentials, and the `.git` folder with its whole history.

    ## Example
    With this `.dockerignore`:
    ```text
    node_modules
    ```
    ```dockerfile
    FROM node:22-alpine
    WORKDIR /app
    COPY . .
    ```

    ## Use instead
    ```dockerfile
    FROM node:22-alpine
    WORKDIR /app
    COPY package.json package-lock.json ./
    COPY src/ ./src/
    ```

    ## References
    - https://docs.docker.com/build/concepts/context/#dockerignore-files
    - BuildKit check `CopyIgnoredFile` (the inverse check)
    """

    id = "LW306"
    name = "context-copy-may-leak"
    severity = Severity.INFORMATION
    summary = "COPY of the whole build context without a .dockerignore that keeps secrets out"
    #: Files of the build context the doc examples assume (this rule needs a context).
    example_context: ClassVar[Mapping[str, str]] = {".dockerignore": "node_modules\n"}

    names = frozenset({"COPY", "ADD"})
    #: A copy in a stage that does not ship counts when a COPY --from takes its destination
    #: (a path below the working directory of the stage).
    reads = Reads.LINEAGE
    reads_inert_runs = False

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Check a whole-context (or whole-folder) copy that reaches the image."""
        context = analysis.context
        inst = analysis.instructions[index]
        if context is None or inst.flag("from") is not None or analysis.stage_of[index] < 0:
            return
        shared = facts(analysis)
        for src in copy_sources(shared, index, inst):
            if src.heredoc:
                continue
            root = _context_dir(context, src.text)
            if root is None:
                continue
            via = self._route(shared, index, src)
            if via is None:
                continue
            leaked = [f for f in _credential_files(context)
                      if root == "." or f.startswith(root + "/")]
            gaps = _missing(context) if root == "." else []
            if not leaked and not gaps:
                continue
            yield self._report(shared, index, inst, src, context, root, gaps, leaked, via)

    @staticmethod
    def _route(shared: Facts, i: int, src: CopySource) -> Related | None | tuple[()]:
        """``()`` for a copy in the image chain, a Related for a copy that an image stage
        takes with ``COPY --from``, None when the copy never reaches the image."""
        analysis = shared.analysis
        stage = analysis.stage_of[i]
        if analysis.graph.in_image(stage):
            return ()
        if stage not in analysis.graph.reachable:
            return None
        dest = src.path.rstrip("/") or "/"
        producers = set(shared.descendants(stage))
        for ref in analysis.refs:
            if ref.kind != "copy" or ref.target not in producers:
                continue
            if not analysis.graph.in_image(ref.stage) and ref.stage not in producers:
                continue
            inst = analysis.instructions[ref.instruction]
            for other in copy_sources(shared, ref.instruction, inst):
                taken = go_clean("/" + other.text).rstrip("/") or "/"
                if taken == "/" or dest == taken or dest.startswith(taken + "/"):
                    return Related(other.token.span,
                                   f"{taken} (with the copied context) is taken into the "
                                   f"image here")
        return None

    def _report(self, shared: Facts, i: int, inst: Instruction, src: CopySource,
                context: BuildContext, root: str, gaps: list[str], leaked: list[str],
                via: Related | tuple[()]) -> Finding:
        ignore = context.ignore_file.name if context.ignore_file is not None else DOCKERIGNORE
        what = "the whole build context" if root == "." else f"the context folder {root}"
        parts: list[str] = []
        if leaked:
            shown = ", ".join(leaked[:5]) + (", …" if len(leaked) > 5 else "")
            parts.append(f"the context holds credential files that are not excluded: {shown}")
        if gaps:
            if context.has_ignore_file:
                parts.append(f"{ignore} does not exclude {', '.join(gaps)}")
            else:
                parts.append(f"there is no {ignore} to exclude {', '.join(gaps)}")
        message = f"{inst.name} copies {what} into the image, and " + "; ".join(parts)
        severity = Severity.WARNING if leaked else Severity.INFORMATION
        patterns = list(gaps)
        for path in leaked:
            credential = classify(path)
            pattern = "**/" + path.rpartition("/")[2] if credential is not None else path
            if path.startswith(".git/"):
                pattern = ".git"
            if pattern not in patterns and pattern.removeprefix("**/") not in patterns:
                patterns.append(pattern)
        related = (via,) if isinstance(via, Related) else ()
        data = {"ignore_file": str(context.ignore_file or ""), "patterns": "\n".join(patterns),
                "files": "\n".join(leaked[:20])}
        return self.finding(src.token.span, message,
                            severity=shared.severity(severity, i) if not related else severity,
                            related=related, fix=dockerignore_fix(context, patterns), data=data)


def _context_dir(context: BuildContext, text: str) -> str | None:
    """The context folder a COPY source stands for (``.`` for the root), or None."""
    if any(c in text for c in "*?[$"):
        return None
    rel = go_clean("/" + text).lstrip("/") or "."
    if rel == ".":
        return "."
    return rel if _DIRS.get(context, rel, context.is_dir, rel) else None


def _missing(context: BuildContext) -> list[str]:
    """The patterns of :data:`IGNORE_PROBES` the ignore file lacks (memoised by context)."""
    return _MISSING.get(context, None, lambda: [
        pattern for pattern, probe in IGNORE_PROBES if not context.is_ignored(probe)])


def _credential_files(context: BuildContext) -> list[str]:
    """Files the context sends that are credential files, not CA certificates (memoised by
    context, which stands for the files as they were when it was made)."""
    return _FILES.get(context, None, _walk_credential_files, context)


#: Context lookups by context object, which stands for the files as they were when it was made
#: (like the findings memoised by the structure it belongs to).
_DIRS: IdentityMemo[bool] = IdentityMemo(4096)
_MISSING: IdentityMemo[list[str]] = IdentityMemo(64)
_FILES: IdentityMemo[list[str]] = IdentityMemo(64)


def _walk_credential_files(context: BuildContext) -> list[str]:
    """Compute :func:`_credential_files`."""
    out: list[str] = []
    for path in context.walk(limit=_WALK_LIMIT):
        credential = classify(path)
        if credential is None:
            continue
        if credential.pattern == "*.pem" and is_ca_material(path):
            continue
        out.append(path)
    return out
