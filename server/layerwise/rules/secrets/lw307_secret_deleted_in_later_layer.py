"""LW307 secret-deleted-in-later-layer."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...record import record
from ...syntax.nodes import KeyValue
from ...syntax.span import Span
from ..base import Finding, Related, Rule, Severity
from .detector import is_placeholder, is_variable_reference, literal
from .facts import Facts, facts
from .files import classify, is_ca_material, is_public
from .fixes import convert_to_secret
from .layers import (
    PathEvent,
    copy_sources,
    key_generations,
    layer_at,
    removed_in_run,
    secret_writes,
    writes_secrets,
)
from .names import is_secret_name
from .staged import staged_findings


@record
class _Secret:
    """A path that holds a secret, the layer that wrote it, and why it is secret."""

    event: PathEvent
    what: str


class SecretDeletedInLaterLayer(Rule):
    """## What it does
    Reports a credential that a later instruction removes while an earlier layer still
    holds it: a credential file copied or written in one layer and deleted by a later `RUN`
    (`RUN rm /root/.npmrc`), and a secret `ENV` cleared later (`ENV TOKEN=` or
    `RUN unset TOKEN`).

    ## Why it matters
    Layers only add: a deletion hides the file from the final file system, but the layer that
    added it is still part of the image, and `docker save` extracts it. A cleared `ENV` stays
    in the image history. Create, use and delete a secret in one `RUN`, with a secret mount.

    ## Example
    ```dockerfile
    FROM node:22-alpine
    COPY .npmrc /root/.npmrc
    RUN npm ci
    RUN rm /root/.npmrc
    ```

    ## Use instead
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM node:22-alpine
    RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    ```

    ## References
    - OCI image layers and whiteouts
    - https://docs.docker.com/build/building/best-practices/#env
    """

    id = "LW307"
    name = "secret-deleted-in-later-layer"
    severity = Severity.ERROR
    summary = "A secret removed by a later instruction is still in an earlier layer"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Follow each stage's chain of layers, oldest first."""
        shared = facts(analysis)
        return staged_findings(self.id, analysis, lambda stage: self._stage(shared, stage))

    def _stage(self, shared: Facts, stage: int) -> tuple[list[Finding], set[int]]:
        """The findings of one stage and the other stages they read: the fix of a cleared
        ENV declared in an ancestor edits the RUNs of that ancestor's descendants."""
        if stage < 0:
            return [], set()
        analysis = shared.analysis
        chain = shared.chain(stage)
        found = list(self._removals(shared, stage, chain))
        others: set[int] = set()
        if any(analysis.instructions[i].name == "ENV" and any(
                is_secret_name(p.key.value) for p in analysis.instructions[i].pairs)
               for s in chain for i in analysis.stages[s].instructions):
            for decl, finding in self._env(shared, stage, chain):
                found.append(finding)
                others.add(analysis.stage_of[decl])
        return found, others

    def _removals(self, shared: Facts, stage: int, chain: list[int]) -> Iterator[Finding]:
        """Removals in ``stage`` of secrets that earlier layers of its chain stored."""
        analysis = shared.analysis
        if not any((layer := layer_at(shared, i)) is not None and layer.removed
                   for i in analysis.stages[stage].instructions):
            return
        seen: list[_Secret] = []
        for i in sorted(i for s in chain for i in analysis.stages[s].instructions):
            layer = layer_at(shared, i)
            if layer is None:
                continue
            if layer.stage == stage:
                for removal in layer.removed:
                    hits = [s for s in seen if s.event.instruction != i
                            and removal.covers(s.event.path)]
                    if hits:
                        yield self._report(shared, i, removal, hits)
            seen.extend(_secrets(shared, i))

    def _report(self, shared: Facts, i: int, removal: PathEvent, hits: list[_Secret]
                ) -> Finding:
        analysis = shared.analysis
        first = hits[0]
        layer = analysis.instructions[first.event.instruction]
        line = layer.start_line + 1
        message = (f"{first.event.path} ({first.what}) is removed here, but the {layer.name} "
                   f"on line {line} already stored it in a layer, which ships with the image; "
                   f"create, use and delete it in one RUN with --mount=type=secret")
        related = tuple(Related(h.event.span, f"{h.event.path} is added to a layer here")
                        for h in hits[:5])
        return self.finding(removal.span, message, severity=shared.severity(Severity.ERROR, i),
                            related=related,
                            data={"path": first.event.path, "added_by": str(
                                first.event.instruction), "kind": first.what})

    # ----------------------------------------------------------------- ENV

    def _env(self, shared: Facts, stage: int, chain: list[int]
             ) -> Iterator[tuple[int, Finding]]:
        """Secret ENVs of the chain cleared in ``stage``, with the ENV that set each."""
        analysis = shared.analysis
        live: dict[str, tuple[int, KeyValue]] = {}
        members = sorted(i for s in chain for i in analysis.stages[s].instructions)
        for i in members:
            inst = analysis.instructions[i]
            own = analysis.stage_of[i] == stage
            if inst.name == "ENV":
                for pair in inst.pairs:
                    name = pair.key.value
                    value = literal(pair.value.value)[0].strip() if pair.value else ""
                    if name in live and not value and own:
                        origin = live.pop(name)
                        yield origin[0], self._env_report(shared, i, pair.key.span, name, origin)
                    elif is_secret_name(name) and value and not (
                            is_variable_reference(value) or is_placeholder(value)):
                        live[name] = (i, pair)
                    else:
                        live.pop(name, None)
            elif inst.name == "RUN" and own and live:
                run = shared.runs[i]
                for command in run.commands():
                    if command.program != "unset":
                        continue
                    for word in command.args:
                        if word.value in live:
                            origin = live[word.value]
                            yield origin[0], self._env_report(shared, i, run.word_span(word),
                                                              word.value, origin)

    def _env_report(self, shared: Facts, i: int, span: Span, name: str,
                    origin: tuple[int, KeyValue]) -> Finding:
        decl, pair = origin
        inst = shared.analysis.instructions[i]
        how = "RUN unset" if inst.name == "RUN" else "an empty ENV"
        message = (f"{how} does not remove {name}: the ENV on line "
                   f"{shared.analysis.instructions[decl].start_line + 1} keeps its value in the "
                   f"image history and configuration; use a build secret instead")
        return self.finding(span, message, severity=shared.severity(Severity.ERROR, i),
                            related=(Related(pair.key.span, f"ENV {name} is set here"),),
                            fix=convert_to_secret(shared.analysis, shared, decl, pair),
                            data={"name": name, "kind": "env"})


def _secrets(shared: Facts, i: int) -> list[_Secret]:
    """The secret paths the layer of instruction ``i`` leaves behind."""
    inst = shared.analysis.instructions[i]
    found: list[_Secret] = []
    if inst.name in ("COPY", "ADD"):
        for src in copy_sources(shared, i, inst):
            credential = classify(src.text) if src.text else None
            if credential is None and not src.recursive:
                credential = classify(src.path)
            if credential is None or is_public(src.path) or (
                    credential.pattern == "*.pem"
                    and is_ca_material(src.text + " " + src.path)):
                continue
            event = PathEvent(src.path, i, src.token.span, "copy", src.recursive)
            found.append(_Secret(event, credential.kind))
    elif writes_secrets(shared, i):
        run = shared.runs[i]
        for write in secret_writes(shared, run):
            if removed_in_run(run, write.event.path, write.event.command):
                continue
            if write.reason == "name":
                what = write.credential.kind if write.credential else "credential file"
            elif write.reason == "secret-mount":
                what = "a copy of a mounted secret"
            else:
                what = f"a file written from {write.reason.upper()} {write.variable}"
            found.append(_Secret(write.event, what))
        commands = run.commands()
        for gen in key_generations(run):
            index = commands.index(gen.command)
            for path, span in gen.outputs:
                if run.transient(path) or removed_in_run(run, path, index):
                    continue
                found.append(_Secret(PathEvent(path, i, span, "keygen", True),
                                     f"a private key generated by {gen.tool}"))
    return found
