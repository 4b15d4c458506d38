"""LW413 expose-invalid-format."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...syntax.span import TextEdit
from ..base import Finding, Fix, InstructionRule, Reads, Severity
from .lw412_expose_proto_casing import UNKNOWN, expose_ports


class ExposeInvalidFormat(InstructionRule):
    """## What it does
    Reports an `EXPOSE` port written with a host port or an IP address (`80:8080`,
    `127.0.0.1:80:80`), as in `docker run -p`, and offers to keep only the container port.

    ## Why it matters
    `EXPOSE` only documents the ports the container listens on; publishing is decided at
    run time. BuildKit drops the host part, so `EXPOSE 8080:80` exposes `80` alone, which is
    rarely what the author meant. BuildKit plans to reject this form.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    EXPOSE 127.0.0.1:80:80
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    EXPOSE 80
    ```

    ## References
    - BuildKit check `ExposeInvalidFormat`
    """

    id = "LW413"
    name = "expose-invalid-format"
    severity = Severity.WARNING
    summary = "EXPOSE has an IP address or a host-port mapping"

    reads = Reads.STRUCTURE
    names = frozenset({"EXPOSE"})

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report each port spec with an IP or host part."""
        for spec in expose_ports(analysis, index):
            if not spec.ip and not spec.host:
                continue
            shown = spec.text.replace(UNKNOWN, "…")
            container = spec.container
            port = container.replace(UNKNOWN, "…")
            fix = None
            if spec.literal and UNKNOWN not in container:
                fix = Fix(f"Keep only {container}", (TextEdit(spec.token.span, container),))
            yield self.finding(
                spec.token.span,
                "EXPOSE instruction should not define an IP address or host-port mapping, "
                f"found '{shown}'; expose only the container port {port}",
                fix=fix, data={"buildkit": "ExposeInvalidFormat"})
