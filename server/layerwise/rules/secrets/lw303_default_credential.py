"""LW303 default-credential."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...syntax.span import Span
from ..base import Finding, InstructionRule, Reads, Severity
from .detector import default_credential, literal
from .facts import facts, lower
from .fixes import remove_default
from .lw301_secret_named_arg_env import declaration, secret_pairs
from .masking import mask


class DefaultCredential(InstructionRule):
    """## What it does
    Reports a secret-named `ENV` or `ARG` whose literal value is a dictionary or low-entropy
    password (`admin`, `password`, `root`, `secret`, `changeme`, `fsociety`, …): a default
    credential baked into every container built from the image. Placeholders such as
    `XXXXXXXX`, `00000000` or `<set-me>` are left to LW301.

    ## Why it matters
    Every container shares the same password, and it is public in the image configuration
    and in the Dockerfile. Services started with it are open to anyone who reads either.

    ## Example
    ```dockerfile
    FROM mysql:8.4
    ENV MYSQL_ROOT_PASSWORD=changeme
    ```

    ## Use instead
    ```dockerfile
    FROM mysql:8.4
    ENV MYSQL_ROOT_PASSWORD_FILE=/run/secrets/mysql_root_password
    ```

    ## References
    - hadolint DL3064 and BuildKit `SecretsUsedInArgOrEnv` (partially)
    - https://docs.docker.com/build/building/secrets/
    """

    id = "LW303"
    name = "default-credential"
    severity = Severity.WARNING
    summary = "A default password is baked into the image"

    names = frozenset({"ARG", "ENV"})
    #: The severity of an ARG depends on the RUNs of its stage that use it (see LW301).
    reads = Reads.LINEAGE
    reads_inert_runs = False

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report secret-named entries with a dictionary or low-entropy value."""
        for pair, value in secret_pairs(analysis.instructions[index]):
            if pair.value is None or value is None:
                continue
            if not default_credential(pair.key.value, value):
                continue
            decl = declaration(facts(analysis), index, pair, value)
            raw = pair.value.value
            value, offset = literal(raw)
            span = pair.value.span
            if span.start.line == span.end.line and span.end.col - span.start.col == len(raw):
                start = span.start.col + offset
                span = Span.of(span.start.line, start, span.start.line, start + len(value))
            severity = Severity.WARNING
            if decl.destination not in ("image", "history"):
                severity = lower(severity)
            kind = decl.inst.name
            shown = mask(value)
            where = ("every container starts with it" if kind == "ENV"
                     else "every build that does not override it uses it")
            message = (f"{kind} {pair.key.value} has a default credential '{shown}': {where}; "
                       f"remove the default and require it at run time (or read it from a "
                       f"*_FILE path)")
            yield self.finding(
                span, message, severity=severity,
                fix=remove_default(analysis, decl.inst, pair),
                data={"name": pair.key.value, "kind": kind, "masked": shown,
                      "destination": decl.destination})
