"""LW308 secret-mount-persisted."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.shell import Command, getopt
from ...patterns import lazy_pattern
from ...syntax.span import Span, TextEdit
from ..base import Finding, Fix, InstructionRule, Reads, Related, Severity
from .commands import credentials, source
from .facts import Facts, Mount, RunFacts, facts
from .layers import SecretWrite, home, removed_in_run, resolve, secret_writes

_LOGIN_TOOLS = frozenset({"docker", "podman", "buildah", "skopeo", "nerdctl", "helm", "oras"})
_AND_AFTER = lazy_pattern(r"[ \t]*(?:\\\n[ \t]*)*&&[ \t]*(?:\\\n[ \t]*)*")
_AND_BEFORE = lazy_pattern(r"[ \t]*(?:\\\n[ \t]*)*&&[ \t]*(?:\\\n[ \t]*)*$")


class SecretMountPersisted(InstructionRule):
    """## What it does
    Reports a `RUN --mount=type=secret` (or `type=ssh`) that copies the secret into the
    image file system and does not delete it in the same `RUN`: `cp /run/secrets/npmrc
    ~/.npmrc`, `cat /run/secrets/x > file`, `echo "$TOKEN" >> ~/.netrc` with an `env=`
    secret, and commands that store the credential in a config file, such as
    `git config --global url."https://${TOKEN}@github.com/".insteadOf`, `npm config set`,
    `aws configure set` or `docker login`. Writes to a tmpfs or cache mount do not count.

    ## Why it matters
    A secret mount exists only while the `RUN` runs; a copy of it is part of the layer and
    of every image built from it, which defeats the mount.

    ## Example
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM node:22-alpine
    RUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc /root/.npmrc && npm ci
    ```

    ## Use instead
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM node:22-alpine
    RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    ```

    ## References
    - https://docs.docker.com/reference/dockerfile/#run---mounttypesecret
    """

    id = "LW308"
    name = "secret-mount-persisted"
    severity = Severity.WARNING
    summary = "A mounted secret is copied into the image file system"

    names = frozenset({"RUN"})
    #: The paths a RUN writes depend on the working directory (WORKDIRs of the stage and of
    #: the stages it is built FROM).
    reads = Reads.LINEAGE
    reads_inert_runs = False

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Check a RUN that has a secret or ssh mount."""
        if not analysis.instructions[index].flags_named("mount"):
            return
        shared = facts(analysis)
        run = shared.runs[index]
        if not any(m.type in ("secret", "ssh") for m in run.mounts):
            return
        spans: set[Span] = set()
        for write in secret_writes(shared, run):
            if write.reason != "secret-mount":
                continue
            event = write.event
            if removed_in_run(run, event.path, event.command) or event.span in spans:
                continue
            spans.add(event.span)
            yield self._written(shared, run, write)
        for finding in self._stored(shared, run):
            if finding.span not in spans:
                spans.add(finding.span)
                yield finding

    def _written(self, shared: Facts, run: RunFacts, write: SecretWrite) -> Finding:
        event = write.event
        mount = write.mount
        what = f"${write.variable}" if write.variable else (
            f"secret '{mount.id}'" if mount is not None and mount.id else "the mounted secret")
        message = (f"{what} is written to {event.path}, which stays in the image layer; use "
                   f"the mount itself (target={event.path}, or point the tool at "
                   f"/run/secrets/…) instead of a copy")
        related = (Related(mount.span, "the secret is mounted here"),) if mount else ()
        return self.finding(event.span, message, severity=shared.severity(self.severity,
                                                                          run.index),
                            related=related, fix=_target_fix(run, write),
                            data={"path": event.path, "secret": (mount.id or "") if mount else "",
                                  "variable": write.variable})

    def _stored(self, shared: Facts, run: RunFacts) -> Iterator[Finding]:
        """Commands that save a mounted credential into a config file of the image."""
        for cred in credentials(run):
            if not cred.stores or source(shared, run, cred.text)[0] != "secret":
                continue
            path = resolve(run, cred.stores)
            if run.transient(path) or removed_in_run(run, path):
                continue
            yield self._store_finding(shared, run, run.span(cred.start, cred.end), cred.what,
                                      path)
        commands = run.commands()
        for index, command in enumerate(commands):
            if not _stdin_login(command) or not command.pipe_in or index == 0:
                continue
            feeder = commands[index - 1]
            if not run.reads_secret(" ".join(w.raw for w in feeder.args)) and not any(
                    v in run.secret_envs for w in feeder.args for v in re.findall(
                        r"\$\{?([A-Za-z_]\w*)", w.raw)):
                continue
            path = home(run).rstrip("/") + "/.docker/config.json"
            if removed_in_run(run, path, index):
                continue
            yield self._store_finding(shared, run, run.span(command.name.start, command.name.end),
                                      f"{command.program} login", path)

    def _store_finding(self, shared: Facts, run: RunFacts, span: Span, what: str,
                       path: str) -> Finding:
        mount = next((m for m in run.mounts if m.type == "secret"), None)
        message = (f"{what} stores the mounted secret in {path}, which stays in the image "
                   f"layer; delete it in the same RUN or configure the tool to read the secret "
                   f"mount")
        related = (Related(mount.span, "the secret is mounted here"),) if mount else ()
        return self.finding(span, message, severity=shared.severity(self.severity, run.index),
                            related=related, data={"path": path, "what": what})


def _stdin_login(command: Command) -> bool:
    if command.program not in _LOGIN_TOOLS:
        return False
    values = [w.value for w in command.args]
    return "login" in values[:2] and "--password-stdin" in values


def _target_fix(run: RunFacts, write: SecretWrite) -> Fix | None:
    """Mount the secret at the destination and drop the copy (``cp`` or ``cat >``)."""
    mount = write.mount
    event = write.event
    text = run.text
    if mount is None or mount.type != "secret" or mount.env or text is None or not event.exact:
        return None
    commands = run.commands()
    command = commands[event.command]
    if command.scope or command.parent is not None or command.in_condition:
        return None
    if command.program in ("cp", "install"):
        _, operands = getopt(command.args, "tSm", {"--target-directory", "--suffix", "--mode"})
        if len(operands) != 2:
            return None
    elif command.program == "cat":
        if len(command.args) != 1 or len(command.redirects) != 1:
            return None
    else:
        return None
    if mount.target is None or text.text.count(mount.target) != 1:
        return None
    removal = _removal(text.text, command)
    if removal is None:
        return None
    flag_edit = _retarget(mount, event.path)
    if flag_edit is None:
        return None
    edits = (flag_edit, TextEdit(run.span(*removal), ""))
    return Fix(f"Mount the secret at {event.path} instead of copying it",
               tuple(sorted(edits, key=lambda e: e.span.start)), safe=False)


def _removal(script: str, command: Command) -> tuple[int, int] | None:
    """The script range that removes a command with its ``&&``."""
    after = _AND_AFTER.match(script, command.end)
    if after is not None:
        return command.start, after.end()
    before = _AND_BEFORE.search(script, 0, command.start)
    if before is not None and script[command.end:].strip() == "":
        return before.start(), command.end
    return None


def _retarget(mount: Mount, path: str) -> TextEdit | None:
    """Point a secret mount's target at ``path``."""
    flag = mount.flag
    span = flag.value_span
    if span is None or span.start.line != span.end.line:
        return None
    for key in ("target", "dst", "destination"):
        if key in mount.options:
            option_span = mount.options[key][1]
            start = option_span.start._replace(col=option_span.start.col + len(key) + 1)
            return TextEdit(Span(start, option_span.end), path)
    return TextEdit(Span(span.end, span.end), f",target={path}")
