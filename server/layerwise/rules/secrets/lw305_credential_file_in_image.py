"""LW305 credential-file-in-image."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.variables import expand
from ...patterns import lazy_pattern
from ...syntax.nodes import Instruction
from ...syntax.span import Span
from ..base import Finding, Related, Rule, Severity
from .detector import cached_data_secrets
from .facts import Facts, facts
from .files import CredentialFile, classify, is_ca_material, is_public
from .fixes import mount_instead_of_copy
from .layers import (
    CopySource,
    copy_sources,
    key_generations,
    layer_at,
    removed_in_run,
    removed_later,
    secret_writes,
    writes_secrets,
)
from .names import is_secret_name
from .staged import staged_findings

#: ENV names that point at a credential file (trivy DS-0031).
CREDENTIAL_PATH_ENVS = frozenset({"GOOGLE_APPLICATION_CREDENTIALS", "AWS_CONFIG_FILE",
                                  "AWS_SHARED_CREDENTIALS_FILE", "HF_TOKEN_PATH", "KUBECONFIG",
                                  "AZURE_AUTH_LOCATION", "DOCKER_CONFIG", "NPM_CONFIG_USERCONFIG"})
_REMOTE = re.compile(r"(?:https?|git|ssh)://|git@", re.IGNORECASE)
_VARIABLE = lazy_pattern(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_GLOB = frozenset("*?[")


class CredentialFileInImage(Rule):
    """## What it does
    Reports credential files that end up in an image layer: a `COPY`/`ADD` of private keys
    (`id_rsa`, `*.key`, `*.pem`, `*.p12`), cloud credentials (`.aws/credentials`,
    `*service-account*.json`, `kubeconfig`) or token files (`.npmrc`, `.pypirc`, `.netrc`,
    `.env`, `*.tfvars`); a `RUN` that writes such a file from a secret-named `ARG`/`ENV`; a
    `RUN` that generates a private key (`ssh-keygen`, `openssl genrsa`) in the image; and an
    `ENV GOOGLE_APPLICATION_CREDENTIALS`-like variable pointing at a copied file. Public
    material (`*.pub`, `known_hosts`, OpenPGP keys, CA bundles) and samples (`.env.example`)
    are left alone. A file deleted by a later layer is LW307's.

    The quick fix of a copied key or token file mounts it into the `RUN`s that follow the copy
    (`--mount=type=ssh` for SSH keys, `--mount=type=secret` otherwise). With no such `RUN` it
    adds the file to the ignore file BuildKit reads (`<Dockerfile>.dockerignore`, else
    `.dockerignore`, created if missing); that fix is offered in the editor when the build
    context is known, and `check --fix` does not apply it.

    ## Why it matters
    Every layer is part of the image: anyone who pulls it can extract the file with
    `docker save`. Generated keys are shared by every container started from the image.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    COPY id_rsa /root/.ssh/id_rsa
    RUN git clone git@github.com:acme/app.git /src
    ```

    ## Use instead
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM alpine:3.20
    RUN --mount=type=ssh git clone git@github.com:acme/app.git /src
    ```
    Build with `docker build --ssh default .`.

    ## References
    - trivy DS-0031; gitleaks `private-key`
    - https://docs.docker.com/build/building/secrets/
    """

    id = "LW305"
    name = "credential-file-in-image"
    severity = Severity.ERROR
    summary = "A credential file is copied into, written to or generated in an image layer"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Check COPY/ADD sources, RUN writes and key generation, and credential ENVs, stage
        by stage."""
        shared = facts(analysis)
        return staged_findings(self.id, analysis, lambda stage: self._stage(shared, stage))

    def _stage(self, shared: Facts, stage: int) -> tuple[list[Finding], list[int]]:
        """The findings of one stage and the other stages they read: an ENV pointing at a
        credential file looks at the layers of every ancestor, and at the removals in the
        stages built FROM each of them."""
        if stage < 0:
            return [], []
        analysis = shared.analysis
        found: list[Finding] = []
        reported: set[tuple[int, Span]] = set()
        for i in shared.indexes(stage):
            inst = analysis.instructions[i]
            if inst.name in ("COPY", "ADD"):
                copies = list(self._copy(shared, i, inst))
                reported.update((i, f.span) for f in copies)
                found.extend(copies)
            elif writes_secrets(shared, i):
                found.extend(self._written(shared, i))
                found.extend(self._generated(shared, i))
        pointers = [(i, analysis.instructions[i]) for i in shared.indexes(stage)
                    if analysis.instructions[i].name == "ENV"]
        if not any(p.key.value.upper() in CREDENTIAL_PATH_ENVS for _, inst in pointers
                   for p in inst.pairs):
            return found, []
        chain = shared.chain(stage)
        for j in (j for s in chain[:-1] for j in analysis.stages[s].instructions):
            if analysis.instructions[j].name in ("COPY", "ADD"):
                reported.update((j, f.span) for f in self._copy(shared, j,
                                                                analysis.instructions[j]))
        for i, inst in pointers:
            found.extend(self._pointer(shared, i, inst, reported))
        return found, chain

    # ----------------------------------------------------------------- (a) COPY / ADD

    def _copy(self, shared: Facts, i: int, inst: Instruction) -> Iterator[Finding]:
        sources = copy_sources(shared, i, inst)
        for src in sources:
            found = self._credential(shared, i, inst, src)
            if found is None:
                continue
            credential, shown = found
            if removed_later(shared, i, src.path):
                continue
            severity = Severity.ERROR if credential.grave else Severity.WARNING
            ca = credential.pattern == "*.pem" and is_ca_material(src.text + " " + src.path)
            if ca:
                severity = Severity.INFORMATION
            severity = shared.severity(severity, i)
            message = (f"{inst.name} puts {credential.kind} '{shown}' into the image at "
                       f"{src.path}; anyone with the image can extract it")
            if ca:
                message = (f"{inst.name} puts '{shown}' into the image at {src.path}; it looks "
                           f"like a CA certificate, make sure it holds no private key")
            fix = None if ca else mount_instead_of_copy(shared, i, inst, src, credential,
                                                        len(sources))
            yield self.finding(src.token.span, message, severity=severity, fix=fix,
                               data={"path": src.path, "kind": credential.kind,
                                     "pattern": credential.pattern, "trigger": "copy"})

    def _credential(self, shared: Facts, i: int, inst: Instruction, src: CopySource
                    ) -> tuple[CredentialFile, str] | None:
        if src.heredoc:
            credential = classify(src.path)
            if credential is None or not self._heredoc_secret(shared, i, inst, src.heredoc):
                return None
            return credential, posixpath.basename(src.path)
        if _REMOTE.match(src.text) or is_public(src.path):
            return None
        credential = classify(src.text)
        if credential is None and not src.recursive and not src.dest.value.endswith("/"):
            credential = classify(src.path)
        if credential is not None:
            return credential, src.text
        context = shared.analysis.context
        if context is None or inst.flag("from") is not None or not _GLOB & set(src.text):
            return None
        matches = [(p, c) for p in context.glob(src.text, limit=200)
                   if (c := classify(p)) is not None]
        if not matches:
            return None
        names = ", ".join(p for p, _ in matches[:3]) + (", …" if len(matches) > 3 else "")
        grave = next((c for _, c in matches if c.grave), matches[0][1])
        return grave, names

    @staticmethod
    def _heredoc_secret(shared: Facts, i: int, inst: Instruction, name: str) -> bool:
        doc = next((d for d in inst.heredocs if d.name == name), None)
        if doc is None:
            return False
        if cached_data_secrets(doc.content):
            return True
        if not doc.expand:
            return False
        scope = shared.analysis.scopes[i]
        return any(is_secret_name(n) and n in scope for n in _VARIABLE.findall(doc.content))

    # ----------------------------------------------------------------- (b) RUN writes

    def _written(self, shared: Facts, i: int) -> Iterator[Finding]:
        run = shared.runs[i]
        for write in secret_writes(shared, run):
            credential = write.credential
            if write.reason not in ("arg", "env") or credential is None:
                continue
            event = write.event
            if removed_in_run(run, event.path, event.command):
                continue
            if removed_later(shared, i, event.path):
                continue
            severity = shared.severity(
                Severity.ERROR if credential.grave else Severity.WARNING, i)
            decl = shared.declaration(i, write.variable)
            related: tuple[Related, ...] = ()
            if decl is not None:
                inst = shared.analysis.instructions[decl]
                pair = next((p for p in inst.pairs if p.key.value == write.variable), None)
                if pair is not None:
                    related = (Related(pair.key.span,
                                       f"{inst.name} {write.variable} is declared here"),)
            message = (f"RUN writes {credential.kind} {event.path} from "
                       f"{write.reason.upper()} {write.variable}; the file stays in this layer: "
                       f"mount it with --mount=type=secret,id=…,target={event.path} instead")
            yield self.finding(event.span, message, severity=severity, related=related,
                               data={"path": event.path, "kind": credential.kind,
                                     "variable": write.variable, "trigger": "write"})

    # ----------------------------------------------------------------- (c) key generation

    def _generated(self, shared: Facts, i: int) -> Iterator[Finding]:
        if not shared.in_image(i):
            return
        run = shared.runs[i]
        commands = run.commands()
        for gen in key_generations(run):
            index = commands.index(gen.command)
            kept = [(path, span) for path, span in gen.outputs
                    if not run.transient(path) and not removed_in_run(run, path, index)
                    and not removed_later(shared, i, path)]
            if not kept:
                continue
            path = kept[0][0]
            message = (f"{gen.tool} generates a private key ({path}) in an image layer: every "
                       f"container of this image shares it; generate it at container start "
                       f"or mount it")
            name_span = run.span(gen.command.name.start, gen.command.name.end)
            related = tuple(Related(s, f"the key is written to {p}") for p, s in kept
                            if s != name_span)
            yield self.finding(name_span, message, severity=Severity.ERROR, related=related,
                               data={"path": path, "kind": "generated private key",
                                     "trigger": "generate"})

    # ----------------------------------------------------------------- (d) ENV pointers

    def _pointer(self, shared: Facts, i: int, inst: Instruction,
                 reported: set[tuple[int, Span]]) -> Iterator[Finding]:
        analysis = shared.analysis
        for pair in inst.pairs:
            if pair.key.value.upper() not in CREDENTIAL_PATH_ENVS or pair.value is None:
                continue
            value = expand(pair.value.value, analysis.scopes[i], shared.escape)
            if not value.exact or not value.value.strip():
                continue
            path = posixpath.normpath(posixpath.join(shared.cwd[i], value.value.strip()))
            chain = shared.chain(analysis.stage_of[i])
            for j in sorted(j for s in chain for j in analysis.stages[s].instructions):
                layer = layer_at(shared, j)
                if layer is None or analysis.instructions[j].name not in ("COPY", "ADD"):
                    continue
                event = next((e for e in layer.created if e.path == path or (
                    e.recursive and path.startswith(e.path.rstrip("/") + "/"))), None)
                if event is None or (j, event.span) in reported:
                    continue
                if removed_later(shared, j, path):
                    continue
                message = (f"{pair.key.value} points at {path}, which "
                           f"{analysis.instructions[j].name} puts into the image: the "
                           f"credential file ships with it; mount it at run time instead")
                yield self.finding(
                    pair.value.span, message, severity=shared.severity(Severity.ERROR, i),
                    related=(Related(event.span, f"{path} is copied into the image here"),),
                    data={"path": path, "kind": "credential file", "variable": pair.key.value,
                          "trigger": "env"})
                break
