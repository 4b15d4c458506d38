"""LW212 context-copy-before-deps."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from fnmatch import fnmatchcase

from ...model.analysis import Analysis
from ...model.layers import Layer
from ...model.shell import Command
from ...model.stages import Stage
from ...record import record
from ...syntax.nodes import Instruction
from ...syntax.span import Position, Span, TextEdit
from ..base import Finding, Fix, Related, Severity, StageRule
from ._edits import checked_fix, insert_at
from ._layers import instruction, layer_line, stage_layers

#: Ecosystem -> manifest patterns, and what to copy first when the context is unknown.
_MANIFESTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "node": (("package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
              "pnpm-lock.yaml", "package*.json"), ("package*.json",)),
    "yarn": (("package.json", "yarn.lock", "package*.json"), ("package.json", "yarn.lock*")),
    "pnpm": (("package.json", "pnpm-lock.yaml", "package*.json"),
             ("package.json", "pnpm-lock.yaml*")),
    "pip": (("requirements*.txt", "requirements*.in", "requirements/*", "pyproject.toml",
             "poetry.lock", "setup.py", "setup.cfg"), ()),
    "poetry": (("pyproject.toml", "poetry.lock"), ("pyproject.toml", "poetry.lock*")),
    "pipenv": (("Pipfile", "Pipfile.lock", "Pipfile*"), ("Pipfile", "Pipfile.lock*")),
    "bundle": (("Gemfile", "Gemfile.lock", "Gemfile*", "*.gemspec"), ("Gemfile", "Gemfile.lock*")),
    "composer": (("composer.json", "composer.lock", "composer.*"),
                 ("composer.json", "composer.lock*")),
    "go": (("go.mod", "go.sum"), ("go.mod", "go.sum*")),
    "cargo": (("Cargo.toml", "Cargo.lock", "Cargo.*"), ("Cargo.toml", "Cargo.lock*")),
    "maven": (("pom.xml",), ("pom.xml",)),
    "gradle": (("build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts",
                "build.gradle*", "gradle.properties", "gradle/*"), ("*.gradle*",)),
    "dotnet": (("*.csproj", "*.fsproj", "*.vbproj", "*.sln", "*.props"), ("*.csproj",)),
}
_CONTEXT = frozenset({".", "./", "*", "./*"})
_LAYER_FREE = frozenset({"WORKDIR", "ENV", "ARG", "USER", "LABEL", "EXPOSE", "SHELL",
                         "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT", "VOLUME"})


@record
class _Install:
    """A dependency install: its ecosystem, where its command is, and its manifest if named."""

    ecosystem: str
    span: Span
    manifest: str | None = None


class ContextCopyBeforeDeps(StageRule):
    """## What it does
    Reports a copy of the whole build context (`COPY . <dst>`) that comes before a
    dependency install (`npm ci`, `yarn`, `pnpm install`, `pip install -r`, `poetry install`,
    `pipenv install`, `bundle install`, `composer install`, `go mod download`, `cargo fetch`,
    `mvn dependency:go-offline`, `gradle dependencies`, `dotnet restore`) in the same stage,
    when the install's manifest was not copied on its own before. Builder stages are checked
    too: this is about the build cache.

    ## Why it matters
    Any change to any source file invalidates the `COPY .` layer and every layer after it,
    so each build downloads all dependencies again. Copy the manifests first, install, then
    copy the rest: the install layer stays cached until the manifests change.

    ## Example
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY . .
    RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY package*.json ./
    RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
    COPY . .
    ```

    ## References
    - Docker docs, optimize builds: order your layers
    """

    id = "LW212"
    name = "context-copy-before-deps"
    severity = Severity.INFORMATION
    summary = "Whole context copied before the dependency install"
    reads_inert_runs = False

    def check_stage(self, analysis: Analysis, stage: Stage) -> Iterator[Finding]:
        """Report installs of a stage that follow a context copy without their manifests (its
        lineage: the working directories come from the stages it is built on)."""
        if stage.index not in analysis.graph.reachable:
            return
        context: Layer | None = None
        copied: list[str] = []
        found: list[tuple[Layer, _Install]] = []
        for layer in stage_layers(analysis, stage.index):
            inst = instruction(analysis, layer)
            if layer.name in ("COPY", "ADD"):
                names = _sources(inst)
                if context is None and any(n in _CONTEXT for n in names):
                    context = layer
                elif context is None:
                    copied.extend(names)
                continue
            if context is None:
                continue
            for install in _installs(layer):
                if any(install.ecosystem == seen.ecosystem for _, seen in found):
                    continue
                if not _bound(layer, install) and not _manifest_seen(install, copied):
                    found.append((layer, install))
        if context is not None and found:
            yield self._report(analysis, context, found)

    def _report(self, analysis: Analysis, context: Layer,
                found: list[tuple[Layer, _Install]]) -> Finding:
        copy = instruction(analysis, context)
        token = next(t for t in copy.words[:-1] if t.value in _CONTEXT)
        related = tuple(Related(install.span, "this install runs again whenever a source changes")
                        for _, install in found)
        lines = [layer_line(analysis, layer) for layer, _ in found]
        if len(found) > 1:
            shown = ", ".join(str(n) for n in lines[:-1]) + f" and {lines[-1]}"
            return self.finding(
                token.span,
                f"the whole context is copied before the dependency installs at lines {shown}: "
                "any source change re-runs them; copy their manifests first", related=related)
        layer, install = found[0]
        manifests = _to_copy(analysis, context, install)
        what = " ".join(manifests) if manifests else "the manifest"
        return self.finding(
            token.span,
            f"the whole context is copied before the install at line {lines[0]}: any source "
            f"change re-runs it; copy {what} first", related=related,
            fix=_fix(analysis, context, layer, manifests))


def _sources(inst: Instruction) -> list[str]:
    """The source words of a COPY/ADD from the build context (none for ``--from``)."""
    if inst.flag("from") is not None or inst.json or inst.heredocs:
        return []
    return [t.value for t in inst.words[:-1]]


def _installs(layer: Layer) -> Iterator[_Install]:
    """The dependency installs of a RUN."""
    for package in layer.packages:
        op = package.op
        span = package.manager_span
        if op.manager == "npm" and op.action in ("ci", "install") and not op.packages and not (
                op.has_flag("-g", "--global")):
            yield _Install("node", span)
        elif op.manager == "yarn" and op.action == "install":
            yield _Install("yarn", span)
        elif op.manager == "pnpm" and op.action == "install" and not op.packages:
            yield _Install("pnpm", span)
        elif op.manager == "pip" and op.action == "install":
            for flag in op.flags:
                if flag.name in ("-r", "--requirement") and flag.value and flag.value.value:
                    path = posixpath.normpath(posixpath.join(layer.workdir, flag.value.value))
                    yield _Install("pip", span, path)
        elif op.manager == "go" and op.action == "mod download":
            yield _Install("go", span)
    for source in layer.sources:
        for command in source.script.commands:
            ecosystem = _command_ecosystem(command)
            if ecosystem is not None:
                yield _Install(ecosystem, source.span(command.name.start, command.name.end))


def _command_ecosystem(command: Command) -> str | None:
    """Installs of tools the layer model does not read as package managers."""
    program = command.program or ""
    words = [w.value or "" for w in command.args]
    first = words[0] if words else ""
    if program == "poetry" and first == "install":
        return "poetry"
    if program == "pipenv" and first in ("install", "sync"):
        return "pipenv"
    if program in ("bundle", "bundler") and (not words or first == "install"):
        return "bundle"
    if program == "composer" and first in ("install", "i"):
        return "composer"
    if program == "cargo" and first == "fetch":
        return "cargo"
    if program in ("mvn", "mvnw") and any(w.startswith("dependency:") for w in words):
        return "maven"
    if program in ("gradle", "gradlew") and "dependencies" in words:
        return "gradle"
    if program == "dotnet" and first == "restore":
        return "dotnet"
    return None


def _bound(layer: Layer, install: _Install) -> bool:
    """A bind mount that provides the manifest (or the whole context)."""
    patterns = _MANIFESTS[install.ecosystem][0]
    for mount in layer.mounts:
        if mount.type != "bind" or mount.options.get("from"):
            continue
        source = mount.options.get("source") or mount.options.get("src") or "."
        name = posixpath.basename(source.rstrip("/")) or "."
        if name == "." or any(fnmatchcase(name, p) for p in patterns):
            return True
    return False


def _manifest_seen(install: _Install, copied: list[str]) -> bool:
    """Tell whether a manifest of the install's ecosystem was copied before the context."""
    patterns = _MANIFESTS[install.ecosystem][0]
    names = [posixpath.basename(c.rstrip("/")) for c in copied]
    if install.manifest is not None:
        wanted = posixpath.basename(install.manifest)
        folder = posixpath.basename(posixpath.dirname(install.manifest))
        return any(fnmatchcase(wanted, n) or n == folder for n in names)
    return any(fnmatchcase(n, p) or fnmatchcase(p, n) for n in names for p in patterns)


def _to_copy(analysis: Analysis, context_copy: Layer, install: _Install) -> tuple[str, ...]:
    """The manifests to copy first: the ones the context has, else the usual names."""
    if install.ecosystem == "pip":
        dest = context_copy.created[0].path if context_copy.created else None
        if install.manifest is None or dest is None:
            return ()
        relative = posixpath.relpath(install.manifest, dest)
        return (relative,) if "/" not in relative and relative != ".." else ()
    patterns = _MANIFESTS[install.ecosystem]
    context = analysis.context
    if context is None:
        return patterns[1]
    found = tuple(p for p in patterns[0] if not any(c in p for c in "*?[") and context.exists(
        p) and not context.is_ignored(p))
    return found or patterns[1]


def _fix(analysis: Analysis, context: Layer, layer: Layer,
         manifests: tuple[str, ...]) -> Fix | None:
    """Copy the manifests where the context copy was, and the context after the install."""
    copy = instruction(analysis, context)
    if not manifests or copy.json or len(copy.words) != 2:
        return None
    if any(analysis.instructions[i].name not in _LAYER_FREE
           for i in range(context.instruction + 1, layer.instruction)):
        return None
    dest = copy.words[-1].value
    target = dest if dest.endswith("/") else dest + "/"
    text = analysis.dockerfile.node_text(copy)
    if not text.endswith("\n"):
        return None
    run = analysis.instructions[layer.instruction]
    lines = analysis.dockerfile.lines
    if run.end_line + 1 >= len(lines) and not lines[run.end_line].endswith("\n"):
        moved = insert_at(run.span.end, "\n" + text.rstrip("\n"))
    else:
        moved = insert_at(Position(run.end_line + 1, 0), text)
    return checked_fix("Copy the manifests first and the rest after the install",
               (TextEdit(copy.args.span, f"{' '.join(manifests)} {target}"), moved), safe=False)
