"""Severity overrides: the most specific key wins, whatever the order of the keys."""

from __future__ import annotations

import pytest

from layerwise.model.analysis import analyze
from layerwise.rules.base import Rule, Severity
from layerwise.rules.registry import find_rule
from layerwise.rules.run import RuleSelection, run_rules


def rule(key: str) -> Rule:
    found = find_rule(key)
    assert found is not None
    return found


def both_orders(*items: tuple[str, str]) -> list[RuleSelection]:
    """The same severities inserted in one order and in the reverse order."""
    return [RuleSelection(severities=dict(items)),
            RuleSelection(severities=dict(reversed(items)))]


@pytest.mark.parametrize("selection", both_orders(("LW1", "off"), ("LW106", "warning")))
def test_exact_id_beats_prefix(selection: RuleSelection) -> None:
    assert selection.enabled(rule("LW106"))
    assert selection.severity(rule("LW106"), Severity.INFORMATION) is Severity.WARNING
    assert not selection.enabled(rule("LW101"))


@pytest.mark.parametrize("selection", both_orders(("LW106", "off"), ("LW1", "error")))
def test_exact_id_off_beats_prefix(selection: RuleSelection) -> None:
    assert not selection.enabled(rule("LW106"))
    assert selection.severity(rule("LW101"), Severity.WARNING) is Severity.ERROR


@pytest.mark.parametrize("selection", both_orders(("lw1", "hint"), ("unused-stage", "error")))
def test_name_beats_prefix(selection: RuleSelection) -> None:
    assert selection.severity(rule("LW106"), Severity.INFORMATION) is Severity.ERROR
    assert selection.severity(rule("LW101"), Severity.ERROR) is Severity.HINT


@pytest.mark.parametrize("selection", both_orders(("LW1", "hint"), ("LW10", "error")))
def test_longer_prefix_beats_shorter(selection: RuleSelection) -> None:
    assert selection.severity(rule("LW106"), Severity.INFORMATION) is Severity.ERROR
    assert selection.severity(rule("LW110"), Severity.INFORMATION) is Severity.HINT
    assert selection.severity(rule("LW201"), Severity.INFORMATION) is Severity.INFORMATION


@pytest.mark.parametrize("selection", both_orders(("LW0", "off"), ("LW001", "hint")))
def test_run_rules_applies_the_most_specific_key(selection: RuleSelection) -> None:
    analysis = analyze('FROM alpine:3.20\nCMD ["a", 1]\nRUN <<EOF\necho hi\n', None, None, None)
    found = {f.rule_id: f.severity for f in run_rules(analysis, selection)
             if f.rule_id.startswith("LW0")}
    assert found == {"LW001": Severity.HINT}


def test_a_key_naming_no_rule_changes_nothing() -> None:
    selection = RuleSelection(severities={"LW9": "off", "nothing": "error"})
    assert selection.enabled(rule("LW106"))
    assert selection.severity(rule("LW106"), Severity.WARNING) is Severity.WARNING
