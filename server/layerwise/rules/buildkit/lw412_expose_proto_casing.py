"""LW412 expose-proto-casing, and the EXPOSE port reading LW413 shares."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ...model.analysis import Analysis
from ...model.variables import Variable, expand
from ...record import record
from ...syntax.nodes import Token
from ...syntax.span import Span, TextEdit
from ..base import Finding, Fix, InstructionRule, Reads, Severity

#: Stands for a variable whose value is unknown.
UNKNOWN = "\x00"
_PROTOCOLS = ("tcp", "udp", "sctp")


@record
class PortSpec:
    """One EXPOSE port as BuildKit splits it: ``[ip:][host:]port[/proto]``."""

    token: Token
    text: str  # the spec after expansion; UNKNOWN marks unknown variables
    literal: bool  # the token has no variables, so offsets in ``text`` index the source
    ip: str
    host: str
    port: str
    proto: str

    @property
    def container(self) -> str:
        """``port`` or ``port/proto``: what EXPOSE keeps of the spec."""
        return f"{self.port}/{self.proto}" if self.proto else self.port

    def proto_span(self) -> Span | None:
        """Where the protocol is written, when the spec is literal and on one line."""
        span = self.token.span
        if not self.literal or span.start.line != span.end.line or \
                span.end.col - span.start.col != len(self.text):
            return None
        col = span.start.col + len(self.text) - len(self.proto)
        return Span.of(span.start.line, col, span.start.line, col + len(self.proto))


def expose_ports(analysis: Analysis, index: int) -> Iterator[PortSpec]:
    """Every port of the EXPOSE at ``index`` whose protocol BuildKit accepts, expanded with its
    scope."""
    for token in analysis.instructions[index].words:
        for text, literal in _expanded(token, analysis.scopes[index], analysis.dockerfile.escape):
            spec = _split(token, text, literal)
            if spec is not None:
                yield spec


def _expanded(token: Token, scope: Mapping[str, Variable],
              escape: str) -> Iterator[tuple[str, bool]]:
    """The specs a word stands for: split when its value is known, masked when it is not."""
    expansion = expand(token.value, scope, escape)
    if not expansion.references:
        yield expansion.value, expansion.value == token.value
    elif expansion.exact:
        for part in expansion.value.split():
            yield part, False
    else:
        masked = token.value
        for ref in reversed(expansion.references):
            masked = masked[:ref.start] + UNKNOWN + masked[ref.end:]
        yield masked, False


def _split(token: Token, text: str, literal: bool) -> PortSpec | None:
    """Split like BuildKit's ``parsePort``; None when BuildKit rejects the spec first."""
    parts = text.split(":")
    ip = ":".join(parts[:-2])
    host = parts[-2] if len(parts) >= 2 else ""
    port, _, proto = parts[-1].partition("/")
    if not port or (proto and UNKNOWN not in proto and proto.lower() not in _PROTOCOLS):
        return None
    return PortSpec(token, text, literal, ip, host, port, proto)


class ExposeProtoCasing(InstructionRule):
    """## What it does
    Reports an `EXPOSE` protocol that is not lower case (`80/TCP`) and lower-cases it.

    ## Why it matters
    BuildKit lower-cases the protocol anyway, so the casing only makes the file inconsistent
    with the image configuration and with the rest of the ecosystem (`80/tcp`).

    ## Example
    ```dockerfile
    FROM alpine:3.20
    EXPOSE 80/TcP
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    EXPOSE 80/tcp
    ```

    ## References
    - BuildKit check `ExposeProtoCasing`
    """

    id = "LW412"
    name = "expose-proto-casing"
    severity = Severity.INFORMATION
    summary = "EXPOSE protocol is not lower case"

    reads = Reads.STRUCTURE
    names = frozenset({"EXPOSE"})

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report each port whose protocol has upper-case letters."""
        for spec in expose_ports(analysis, index):
            proto = spec.proto
            if not proto or UNKNOWN in proto or proto == proto.lower():
                continue
            where = spec.proto_span()
            fix = None
            if where is not None:
                fix = Fix(f"Change to {proto.lower()}", (TextEdit(where, proto.lower()),))
            shown = spec.text.replace(UNKNOWN, "…")
            yield self.finding(
                where or spec.token.span,
                f"Defined protocol '{shown}' in EXPOSE instruction should be lowercase; "
                f"write {proto.lower()}",
                fix=fix, data={"buildkit": "ExposeProtoCasing"})
