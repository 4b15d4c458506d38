"""LW304 credential-in-command."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...syntax.span import TextEdit
from ..base import Finding, Fix, Related, Rule, Severity
from .commands import Credential, credentials, literal_worth_reporting, source
from .facts import Facts, RunFacts, facts
from .fixes import add_flag, convert_to_secret, env_secrets_supported, mount_flag, syntax_edit
from .masking import mask
from .staged import staged_findings


class CredentialInCommand(Rule):
    """## What it does
    Finds credentials passed on `RUN` command lines: URL userinfo (`https://user:pass@host`,
    `git clone https://$TOKEN@github.com/…`), `curl -u user:pass`, `Authorization:` and
    API-key headers, `wget --password=`, secret query parameters (`?token=`), npm
    `_authToken` in `npm config set` or an `.npmrc` being written, `docker login -p`,
    `mysql -p…`, `sshpass -p`, `aws configure set aws_secret_access_key`, `az login -p`,
    `doctl auth init -t`, `gcloud auth activate-service-account`, and `--password=`-like
    options. A literal credential is an Error; one expanded from an `ARG` or `ENV` is a
    Warning. Values from a secret mount (`env=` or `$(cat /run/secrets/…)`) are fine.

    ## Why it matters
    The command line of every `RUN` is stored in the image history (`docker history`),
    with `ARG` values expanded, and in provenance attestations.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    ARG DEPLOY_PASSWORD
    RUN curl -fsSL -u deploy:${DEPLOY_PASSWORD} https://repo.example.com/app.tar.gz | tar xz
    ```

    ## Use instead
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM alpine:3.20
    RUN --mount=type=secret,id=DEPLOY_PASSWORD,env=DEPLOY_PASSWORD \\
        curl -fsSL -u deploy:${DEPLOY_PASSWORD} https://repo.example.com/app.tar.gz | tar xz
    ```

    ## References
    - gitleaks `curl-auth-user`, `curl-auth-header`; detect-secrets BasicAuthDetector
    - trivy DS-0031; https://docs.docker.com/build/building/secrets/
    """

    id = "LW304"
    name = "credential-in-command"
    severity = Severity.ERROR
    summary = "A credential is passed on a RUN command line and stored in the image history"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Look at each command of each RUN, stage by stage."""
        shared = facts(analysis)
        return staged_findings(self.id, analysis, lambda stage: self._stage(shared, stage))

    def _stage(self, shared: Facts, stage: int) -> tuple[list[Finding], set[int]]:
        """The findings of one stage, and the other stages they read: the fix that turns a
        variable declared in an ancestor into a build secret reads the uses of the variable
        in all the stages built FROM that ancestor."""
        analysis = shared.analysis
        found: list[Finding] = []
        others: set[int] = set()
        for i in shared.indexes(stage):
            if i not in shared.runs:
                continue
            run = shared.runs[i]
            for cred in credentials(run):
                finding = self._judge(shared, run, cred)
                if finding is not None:
                    found.append(finding)
                    decl = shared.declaration(i, finding.data["variable"])
                    if decl is not None:
                        others.add(analysis.stage_of[decl])
        return found, others

    def _judge(self, shared: Facts, run: RunFacts, cred: Credential) -> Finding | None:
        kind, name = source(shared, run, cred.text)
        if kind in ("secret", "unknown"):
            return None
        if kind == "literal" and not literal_worth_reporting(cred.text):
            return None
        span = run.span(cred.start, cred.end)
        stores = f" and writes it to {cred.stores}" if cred.stores else ""
        if kind == "literal":
            severity = Severity.ERROR
            shown = mask(cred.text.strip("\"'"))
            message = (f"{cred.what} is a literal credential ('{shown}')"
                       f"{stores}; the command line is stored in the image history: "
                       f"pass it as a build secret")
            fix = self._literal_fix(shared, run, cred)
            related: tuple[Related, ...] = ()
        else:
            severity = Severity.WARNING
            message = (f"{cred.what} comes from {kind.upper()} {name}{stores}; its value is "
                       f"stored in the image history: mount it with "
                       f"{mount_flag(name or 'SECRET')} instead")
            decl = shared.declaration(run.index, name or "")
            fix = None
            related = ()
            if decl is not None:
                inst = shared.analysis.instructions[decl]
                pair = next((p for p in inst.pairs if p.key.value == name), None)
                if pair is not None:
                    fix = convert_to_secret(shared.analysis, shared, decl, pair)
                    related = (Related(pair.key.span, f"{inst.name} {name} is declared here"),)
        message += _advice(cred)
        data = {"what": cred.what, "source": kind, "variable": name or "",
                "masked": mask(cred.text.strip("\"'")) if kind == "literal" else ""}
        return self.finding(span, message, severity=shared.severity(severity, run.index),
                            related=related, fix=fix, data=data)

    @staticmethod
    def _literal_fix(shared: Facts, run: RunFacts, cred: Credential) -> Fix | None:
        """Replace the literal with ``${NAME}`` and mount the secret as ``NAME``."""
        if not cred.exact or not env_secrets_supported(shared.analysis) or run.text is None:
            return None
        text = run.text.text
        if _single_quoted(text, cred.command.start, cred.start):
            return None
        name = cred.suggested
        span = run.span(cred.start, cred.end)
        if span.start.line != span.end.line:
            return None
        edits = [TextEdit(span, "${" + name + "}"), add_flag(run.inst, mount_flag(name))]
        syntax = syntax_edit(shared.analysis)
        if syntax is not None:
            edits.append(syntax)
        return Fix(f"Pass it as build secret {name} ({mount_flag(name)})",
                   tuple(sorted(edits, key=lambda e: e.span.start)), safe=False)


def _advice(cred: Credential) -> str:
    """Tool-specific advice from the catalog (npm and git)."""
    if "npm" in cred.what or cred.suggested == "NPM_TOKEN":
        return " (for npm, mount the whole file: --mount=type=secret,id=npmrc,target=/root/.npmrc)"
    if cred.suggested == "GIT_AUTH_TOKEN" or cred.stores == "~/.gitconfig":
        return (" (for git, use --mount=type=ssh, or ADD the repository with the GIT_AUTH_TOKEN "
                "build secret)")
    return ""


def _single_quoted(text: str, start: int, at: int) -> bool:
    """Tell whether offset ``at`` of a command starting at ``start`` is inside '…'."""
    quote = ""
    i = start
    while i < at:
        ch = text[i]
        if quote == "'":
            if ch == "'":
                quote = ""
        elif quote == '"':
            if ch == "\\":
                i += 1
            elif ch == '"':
                quote = ""
        elif ch == "\\":
            i += 1
        elif ch in "'\"":
            quote = ch
        i += 1
    return quote == "'"
