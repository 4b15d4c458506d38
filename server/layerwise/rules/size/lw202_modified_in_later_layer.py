"""LW202 modified-in-later-layer."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence

from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPath
from ...model.shell import Command, Word
from ...model.stages import Stage
from ...patterns import lazy_pattern
from ...syntax.nodes import Instruction
from ..base import Finding, Fix, Related, Severity, StageRule
from ._edits import (
    append_command,
    checked_fix,
    command_text,
    delete_command,
    drop_operand,
    insert_after,
    locate_path,
)
from ._layers import (
    Hit,
    below,
    chain_findings,
    chain_layers,
    created,
    describe,
    instruction,
    layer_line,
    overlaps,
    stays,
    walk,
)

#: Commands that rewrite a file's metadata or contents in place.
_IN_PLACE = {"chmod": "chmod", "chown": "chown", "chgrp": "chgrp", "setfacl": "setfacl",
             "touch": "touch", "sed": "sed -i"}
#: Effects that put a new file where an earlier layer's file was.
_OVERWRITES = frozenset({"copy", "move", "redirect", "write"})
#: Producers whose path is a tree of files (a recursive change copies all of them).
_TREES = frozenset({"copy", "extract", "clone"})
_USER_TOOLS = frozenset({"useradd", "adduser", "groupadd", "addgroup", "usermod"})
_OCTAL = lazy_pattern(r"0?[0-7]{3,4}")
_EXECUTABLE = frozenset({"+x", "a+x", "ugo+x"})
_OWNER = lazy_pattern(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?")


class ModifiedInLaterLayer(StageRule):
    """## What it does
    Reports a `chmod`, `chown`, `chgrp`, `setfacl`, `touch`, `sed -i`, `mv` or `cp` that
    changes or replaces a path an **earlier** layer of the image added.

    ## Why it matters
    A layer stores every file it changes in full, so changing the mode, owner or contents of a
    file from an earlier layer stores a second copy of it: `COPY . /app` followed by
    `RUN chown -R app /app` ships the application twice. Set the mode and owner while copying
    (`COPY --chmod`, `COPY --chown`) or in the `RUN` that creates the files.

    ## Example
    ```dockerfile
    FROM node:20-slim
    COPY . /app
    RUN chown -R node:node /app
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    COPY --chown=node:node . /app
    ```

    ## References
    - OCI image spec, layer.md: added and modified files are stored "in their entirety"
    - Dockerfile reference: `COPY --chown`, `COPY --chmod`
    """

    id = "LW202"
    name = "modified-in-later-layer"
    severity = Severity.WARNING
    summary = "Changing a path an earlier layer added stores a second copy of it"
    reads_inert_runs = False

    def check_stage(self, analysis: Analysis, stage: Stage) -> Iterator[Finding]:
        """Report this stage's share of the image chain's findings (its lineage holds the
        chain: every earlier layer)."""
        if analysis.graph.in_image(stage.index):
            yield from chain_findings(analysis, self.id, self._chain).get(stage.index, ())

    def _chain(self, analysis: Analysis) -> Iterator[tuple[int, Finding]]:
        """Match each change of a later layer against what earlier layers left behind."""
        chain = chain_layers(analysis)
        for position, (layer, live) in enumerate(walk(analysis)):
            if layer.name != "RUN":
                continue
            changes = [*layer.modified, *(r for r in layer.removed if r.kind == "move")]
            reported: set[int] = set()  # one finding per earlier copy and layer
            for change in sorted(changes, key=lambda c: c.span.start):
                if not change.effect.exact or change.kind == "link":
                    continue
                hits = [n for n, h in enumerate(live) if n not in reported and _changes(change, h)]
                if hits:
                    reported.update(hits)
                    producers = [live[n] for n in hits]
                    yield layer.stage, self._report(analysis, chain[:position], layer, change,
                                                    producers)

    def _report(self, analysis: Analysis, before: Sequence[Layer], layer: Layer,
                change: LayerPath, producers: list[Hit]) -> Finding:
        first = producers[-1]
        shown = change.path if len(change.path) <= 60 else "…" + change.path[-57:]
        moved = change in layer.removed
        if moved:
            head = f"moving {shown} stores it again in this layer"
        elif change.kind in ("redirect", "write"):
            head = f"writing to {shown} stores a new copy of it in this layer"
        elif change.kind in _OVERWRITES:
            head = f"overwriting {shown} stores a new copy in this layer"
        else:
            head = f"{_IN_PLACE.get(change.kind, change.kind)} on {shown} stores a second copy"
            head += " of it in this layer"
        message = f"{head}: {stays(first.path, first.layer)} in that layer as well"
        if len(producers) > 1:
            message += f" (and {len(producers) - 1} more)"
        tree = any(_tree(analysis, h) for h in producers)
        severity = (Severity.WARNING if change.effect.recursive and tree
                    else Severity.INFORMATION)
        related = tuple(Related(h.path.span, f"{describe(h.path, h.layer)}: the first copy")
                        for h in producers[:5])
        fix = None
        own = any(c.span.start < change.span.start and overlaps(change.path, c.path)
                  for c in layer.created)  # the command also covers files its RUN made
        if len({h.layer.instruction for h in producers}) == 1 and not moved and not own:
            between = [x for x in before if x.instruction > first.layer.instruction]
            if first.layer.name == "COPY":
                fix = _fold_into_copy(analysis, first, layer, change, between)
            elif first.layer.name == "RUN":
                fix = _merge_into_run(analysis, first, layer, change, between)
        return self.finding(change.span, message, severity=severity, related=related, fix=fix)


def _tree(analysis: Analysis, producer: Hit) -> bool:
    """Tell whether a producer made a tree of files (a copied directory, an extracted archive)."""
    path = producer.path
    if producer.layer.name in ("COPY", "ADD"):
        return not _single_file(analysis, instruction(analysis, producer.layer))
    return path.kind in _TREES and path.effect.recursive


def _changes(change: LayerPath, producer: Hit) -> bool:
    """Tell whether a change touches (some of) what an earlier layer produced.

    Inside a produced tree only in-place changes count: a new file written there may not
    replace anything.
    """
    if change.effect.covers(producer.path.path):
        return True
    return change.kind in _IN_PLACE and change.kind != "touch" and below(producer, change.path)


def _operands(command: Command) -> tuple[Word | None, list[Word]]:
    """``chmod``/``chown``: the mode or owner word and the path words."""
    words: list[Word] = []
    spec: Word | None = None
    options = True
    for word in command.args:
        value = word.value or ""
        if options and value.startswith("-") and len(value) > 1 and not (
                command.program == "chmod" and re.fullmatch(r"-[rwxXst]+", value)):
            if value == "--":
                options = False
            continue
        if spec is None:
            spec = word
        else:
            words.append(word)
    return spec, words


def _recursive(command: Command) -> bool:
    """Tell whether a chmod/chown has ``-R``."""
    return any(w.value == "--recursive" or (w.value or "").startswith("-") and "R" in (
        w.value or "") and not (w.value or "").startswith("--") for w in command.args)


def _fold_into_copy(analysis: Analysis, producer: Hit, layer: Layer, change: LayerPath,
                    between: Sequence[Layer]) -> Fix | None:
    """``COPY --chmod``/``--chown`` instead of a later ``chmod``/``chown``."""
    if change.kind not in ("chmod", "chown"):
        return None
    copy = instruction(analysis, producer.layer)
    found = locate_path(layer, change)
    if found is None or copy.json or copy.flag(change.kind) is not None:
        return None

    source, index = found
    command = source.script.commands[index]
    spec, paths = _operands(command)
    if spec is None or spec.value is None or not paths:
        return None
    word = next((w for w in paths if w.start == change.effect.start), None)
    made = created(analysis, producer.layer)
    if word is None or not all(change.effect.covers(p.path) for p in made):
        return None
    if not _recursive(command) and not _single_file(analysis, copy):
        return None
    safe = producer.layer.stage == layer.stage
    if change.kind == "chmod":
        if _OCTAL.fullmatch(spec.value):
            flag = f"--chmod={spec.value}"
        elif spec.value in _EXECUTABLE:
            flag, safe = "--chmod=755", False
        else:
            return None
    else:
        if not _OWNER.fullmatch(spec.value):
            return None
        if not spec.value.replace(":", "").isdigit() and any(
                _adds_users(x) for x in (*between, layer)):
            return None  # COPY --chown=name needs the user before the COPY
        flag = f"--chown={spec.value}"
        safe = safe and all(part.isdigit() for part in spec.value.split(":"))
    drop = drop_operand(analysis, layer, source, index, word, paths)
    if drop is None:
        return None
    if any(x.name == "RUN" for x in between):
        safe = False
    return checked_fix(f"Set the {'mode' if change.kind == 'chmod' else 'owner'} in the COPY "
               f"at line {layer_line(analysis, producer.layer)} ({flag})",
               (insert_after(copy.keyword.span, " " + flag), *drop), safe)


def _adds_users(layer: Layer) -> bool:
    """Tell whether a RUN creates users or groups."""
    return any(c.program in _USER_TOOLS for source in layer.sources
               for c in source.script.commands)


def _single_file(analysis: Analysis, copy: Instruction) -> bool:
    """Tell whether a COPY source is one file (a non-recursive change then covers it all)."""
    sources = [t.value for t in copy.words[:-1]]
    if len(sources) != 1 or copy.heredocs:
        return bool(copy.heredocs) and len(sources) == 1
    name = sources[0]
    if name in (".", "./") or name.endswith("/") or any(c in name for c in "*?[$"):
        return False
    context = analysis.context
    if context is not None and not copy.flag("from"):
        return context.exists(name) and not context.is_dir(name)
    return "." in posixpath.basename(name)


def _merge_into_run(analysis: Analysis, producer: Hit, layer: Layer, change: LayerPath,
                    between: Sequence[Layer]) -> Fix | None:
    """Run the change at the end of the RUN that creates the path."""
    if change.kind not in _IN_PLACE or any(
            overlaps(p.path, producer.path.path) for x in between
            for p in (*x.inputs, *x.modified, *x.created, *x.removed)):
        return None
    found = locate_path(layer, change)
    if found is None:
        return None
    source, index = found
    command = source.script.commands[index]
    text = command_text(source, index)
    word = next((w for w in command.args if w.start == change.effect.start), None)
    if text is None or word is None or "$" in text or not (word.value or "").startswith("/"):
        return None
    others = [e for e in layer.modified if e.effect.command == index and e is not change]
    if others:
        return None
    append = append_command(analysis, producer.layer, text)
    drop = delete_command(analysis, layer, source, index)
    if append is None or drop is None:
        return None
    safe = producer.layer.stage == layer.stage and not any(x.name == "RUN" for x in between)
    line = layer_line(analysis, producer.layer)
    return checked_fix(f"Move the {change.kind} into the RUN at line {line}",
               (append, *drop), safe)
