"""LW201 deleted-in-later-layer."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence

from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPackages, LayerPath
from ...model.shell import Word
from ...model.stages import Stage
from ...record import record
from ...syntax.span import TextEdit
from ..base import Finding, Fix, Related, Severity, StageRule
from ._edits import (
    append_command,
    checked_fix,
    command_text,
    delete_command,
    delete_instruction,
    drop_operand,
    insert_after,
    locate_op,
    locate_path,
    quote,
    word_span,
)
from ._layers import (
    Hit,
    below,
    chain_findings,
    chain_layers,
    family,
    file_class,
    instruction,
    is_large,
    layer_line,
    line_of,
    overlaps,
    removes,
    stays,
    walk,
)

#: Package managers whose installs a later remove/purge cannot take back, by family.
_FAMILIES = {"apt-get": "apt", "apt": "apt", "aptitude": "apt", "apk": "apk", "yum": "rpm",
             "dnf": "rpm", "microdnf": "rpm", "tdnf": "rpm", "zypper": "zypper", "pip": "pip"}
_INSTALLS = frozenset({"install", "add"})
_REMOVES = frozenset({"remove", "purge", "del"})
#: Removal kinds that really delete bytes of earlier layers (``mv`` is LW202's business).
_REMOVAL_KINDS = frozenset({"rm", "find", "clean"})


@record
class _Installed:
    """A package (or ``apk --virtual`` group) an earlier layer installed."""

    layer: Layer
    package: LayerPackages
    word: Word
    name: str
    family: str


class DeletedInLaterLayer(StageRule):
    """## What it does
    Follows files across the layers of the image: reports a removal (`rm`, `find -delete`,
    a package manager's clean, `apt-get purge`) of a path or package that an **earlier**
    layer of the image created, copied or installed, and points at the layer that keeps the
    bytes.

    ## Why it matters
    Each layer is a changeset stored in full. A later `rm` only adds a whiteout entry that
    hides the file: the bytes still ship in the layer that created it, and every pull pays
    for them. Delete in the same `RUN` that creates the file, bind-mount build-only inputs
    instead of copying them, or build in a separate stage.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz
    RUN tar -xzf /tmp/tool.tgz -C /opt
    RUN rm /tmp/tool.tgz
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz \\
        && tar -xzf /tmp/tool.tgz -C /opt \\
        && rm /tmp/tool.tgz
    ```

    ## References
    - OCI image spec, layer.md: "Representing Changes" and "Whiteouts"
    - dive: wasted space counts paths seen in two or more layers
    """

    id = "LW201"
    name = "deleted-in-later-layer"
    severity = Severity.WARNING
    summary = "Removing a path an earlier layer added does not shrink the image"
    reads_inert_runs = False

    def check_stage(self, analysis: Analysis, stage: Stage) -> Iterator[Finding]:
        """Report this stage's share of the image chain's findings (its lineage holds the
        chain: every earlier layer and every later removal)."""
        if analysis.graph.in_image(stage.index):
            yield from chain_findings(analysis, self.id, self._chain).get(stage.index, ())

    def _chain(self, analysis: Analysis) -> Iterator[tuple[int, Finding]]:
        """Walk the image chain's layers in order, tracking what each one leaves behind."""
        chain = chain_layers(analysis)
        for position, (layer, live) in enumerate(walk(analysis)):
            reported: set[int] = set()
            for removal in layer.removed:
                if removal.kind not in _REMOVAL_KINDS or not removal.effect.exact:
                    continue
                hits = [n for n, h in enumerate(live) if n not in reported
                        and _hits(analysis, removal, h)
                        and not _extracted_archive(chain, h, layer)]
                if hits:
                    reported.update(hits)
                    producers = [live[n] for n in hits]
                    yield layer.stage, self._report(analysis, chain, position, removal,
                                                    producers)
        yield from self._packages(analysis, chain)

    # -- paths ----------------------------------------------------------------------------------

    def _report(self, analysis: Analysis, chain: Sequence[Layer], position: int,
                removal: LayerPath, producers: list[Hit]) -> Finding:
        layer = chain[position]
        layers = sorted({h.layer.instruction for h in producers})
        shown = removal.path if len(removal.path) <= 60 else "…" + removal.path[-57:]
        if len(producers) == 1:
            what = f"{stays(producers[0].path, producers[0].layer)} in that layer"
        else:
            lines = sorted({line_of(h.path) for h in producers})
            listed = ", ".join(str(n) for n in lines[:-1]) + f" and {lines[-1]}"
            what = (f"what was written at lines {listed} stays in those layers" if len(lines) > 1
                    else f"{stays(producers[0].path, producers[0].layer)} in that layer")
        verb = {"clean": "cleaning", "find": "deleting"}.get(removal.kind, "removing")
        message = f"{verb} {shown} here does not shrink the image: {what}"
        large = any(is_large(h.path, removal.path) for h in producers)
        related = tuple(Related(h.path.span, f"{h.path.path}: the bytes stay in this layer")
                        for h in producers[:5])
        fix = None
        if len(layers) == 1:
            producer = producers[-1]
            between = [x for x in chain[:position] if x.instruction > producer.layer.instruction]
            if producer.layer.name == "RUN":
                fix = _move_cleanup(analysis, producer, layer, removal, between)
            elif producer.layer.name == "COPY":
                fix = _bind_mount(analysis, producer, layer, removal, between)
        return self.finding(removal.span, message,
                            severity=Severity.WARNING if large else Severity.INFORMATION,
                            related=related, fix=fix)

    # -- packages -------------------------------------------------------------------------------

    def _packages(self, analysis: Analysis,
                  chain: Sequence[Layer]) -> Iterator[tuple[int, Finding]]:
        installed: list[_Installed] = []
        for layer in chain:
            for package in layer.packages:
                op = package.op
                kind = _FAMILIES.get(op.manager)
                if kind is None:
                    continue
                if op.action in _REMOVES:
                    yield from ((layer.stage, finding) for finding in self._removed_packages(
                        analysis, layer, package, kind, installed))
                    installed = [i for i in installed
                                 if not _uninstalls(package, kind, i, layer)]
            for package in layer.packages:
                op = package.op
                kind = _FAMILIES.get(op.manager)
                if kind is None or op.action not in _INSTALLS:
                    continue
                if _removed_in_same_layer(layer, package, kind):
                    continue
                virtual = op.flag("--virtual", "-t") if op.manager == "apk" else None
                if virtual is not None and virtual.value is not None and virtual.value.value:
                    installed.append(_Installed(layer, package, virtual.value,
                                                virtual.value.value, kind))
                    continue
                installed.extend(_Installed(layer, package, w, w.value, kind)
                                 for w in op.packages if w.value and not w.value.startswith("-"))

    def _removed_packages(self, analysis: Analysis, layer: Layer, package: LayerPackages,
                          kind: str, installed: list[_Installed]) -> Iterator[Finding]:
        source = locate_op(layer, package)
        if source is None:
            return
        for word in package.op.packages:
            earlier = [i for i in installed if i.family == kind and i.name == word.value
                       and i.layer.instruction < layer.instruction]
            if not earlier:
                continue
            first = earlier[-1]
            install_source = locate_op(first.layer, first.package)
            related: tuple[Related, ...] = ()
            if install_source is not None:
                related = (Related(word_span(install_source, first.word),
                                   f"{first.name} is installed in this layer"),)
            yield self.finding(
                word_span(source, word),
                f"removing {word.value} here does not shrink the image: the package installed "
                f"at line {line_of(first.package)} stays in that layer",
                related=related)


def _hits(analysis: Analysis, removal: LayerPath, producer: Hit) -> bool:
    """Tell whether a removal deletes (some of) what an earlier layer produced."""
    path = producer.path
    if removes(removal.effect, path.path, path.effect.recursive):
        return True
    if not below(producer, removal.path):
        return False
    return _in_context(analysis, producer, removal.path)


def _in_context(analysis: Analysis, producer: Hit, removed: str) -> bool:
    """For a removal below a copied tree: whether the build context has that path."""
    context = analysis.context
    inst = instruction(analysis, producer.layer)
    if context is None or producer.layer.name not in ("COPY", "ADD") or inst.flag("from"):
        return True
    source = next((t.value for t in inst.words[:-1] if t.span == producer.path.span), None)
    if source is None or any(c in source for c in "*?[$"):
        return True
    relative = posixpath.relpath(removed, producer.path.path)
    if any(c in relative for c in "*?["):
        return True
    rel = posixpath.normpath(posixpath.join(source, relative))
    return context.exists(rel) and not context.is_ignored(rel)


def _extracted_archive(chain: Sequence[Layer], producer: Hit, until: Layer) -> bool:
    """A copied archive that a later RUN extracts: LW215 reports it."""
    if producer.layer.name != "COPY" or file_class(producer.path.path) != "archive":
        return False
    return any(x.instruction > producer.layer.instruction and x.instruction <= until.instruction
               and any(i.kind == "extract" and i.covers(producer.path.path) for i in x.inputs)
               for x in chain)


def _uninstalls(package: LayerPackages, kind: str, installed: _Installed,
                layer: Layer) -> bool:
    """Tell whether a remove command takes back an earlier install."""
    return (installed.family == kind and installed.layer.instruction < layer.instruction
            and any(w.value == installed.name for w in package.op.packages))


def _removed_in_same_layer(layer: Layer, package: LayerPackages, kind: str) -> bool:
    """An install undone later in the same RUN (``apk del .build-deps``, ``purge``)."""
    op = package.op
    names = {w.value for w in op.packages}
    virtual = op.flag("--virtual", "-t") if op.manager == "apk" else None
    if virtual is not None and virtual.value is not None:
        names.add(virtual.value.value)
    for other in layer.packages:
        if other.manager_span.start <= package.manager_span.start:
            continue
        if _FAMILIES.get(other.op.manager) == kind and other.op.action in _REMOVES and names & {
                w.value for w in other.op.packages}:
            return True
    return False


# -- fixes ----------------------------------------------------------------------------------------


def _uses(layer: Layer, producer: Hit) -> bool:
    """Tell whether a layer reads, changes or replaces what a producer left.

    A package cache (the apt lists) is also read by every install of the same manager family.
    """
    path = producer.path.path
    if any(overlaps(p.path, path, p.effect.recursive) or overlaps(path, p.path)
           for p in (*layer.inputs, *layer.modified, *layer.created, *layer.removed)):
        return True
    if producer.path.kind != "cache":
        return False
    kinds = {family(p.op.manager) or p.op.manager for p in producer.layer.packages
             if p.manager_span == producer.path.span}
    return any((family(p.op.manager) or p.op.manager) in kinds for p in layer.packages)


def _operands(source_words: tuple[Word, ...]) -> list[Word]:
    """The non-option words of an ``rm`` command."""
    out: list[Word] = []
    options = True
    for word in source_words:
        value = word.value or ""
        if options and value == "--":
            options = False
            continue
        if options and value.startswith("-") and len(value) > 1:
            continue
        out.append(word)
    return out


def _drop(analysis: Analysis, layer: Layer, removal: LayerPath) -> tuple[TextEdit, ...] | None:
    """Edits that take a removal (its ``rm`` operand or its command) out of a later RUN."""
    found = locate_path(layer, removal)
    if found is None:
        return None
    source, index = found
    command = source.script.commands[index]
    if removal.kind == "rm":
        word = next((w for w in command.args if w.start == removal.effect.start), None)
        if word is None:
            return None
        return drop_operand(analysis, layer, source, index, word, _operands(command.args))
    return delete_command(analysis, layer, source, index)


def _cleanup_text(layer: Layer, removal: LayerPath) -> str | None:
    """The command that repeats a removal inside the producing RUN."""
    found = locate_path(layer, removal)
    if found is None:
        return None
    source, index = found
    if removal.kind != "rm":
        text = command_text(source, index)
        return text if text is not None and "$" not in text and not text.startswith(
            ("cd ", "./")) else None
    command = source.script.commands[index]
    word = next((w for w in command.args if w.start == removal.effect.start), None)
    if word is None:
        return None
    raw = word.raw
    plain = word.value is not None and word.value == raw and raw.startswith("/")
    path = raw if plain else quote(removal.path)
    return f"rm -{'rf' if removal.effect.recursive else 'f'} {path}"


def _move_cleanup(analysis: Analysis, producer: Hit, layer: Layer, removal: LayerPath,
                  between: Sequence[Layer]) -> Fix | None:
    """Fix (a): run the cleanup at the end of the producing RUN, drop it from the later one.

    The later removal stays when it also cleans up after its own RUN.
    """
    if any(_uses(x, producer) for x in between):
        return None
    cleanup = _cleanup_text(layer, removal)
    if cleanup is None:
        return None
    append = append_command(analysis, producer.layer, cleanup)
    if append is None:
        return None
    line = layer_line(analysis, producer.layer)
    if _cleans_own(layer, removal):
        return checked_fix(f"Also clean up in the RUN at line {line}", (append,),
                   producer.layer.stage == layer.stage and not between)
    drop = _drop(analysis, layer, removal)
    if drop is None:
        return None
    safe = producer.layer.stage == layer.stage and not any(x.name == "RUN" for x in between)
    return checked_fix(f"Move the cleanup into the RUN at line {line}", (append, *drop), safe)


def _cleans_own(layer: Layer, removal: LayerPath) -> bool:
    """Tell whether a removal also deletes what its own RUN created before it."""
    return any(c.span.start < removal.span.start and removes(removal.effect, c.path,
                                                             c.effect.recursive)
               for c in layer.created)


def _bind_mount(analysis: Analysis, producer: Hit, layer: Layer, removal: LayerPath,
                between: Sequence[Layer]) -> Fix | None:
    """Fix (b): bind-mount a build-only input instead of copying it and deleting it later."""
    copy = instruction(analysis, producer.layer)
    tokens = copy.words
    if copy.json or copy.heredocs or len(tokens) != 2 or layer.name != "RUN":
        return None
    if any(f.name not in ("from", "chown", "link") for f in copy.flags):
        return None
    source = tokens[0].value
    if any(c in source for c in "*?[$,= \t\"'") or source in (".", "./", "/"):
        return None
    if not removes(removal.effect, producer.path.path, producer.path.effect.recursive):
        return None
    if any(_uses(x, producer) for x in between):
        return None
    target = producer.path.path
    drop = _drop(analysis, layer, removal)
    if drop is None or "," in target or " " in target:
        return None
    run = instruction(analysis, layer)
    options = f"type=bind,source={source},target={target}"
    origin = copy.flag("from")
    if origin is not None and origin.value:
        options += f",from={origin.value}"
    if any(overlaps(target, m.path) for m in layer.modified):
        options += ",rw"
    edits = (delete_instruction(analysis, producer.layer.instruction),
             insert_after(run.keyword.span, f" --mount={options}"), *drop)
    return checked_fix(f"Bind-mount {source} in the RUN instead of copying it", edits, False)
