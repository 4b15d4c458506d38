"""LW104 duplicate-stage-name."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.stages import Stage
from ..base import Finding, Related, Severity, StructureRule
from ._common import display_line


class DuplicateStageName(StructureRule):
    """## What it does
    Reports a stage name that an earlier stage already uses. Names are compared
    case-insensitively, as BuildKit lower-cases them.

    ## Why it matters
    Which of the two stages a reference gets depends on where it is: `FROM x` takes the
    closest one above it, while `--from=x` and `--target x` take the last one in the file.
    The other stage silently stops being reachable by name.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /out/api ./cmd/api

    FROM node:20 AS build
    RUN npm ci && npm run build

    FROM alpine:3.20
    COPY --from=build /out/api /usr/local/bin/api
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build-api
    RUN go build -o /out/api ./cmd/api

    FROM node:20 AS build-web
    RUN npm ci && npm run build

    FROM alpine:3.20
    COPY --from=build-api /out/api /usr/local/bin/api
    ```

    ## References
    - BuildKit check DuplicateStageName (`dockerfile2llb/validations.go` `validateStageNames`)
    - hadolint DL3024; trivy DS-0012; checkov CKV_DOCKER_11
    """

    id = "LW104"
    name = "duplicate-stage-name"
    severity = Severity.ERROR
    summary = "Two stages have the same name"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Report every stage whose name an earlier stage already has."""
        first: dict[str, Stage] = {}
        for stage in analysis.stages:
            if not stage.name or stage.name_token is None:
                continue
            original = first.setdefault(stage.name, stage)
            if original is stage or original.name_token is None:
                continue
            yield self.finding(
                stage.name_token.span,
                f"duplicate stage name '{stage.name_token.value}': the stage at line "
                f"{display_line(original.start_line)} is already called "
                f"'{original.name_token.value}'",
                related=(Related(original.name_token.span,
                                 f"'{original.name_token.value}' is first defined here"),),
                data={"buildkit": "DuplicateStageName"})
