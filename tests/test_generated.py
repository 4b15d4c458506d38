"""Generated files are up to date: README rule table and docs/rules pages."""

from __future__ import annotations

from pathlib import Path

from layerwise.rules.catalog import TABLE_END, TABLE_START, rule_page, rules_table
from layerwise.rules.registry import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent
HOW = "run `python scripts/generate_docs.py`"


def test_readme_rule_table_is_current() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(TABLE_START)
    end = text.index(TABLE_END) + len(TABLE_END)
    assert text[start:end] == rules_table(), f"README rule table is stale: {HOW}"


def test_rule_pages_are_current() -> None:
    docs = ROOT / "docs" / "rules"
    assert sorted(p.name for p in docs.glob("*.md")) == sorted(f"{r.id}.md" for r in ALL_RULES)
    for rule in ALL_RULES:
        page = (docs / f"{rule.id}.md").read_text(encoding="utf-8")
        assert page == rule_page(rule), f"docs/rules/{rule.id}.md is stale: {HOW}"
