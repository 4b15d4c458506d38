"""LW301 secret-named-arg-env."""

from __future__ import annotations

from collections.abc import Hashable, Iterator

from ...model.analysis import Analysis
from ...record import record
from ...syntax.nodes import Instruction, KeyValue
from ..base import Finding, InstructionRule, Reads, Related, Severity
from .detector import is_boolean, is_path, is_placeholder, is_variable_reference, literal
from .facts import Facts, facts
from .fixes import build_hint, convert_to_secret, fix_context, remove_default
from .names import secret_word


@record
class Declaration:
    """A secret-named ARG or ENV entry and where its value ends up."""

    index: int
    inst: Instruction
    pair: KeyValue
    value: str | None  # unquoted literal, None without ``=value``
    destination: str  # "image", "history", "runtime-slot", "unused", "secret-mount",
    #                   "artifact", "global"
    uses: tuple[int, ...]


def secret_pairs(inst: Instruction) -> Iterator[tuple[KeyValue, str | None]]:
    """The entries of an ARG/ENV whose name holds a secret, except path and ``$VAR`` values,
    with their unquoted literal values."""
    if inst.name not in ("ARG", "ENV"):
        return
    for pair in inst.pairs:
        if secret_word(pair.key.value) is None:
            continue
        value = literal(pair.value.value)[0] if pair.value is not None else None
        if value is not None and value.strip() and (
                is_variable_reference(value) or is_path(value) or is_boolean(value)
                or value.strip() in ("0", "1")):
            continue
        yield pair, value


def declaration(shared: Facts, i: int, pair: KeyValue, value: str | None) -> Declaration:
    """Where the value of a secret-named entry of ARG/ENV ``i`` ends up (read from the
    instruction's stage and the stages built FROM it)."""
    analysis = shared.analysis
    inst = analysis.instructions[i]
    name = pair.key.value
    stage = analysis.stage_of[i]
    uses = tuple(shared.uses(i, name))
    if stage < 0:
        return Declaration(i, inst, pair, value, "global", uses)
    in_image = analysis.graph.in_image(stage)
    if inst.name == "ENV":
        if value is not None and not value.strip():
            return Declaration(i, inst, pair, value, "runtime-slot", uses)
        return Declaration(i, inst, pair, value, "image" if in_image else "artifact", uses)
    runs = [u for u in uses if analysis.instructions[u].name == "RUN"]
    if _only_secret_env(shared, i, name, runs):
        return Declaration(i, inst, pair, value, "secret-mount", uses)
    if not uses:
        return Declaration(i, inst, pair, value, "unused", uses)
    return Declaration(i, inst, pair, value, "history" if in_image else "artifact", uses)


def _only_secret_env(shared: Facts, decl: int, name: str, runs: list[int]) -> bool:
    """Tell whether the RUNs that use ``$name`` all get it from a secret mount."""
    analysis = shared.analysis
    stage = analysis.stages[analysis.stage_of[decl]]
    mounted = [i for i in stage.instructions
               if i > decl and i in shared.runs and name in shared.runs[i].secret_envs]
    if not mounted:
        return False
    return all(name in shared.runs[i].secret_envs for i in runs)


class SecretNamedArgEnv(InstructionRule):
    """## What it does
    Reports an `ARG` or `ENV` whose name says it holds a credential (`*_TOKEN`, `*PASSWORD`,
    `*PASS`, `API_KEY`, `CLIENT_SECRET`, `DSN`, the known names such as `AWS_ACCESS_KEY_ID`),
    unless the name only describes one (`GPG_KEY`, `PUBLIC_KEY`, `TOKEN_FILE`, `PASSWORD_LENGTH`)
    or the value is a path or a plain `$VAR`. An `ENV` persists in the image configuration; an
    `ARG` used by a `RUN` is recorded in `docker history` and in provenance attestations.

    ## Why it matters
    Anyone who can pull the image can read its environment and history. Build secrets
    (`RUN --mount=type=secret`) reach the build step without being stored anywhere.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    ARG GITHUB_TOKEN
    RUN wget --header="Authorization: token ${GITHUB_TOKEN}" https://api.github.com/user
    ```

    ## Use instead
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM alpine:3.20
    RUN --mount=type=secret,id=GITHUB_TOKEN,env=GITHUB_TOKEN \\
        wget --header="Authorization: token ${GITHUB_TOKEN}" https://api.github.com/user
    ```
    Build with `docker build --secret id=GITHUB_TOKEN,env=GITHUB_TOKEN .`.

    ## References
    - BuildKit check `SecretsUsedInArgOrEnv`; hadolint DL3064; trivy DS-0031
    - https://docs.docker.com/build/building/secrets/
    """

    id = "LW301"
    name = "secret-named-arg-env"
    severity = Severity.WARNING
    summary = "ARG or ENV name suggests a secret that would be stored in the image or history"

    names = frozenset({"ARG", "ENV"})
    #: Where the value lands, the related uses and the fix read the instructions that use the
    #: variable: later ones of the stage and, for an ENV, of the stages built FROM it.
    reads = Reads.LINEAGE
    reads_inert_runs = False

    def context(self, analysis: Analysis) -> Hashable:
        """The fixes read the ``# syntax`` directive and the line break style."""
        return fix_context(analysis)

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report each secret-named entry with the severity of where its value lands."""
        shared = facts(analysis)
        for pair, value in secret_pairs(analysis.instructions[index]):
            decl = declaration(shared, index, pair, value)
            if decl.destination != "secret-mount":
                yield self._report(shared, decl)

    def _report(self, shared: Facts, decl: Declaration) -> Finding:
        analysis = shared.analysis
        name = decl.pair.key.value
        kind = decl.inst.name
        severity, where = self._where(decl)
        if decl.value is not None and decl.value.strip() and is_placeholder(decl.value):
            severity = Severity.INFORMATION
        hint = build_hint(name)
        if decl.destination == "runtime-slot":
            message = (f"ENV {name} declares an empty slot for a credential; pass it at run time "
                       f"(docker run -e {name}) or from a secret file rather than declaring it "
                       f"in the image")
        else:
            message = (f"{kind} {name} looks like a credential: {where}; use a build secret "
                       f"instead ({hint})")
        related = tuple(
            Related(analysis.instructions[u].keyword.span,
                    f"{analysis.instructions[u].name} uses ${name} here")
            for u in decl.uses[:5])
        fix = None
        if decl.destination != "runtime-slot":
            if kind == "ENV" and not any(
                    analysis.instructions[u].name == "RUN" for u in decl.uses):
                fix = remove_default(analysis, decl.inst, decl.pair)
            else:
                fix = convert_to_secret(analysis, shared, decl.index, decl.pair)
        data = {"name": name, "kind": kind, "destination": decl.destination,
                "secret": hint.removeprefix("docker build ")}
        return self.finding(decl.pair.key.span, message, severity=severity, related=related,
                            fix=fix, data=data)

    @staticmethod
    def _where(decl: Declaration) -> tuple[Severity, str]:
        dest = decl.destination
        if dest == "image":
            return Severity.WARNING, "ENV values persist in the image configuration"
        if dest == "history":
            return Severity.WARNING, ("its value is recorded in the image history "
                                      "(docker history) and provenance")
        if dest == "runtime-slot":
            return Severity.INFORMATION, ""
        if dest == "artifact":
            return Severity.INFORMATION, ("the stage does not ship, but the build cache and "
                                          "provenance keep its value")
        if dest == "global":
            return Severity.INFORMATION, ("a global ARG reaches the build when a stage "
                                          "re-declares it")
        return Severity.INFORMATION, "declared but not used by any RUN"
