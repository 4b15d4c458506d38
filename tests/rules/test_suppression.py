"""Suppression pragmas, selection and severity overrides, through ``run_rules``."""

from __future__ import annotations

import textwrap

from layerwise.model.analysis import analyze
from layerwise.rules.base import Severity
from layerwise.rules.run import RuleSelection, run_rules


def _ids(source: str, selection: RuleSelection | None = None) -> list[str]:
    return [f.rule_id for f in run_rules(analyze(textwrap.dedent(source)), selection)]


BROKEN = """\
    FROM alpine
    RUNN echo hi
    COPY --form=x a b
    """


def test_without_pragmas_both_fire() -> None:
    assert _ids(BROKEN) == ["LW002", "LW003"]


def test_layerwise_ignore_above_instruction_by_id_and_name() -> None:
    assert _ids("""\
        FROM alpine
        # layerwise: ignore=LW002
        RUNN echo hi
        # a note between pragma and instruction is fine
        # layerwise: ignore=unknown-flag
        # more notes
        COPY --form=x a b
        """) == []


def test_pragma_separated_by_blank_line_does_not_apply() -> None:
    assert _ids("""\
        FROM alpine
        # layerwise: ignore=LW002

        RUNN echo hi
        """) == ["LW002"]


def test_pragma_applies_only_to_the_next_instruction() -> None:
    assert _ids("""\
        FROM alpine
        # layerwise: ignore=LW002
        RUNN echo hi
        RUNN echo again
        """) == ["LW002"]


def test_ignore_file_anywhere() -> None:
    assert _ids(BROKEN + "# layerwise: ignore-file=LW002,unknown-flag\n") == []


def test_hadolint_pragmas_map_to_layerwise_rules() -> None:
    from layerwise.rules.suppression import HADOLINT

    assert HADOLINT["DL3024"] == ("LW104",)
    assert _ids("""\
        FROM alpine
        # hadolint ignore=DL3000
        RUNN echo hi
        """) == ["LW002"]


def test_buildkit_check_skip_directive_and_all() -> None:
    assert _ids("""\
        # check=skip=all
        FROM alpine
        RUNN echo hi
        """) == ["LW002"]


def test_selection_and_severity_overrides() -> None:
    assert _ids(BROKEN, RuleSelection(select=("LW003",))) == ["LW003"]
    assert _ids(BROKEN, RuleSelection(ignore=("unknown-instruction",))) == ["LW003"]
    assert _ids(BROKEN, RuleSelection(ignore=("LW0",))) == []
    assert _ids(BROKEN, RuleSelection(severities={"LW002": "off"})) == ["LW003"]
    findings = run_rules(analyze(textwrap.dedent(BROKEN)),
                         RuleSelection(severities={"unknown-flag": "hint"}))
    assert [f.severity for f in findings] == [Severity.ERROR, Severity.HINT]


def test_buildkit_check_skip_names_map_to_layerwise_rules() -> None:
    text = """\
        FROM alpine
        # check=skip=MaintainerDeprecated
        MAINTAINER someone
        MAINTAINER again
        """
    findings = run_rules(analyze(textwrap.dedent(text)))
    assert [(f.rule_id, f.span.start.line) for f in findings] == [("LW404", 3)]
    assert _ids("# check=skip=all\n" + textwrap.dedent(text)) == []


def test_check_error_true_makes_build_checks_errors() -> None:
    findings = run_rules(analyze("# check=error=true\nFROM alpine\nMAINTAINER someone\n"))
    assert [(f.rule_id, f.severity) for f in findings] == [("LW404", Severity.ERROR)]
