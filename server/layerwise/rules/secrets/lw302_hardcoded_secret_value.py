"""LW302 hardcoded-secret-value."""

from __future__ import annotations

from collections.abc import Hashable, Iterator

from ...memo import IdentityMemo
from ...model.analysis import Analysis
from ...model.shell import Command
from ...syntax.nodes import Instruction, KeyValue
from ...syntax.span import Span
from ..base import Finding, Fix, InstructionRule, Reads, Severity
from .detector import (
    Match,
    cached_data_secrets,
    generic_secret,
    literal,
    provider_matches,
    value_secret,
)
from .facts import Facts, MappedText, RunFacts, facts, heredoc_text
from .fixes import convert_to_secret, fix_context
from .masking import mask

_ROTATE = "rotate this credential, it is in VCS history"
#: Commands whose heredoc input is data written somewhere, not a script.
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})


class HardcodedSecretValue(InstructionRule):
    """## What it does
    Finds credentials written into the Dockerfile: provider formats (AWS, GitHub, GitLab,
    Slack, npm, PyPI, Stripe, OpenAI, Anthropic, Google, HashiCorp, private-key blocks, JWTs)
    anywhere in `ENV`/`ARG`/`LABEL` values, `RUN` text and heredocs, and `COPY <<EOF` bodies;
    and random-looking values (8+ characters, letters and digits, more than 3.5 bits of
    entropy per character) assigned to a secret name. Templates, `$VAR` references,
    placeholders, sequences, UUIDs named as ids, checksums, OpenPGP fingerprints and AWS's
    documentation keys are left alone. Values are never shown in full.

    ## Why it matters
    The value is in version control, in the image configuration or history, and in every
    copy of the image. Rotate it: removing it from the Dockerfile does not remove it from
    the Git history or from images already pushed.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    RUN printf '%s\\n' '-----BEGIN OPENSSH PRIVATE KEY-----' > /root/.ssh/id_ed25519
    ```

    ## Use instead
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM alpine:3.20
    RUN --mount=type=ssh git clone git@github.com:acme/app.git /src
    ```

    ## References
    - gitleaks, detect-secrets and trivy secret rules
    - https://docs.docker.com/build/building/secrets/
    """

    id = "LW302"
    name = "hardcoded-secret-value"
    severity = Severity.ERROR
    summary = "A credential value is written into the Dockerfile"

    names = frozenset({"ARG", "ENV", "LABEL", "RUN", "COPY", "ADD", "ONBUILD"})
    #: The fix of an ARG/ENV edits the RUNs of the stage (and of stages built FROM it).
    reads = Reads.LINEAGE
    reads_inert_runs = False

    def context(self, analysis: Analysis) -> Hashable:
        """The fixes read the ``# syntax`` directive and the line break style."""
        return fix_context(analysis)

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Scan ARG/ENV/LABEL values, RUN scripts and heredoc bodies."""
        shared = facts(analysis)
        top = analysis.instructions[index]
        inst = top.effective
        if inst.name in ("ARG", "ENV", "LABEL"):
            for pair in inst.pairs:
                yield from self._pair(shared, index, inst, pair)
        elif inst.name == "RUN" and inst is top and not inst.json:
            found = _RUN_MATCHES.get(inst, None, lambda: _run_matches(shared.runs[index]))
            for match, span, where in found:
                yield self._report(shared, index, match, span, where)
        elif inst.name == "RUN":
            yield from self._texts(shared, index, inst)
        elif inst.name in ("COPY", "ADD"):
            for doc in inst.heredocs:
                text = heredoc_text(doc)
                for match in cached_data_secrets(text.text):
                    yield self._report(shared, index, match, text.span(match.start, match.end),
                                       f"{inst.name} <<{doc.name} body")

    # ----------------------------------------------------------------- ARG / ENV / LABEL

    def _pair(self, shared: Facts, i: int, inst: Instruction, pair: KeyValue
              ) -> Iterator[Finding]:
        if pair.value is None:
            return
        raw = pair.value.value
        value, offset = literal(raw)
        match = value_secret(pair.key.value, value)
        if match is None:
            return
        span = pair.value.span
        single = span.start.line == span.end.line and span.end.col - span.start.col == len(raw)
        if single:
            start = span.start.col + offset
            span = Span.of(span.start.line, start + match.start, span.start.line,
                           start + match.end)
        fix = None
        if inst.name in ("ARG", "ENV") and inst is shared.analysis.instructions[i]:
            fix = convert_to_secret(shared.analysis, shared, i, pair)
        yield self._report(shared, i, match, span, f"{inst.name} {pair.key.value}", fix)

    # ----------------------------------------------------------------- RUN

    def _texts(self, shared: Facts, i: int, inst: Instruction) -> Iterator[Finding]:
        """Provider formats in a JSON-form or ONBUILD RUN."""
        tokens = inst.exec_args if inst.json else (inst.args,)
        for token in tokens:
            for match in provider_matches(token.value):
                yield self._report(shared, i, match, token.span, inst.name)

    # ----------------------------------------------------------------- report

    def _report(self, shared: Facts, i: int, match: Match, span: Span, where: str,
                fix: Fix | None = None) -> Finding:
        severity = Severity.ERROR if match.provider else Severity.WARNING
        severity = shared.severity(severity, i)
        shown = mask(match.secret)
        if match.rule == "private-key":
            what = "private key block"
        elif match.kind == "generic":
            what = "hardcoded secret"
        else:
            what = match.title
        message = f"{what} '{shown}' in {where}; {_ROTATE}"
        data = {"detector": match.rule, "kind": match.kind, "masked": shown,
                "length": str(len(match.secret))}
        return self.finding(span, message, severity=severity, fix=fix, data=data)


def _run_matches(run: RunFacts) -> tuple[tuple[Match, Span, str], ...]:
    """Secrets in a shell-form RUN: provider formats anywhere, generic ones in assignments and
    heredoc bodies (``where`` names the place for the message)."""
    text = run.text
    assert text is not None
    found = provider_matches(text.text)
    taken = [(m.start, m.end) for m in found]
    out = [(match, text.span(match.start, match.end), "RUN") for match in found]
    script = run.script
    if script is None:
        out.extend((match, text.span(match.start, match.end), "RUN")
                   for match in cached_data_secrets(text.text)
                   if not _overlaps(taken, match.start, match.end))
        return tuple(out)
    for command in script.commands:
        for key, start, end in _assigned(text, command):
            value = text.text[start:end]
            if _overlaps(taken, start, end) or run.reads_secret(value):
                continue
            unquoted, off = literal(value)
            if generic_secret(key, unquoted):
                match = Match("generic", "generic-api-key", "secret", unquoted,
                              start + off, start + off + len(unquoted))
                taken.append((start, end))
                out.append((match, text.span(match.start, match.end), f"RUN {key}"))
        if (command.program or "") in _SHELLS:
            continue
        for redirect in command.redirects:
            body = redirect.body
            if body is None or redirect.op not in ("<<", "<<-"):
                continue
            for match in cached_data_secrets(body.raw):
                start, end = body.start + match.start, body.start + match.end
                if len(body.raw) != body.end - body.start or _overlaps(taken, start, end):
                    continue
                taken.append((start, end))
                out.append((match, text.span(start, end), "RUN heredoc"))
    return tuple(out)


#: Secrets of each shell-form RUN by instruction (they read its text and mounts only).
_RUN_MATCHES: IdentityMemo[tuple[tuple[Match, Span, str], ...]] = IdentityMemo(8192)


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in taken)


def _assigned(text: MappedText, command: Command) -> Iterator[tuple[str, int, int]]:
    """``NAME=value`` assignments of a command with the value's offsets in the script."""
    source = text.text
    for key, _ in command.assignments:
        if not key:
            continue
        pos = command.start
        limit = command.end
        while True:
            at = source.find(key + "=", pos, limit)
            if at < 0:
                break
            if at == 0 or not (source[at - 1].isalnum() or source[at - 1] == "_"):
                start = at + len(key) + 1
                end = start
                quote = ""
                while end < limit:
                    ch = source[end]
                    if quote:
                        if ch == quote:
                            quote = ""
                    elif ch in "\"'":
                        quote = ch
                    elif ch.isspace() or ch in ";&|)":
                        break
                    end += 1
                yield key, start, end
                break
            pos = at + 1
