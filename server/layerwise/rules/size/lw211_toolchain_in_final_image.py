"""LW211 toolchain-in-final-image."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPackages
from ...patterns import lazy_pattern
from ..base import Finding, InstructionRule, Reads, Severity
from ._edits import locate_op, word_span
from ._layers import after, chain_layers, family, in_chain, stage_chain_base

_APT = lazy_pattern(r"build-essential|gcc(-\d+)?|g\+\+(-\d+)?|clang(-\d+)?|make|cmake|autoconf|"
                    r"automake|libtool|pkg-config|pkgconf|.+-dev")
_APK = lazy_pattern(r"build-base|alpine-sdk|musl-dev|gcc|g\+\+|clang|make|cmake|autoconf|"
                    r"automake|libtool|pkgconf|.+-dev")
_RPM = lazy_pattern(r"gcc|gcc-c\+\+|make|cmake|autoconf|automake|libtool|.+-devel|"
                    r"@development-tools|@\"development tools\"")
_SDK = lazy_pattern(r"golang(-go)?|golang-\d[\d.]*|rust|rustc|cargo|maven|gradle|"
                    r"openjdk-\d+-jdk(-headless)?|java-[\d.]+-openjdk-devel|dotnet-sdk-[\d.]+")
_PATTERNS = {"apt": _APT, "apk": _APK, "rpm": _RPM, "zypper": _RPM}
#: Base images that are build environments already (dev containers, SDKs, toolchains).
_DEV_BASE = lazy_pattern(r"(.*/)?(buildpack-deps|golang|rust|gcc|maven|gradle|sdk|[^/:]*-sdk)"
                         r"(:.*)?|mcr\.microsoft\.com/(vscode/)?devcontainers/.*|.*:[^/]*jdk.*")
_DEV_STAGE = lazy_pattern(r"dev.*|devcontainer|ci|test.*|build.*")


class ToolchainInFinalImage(InstructionRule):
    """## What it does
    Reports build toolchains (compilers, `make`, `-dev`/`-devel` headers, language SDKs)
    installed in the final image and not removed in the same `RUN`. Dev and CI images stay
    silent: a Dockerfile under `.devcontainer/`, a dev-container, `buildpack-deps`, SDK or
    toolchain base image, or a target stage named `dev…`, `ci`, `test…` or `build…`.

    ## Why it matters
    Compilers and headers are only needed to build; in the image they cost hundreds of
    megabytes and widen the attack surface. Build in a separate stage and copy only the
    result, or remove the build dependencies in the `RUN` that uses them
    (`apk add --virtual .build-deps … && apk del .build-deps`).

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\
        && rm -rf /var/lib/apt/lists/*
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim AS wheels
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
    COPY requirements.txt .
    RUN pip wheel --no-cache-dir -w /wheels -r requirements.txt

    FROM python:3.12-slim
    RUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels \\
        pip install --no-cache-dir /wheels/*
    ```

    ## References
    - Docker docs, Dockerfile best practices: choose the right base image, multi-stage builds
    """

    id = "LW211"
    name = "toolchain-in-final-image"
    severity = Severity.INFORMATION
    summary = "Build toolchain installed in the final image"

    names = frozenset({"RUN"})
    reads = Reads.LINEAGE  # later removals in the image chain
    reads_inert_runs = False

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report toolchain installs of an image-chain RUN that stay in the image."""
        layer = analysis.layer_at(index)
        if layer is None or not layer.packages or not in_chain(analysis, layer):
            return
        chain = chain_layers(analysis)
        for package in layer.packages:
            kind = family(package.op.manager)
            if kind is None or package.op.action not in ("install", "add"):
                continue
            if _removed(layer, package, kind) or _removed_later(chain, layer, package, kind):
                continue
            tools = [w for w in package.op.packages if _toolchain(kind, w.value or "")]
            source = locate_op(layer, package)
            if not tools or source is None or _dev_image(analysis):
                continue
            names = [w.value or "" for w in tools]
            if len(names) > 3:
                shown = ", ".join(names[:3]) + f" and {len(names) - 3} more"
            elif len(names) > 1:
                shown = ", ".join(names[:-1]) + f" and {names[-1]}"
            else:
                shown = names[0]
            yield self.finding(
                word_span(source, tools[0]),
                f"build toolchain in the final image: {shown} "
                f"{'is' if len(names) == 1 else 'are'} installed here and never removed; "
                "build in a separate stage and copy only the result")


def _toolchain(kind: str, name: str) -> bool:
    """Tell whether a package name is a compiler, build tool, header package or SDK."""
    name = name.split("=", 1)[0].lower()
    if kind == "apk":
        name = name.split("~", 1)[0]
    return bool(_PATTERNS[kind].fullmatch(name) or _SDK.fullmatch(name))


def _dev_image(analysis: Analysis) -> bool:
    """Dev containers, CI images and images that are a toolchain by design."""
    if analysis.path is not None and ".devcontainer" in analysis.path.parts:
        return True
    base = stage_chain_base(analysis)
    if _DEV_BASE.fullmatch(base.split("@", 1)[0]):
        return True
    target = analysis.graph.target
    name = analysis.stages[target].name if target is not None else None
    return bool(name and _DEV_STAGE.fullmatch(name))


def _names(package: LayerPackages) -> set[str]:
    """The package names (and ``apk --virtual`` group) an install adds."""
    op = package.op
    names = {w.value for w in op.packages if w.value}
    virtual = op.flag("--virtual", "-t") if op.manager == "apk" else None
    if virtual is not None and virtual.value is not None and virtual.value.value:
        names.add(virtual.value.value)
    return names


def _removes(package: LayerPackages, kind: str, names: set[str]) -> bool:
    """Tell whether a command removes some of ``names`` (or every auto-installed package)."""
    op = package.op
    if family(op.manager) != kind:
        return False
    if op.action == "autoremove" or (op.action in ("remove", "purge") and op.has_flag(
            "--auto-remove", "--autoremove")):
        return True
    return op.action in ("remove", "purge", "del", "erase") and bool(
        names & {w.value for w in op.packages if w.value})


def _removed(layer: Layer, package: LayerPackages, kind: str) -> bool:
    """Build dependencies removed later in the same RUN."""
    names = _names(package)
    return any(_removes(other, kind, names) for other in after(layer, package))


def _removed_later(chain: tuple[Layer, ...], layer: Layer, package: LayerPackages,
                   kind: str) -> bool:
    """Removed by a later RUN of the image: LW201 reports that."""
    names = _names(package)
    return any(_removes(other, kind, names) for x in chain if x.instruction > layer.instruction
               for other in x.packages)

