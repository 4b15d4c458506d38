"""LW105 stage-name-invalid."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.stages import STAGE_NAME, Stage
from ...syntax.nodes import Token
from ...syntax.span import TextEdit
from ..base import Finding, Fix, Severity, StructureRule
from ._common import from_instruction, match_case, ref_is_editable

_RESERVED = frozenset({"scratch", "context"})


class StageNameInvalid(StructureRule):
    """## What it does
    Checks the name after `AS`: a name BuildKit rejects (it must start with a letter and hold
    only letters, digits, `-`, `_` and `.`) is an Error; upper-case letters and the reserved
    names `scratch` and `context` are Warnings; an `AS` keyword cased differently from its
    `FROM` is Information.

    ## Why it matters
    An invalid name fails the build ("invalid name for build stage"). Upper-case names are
    lower-cased by BuildKit, yet `FROM Name` looks the stage up case-sensitively and pulls an
    image instead, so mixed casing breaks references. `scratch` and `context` already mean
    the empty image and the build context.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS Builder
    RUN go build -o /out/app .

    FROM alpine:3.20
    COPY --from=Builder /out/app /app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN go build -o /out/app .

    FROM alpine:3.20
    COPY --from=builder /out/app /app
    ```

    ## References
    - BuildKit checks StageNameCasing, ReservedStageName, FromAsCasing;
      `instructions/parse.go` `parseBuildStageName` (`^[a-z][a-z0-9-_.]*$`)
    - hadolint DL3063
    """

    id = "LW105"
    name = "stage-name-invalid"
    severity = Severity.ERROR
    summary = "Stage name is invalid, reserved or not lower case"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Check each ``FROM … AS name``."""
        for stage in analysis.stages:
            token = stage.name_token
            if token is None or stage.name is None:
                continue
            if not STAGE_NAME.match(stage.name):
                yield self.finding(
                    token.span,
                    f"invalid stage name '{token.value}': a stage name starts with a letter "
                    "and contains only letters, digits, '-', '_' and '.'")
                continue
            if token.value != stage.name:
                yield self._casing(analysis, stage, token)
            if stage.name in _RESERVED:
                yield self.finding(
                    token.span,
                    f"'{stage.name}' is reserved and should not be a stage name: "
                    + ("it means the empty image" if stage.name == "scratch"
                       else "it names the build context"),
                    severity=Severity.WARNING, data={"buildkit": "ReservedStageName"})
            finding = self._as_casing(analysis, stage)
            if finding is not None:
                yield finding

    def _casing(self, analysis: Analysis, stage: Stage, token: Token) -> Finding:
        """Upper-case letters: lower-case the name and every reference to it."""
        name = stage.name or token.value.lower()
        edits = [TextEdit(token.span, name)]
        for ref in analysis.refs:
            # FROM lines written like the name do not resolve (BuildKit compares exactly)
            # but mean this stage; the rename fixes them too.
            meant = ref.target == stage.index and ref.resolution == "stage" or (
                ref.kind == "from" and ref.resolution == "image" and ref.stage > stage.index)
            if (meant and ref.text != name and ref.text.lower() == name
                    and ref_is_editable(ref)):
                edits.append(TextEdit(ref.span, name))
        return self.finding(
            token.span,
            f"stage name '{token.value}' should be lower case: BuildKit stores it as "
            f"'{name}', and FROM lines match it case-sensitively",
            severity=Severity.WARNING,
            fix=Fix(f"Rename stage to '{name}'", tuple(edits)),
            data={"buildkit": "StageNameCasing"})

    def _as_casing(self, analysis: Analysis, stage: Stage) -> Finding | None:
        """``FROM x as y``: the ``as`` keyword should follow the ``FROM`` keyword's casing."""
        as_token = stage.as_token
        keyword = from_instruction(analysis, stage).keyword.value
        if as_token is None or keyword not in (keyword.lower(), keyword.upper()):
            return None
        wanted = match_case("as", keyword)
        if as_token.value == wanted:
            return None
        return self.finding(
            as_token.span,
            f"'{as_token.value}' should match the casing of '{keyword}': write '{wanted}'",
            severity=Severity.INFORMATION,
            fix=Fix(f"Change '{as_token.value}' to '{wanted}'", (TextEdit(as_token.span, wanted),)),
            data={"buildkit": "FromAsCasing"})
