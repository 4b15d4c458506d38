"""Variable expansion and scopes."""

from __future__ import annotations

import textwrap

from layerwise.model.analysis import analyze
from layerwise.model.variables import Variable, expand


def _scope(**values: str | None) -> dict[str, Variable]:
    return {k: Variable(k, v, "arg", None) for k, v in values.items()}


def test_expansion_forms() -> None:
    scope = _scope(A="1", EMPTY="", UNKNOWN=None)
    assert expand("$A-${A}", scope).value == "1-1"
    assert expand("${MISSING:-def}", scope).value == "def"
    assert expand("${EMPTY:-def}|${EMPTY-def}", scope).value == "def|"
    assert expand("${A:+alt}|${MISSING:+alt}", scope).value == "alt|"
    assert expand("'$A' \"$A\" \\$A", scope).value == "$A 1 $A"
    result = expand("${UNKNOWN}/x/$MISSING", scope)
    assert result.value == "/x/" and result.unresolved == ("UNKNOWN", "MISSING")
    assert [(r.name, r.start, r.end) for r in result.references] == [
        ("UNKNOWN", 0, 10), ("MISSING", 13, 21)]


def test_scopes_follow_args_env_and_stage_inheritance() -> None:
    a = analyze(textwrap.dedent("""\
        ARG VERSION=1.0
        ARG TOKEN
        FROM alpine AS base
        ARG VERSION
        ENV APP=/opt/app-${VERSION} GREETING="hello world"
        RUN echo $APP
        FROM base AS child
        RUN echo $APP $VERSION
        FROM alpine AS other
        RUN echo $VERSION
        """))
    assert a.variable("VERSION", 9) is None
    run_base, run_child = 5, 7
    assert a.variable("APP", run_base).value == "/opt/app-1.0"  # type: ignore[union-attr]
    assert a.variable("GREETING", run_base).value == "hello world"  # type: ignore[union-attr]
    assert a.variable("APP", run_child).kind == "env"  # type: ignore[union-attr]
    inherited = a.variable("VERSION", run_child)
    assert inherited is not None and (inherited.kind, inherited.value) == ("arg", "1.0")
    assert a.global_scope["TOKEN"].value is None
    assert a.global_scope["TARGETARCH"].value == "amd64"


def test_absurd_nesting_does_not_recurse_forever() -> None:
    word = "${A:-" * 3000 + "x" + "}" * 3000
    result = expand(word, {})
    assert "A" in result.unresolved
