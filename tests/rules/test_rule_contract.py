"""Every registered rule: metadata, documentation, and its doc examples run both ways."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from layerwise.model.analysis import Analysis, analyze
from layerwise.model.context import BuildContext
from layerwise.rules.base import Rule
from layerwise.rules.registry import ALL_RULES, find_rule

_SECTIONS = ("## What it does", "## Why it matters", "## Example", "## Use instead")
_BLOCK = re.compile(r"```dockerfile\n(.*?)```", re.DOTALL)


def _doc(rule: Rule) -> str:
    doc = type(rule).__doc__ or ""
    first, _, rest = doc.partition("\n")
    return first + "\n" + textwrap.dedent(rest)


def _example(rule: Rule, section: str) -> str:
    doc = _doc(rule)
    start = doc.index(section) + len(section)
    nxt = doc.find("\n## ", start)
    block = _BLOCK.search(doc[start: nxt if nxt >= 0 else len(doc)])
    assert block, f"{rule.id}: section {section} has no ```dockerfile block"
    return block.group(1)


def test_ids_and_names_are_unique() -> None:
    """No two rules share an id or a name."""
    assert len({r.id for r in ALL_RULES}) == len(ALL_RULES)
    assert len({r.name for r in ALL_RULES}) == len(ALL_RULES)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_metadata(rule: Rule) -> None:
    """Id, kebab name, one-line summary, and lookup by both."""
    assert re.fullmatch(r"LW\d{3}", rule.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.summary and "\n" not in rule.summary and not rule.summary.endswith(".")
    assert find_rule(rule.id) is rule and find_rule(rule.name) is rule


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_doc_has_sections(rule: Rule) -> None:
    """The docstring is the rule's page: it has the four sections in order."""
    doc = _doc(rule)
    positions = [doc.find(s) for s in _SECTIONS]
    assert all(p >= 0 for p in positions), f"{rule.id} lacks a section"
    assert positions == sorted(positions)


def _analyze_example(rule: Rule, text: str, folder: Path) -> Analysis:
    """Analyse a doc example, inside a build context when the rule declares one."""
    files: dict[str, str] | None = getattr(rule, "example_context", None)
    if files is None:
        return analyze(text)
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content)
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(text)
    return analyze(text, path=dockerfile, context=BuildContext.for_dockerfile(dockerfile))


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_doc_example_fires(rule: Rule, tmp_path: Path) -> None:
    """The "Example" block makes the rule report."""
    assert list(rule.check(_analyze_example(rule, _example(rule, "## Example"), tmp_path)))


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_doc_use_instead_is_silent(rule: Rule, tmp_path: Path) -> None:
    """The "Use instead" block makes the rule stay silent."""
    assert not list(rule.check(_analyze_example(rule, _example(rule, "## Use instead"),
                                                tmp_path)))
