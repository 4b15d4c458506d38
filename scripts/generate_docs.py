"""Regenerate the README's rule table and docs/rules/*.md from the rule registry.

Run: ``python scripts/generate_docs.py`` (tests/test_generated.py fails when they are stale).
"""

from __future__ import annotations

from pathlib import Path

from layerwise.rules.catalog import TABLE_END, TABLE_START, rule_page, rules_table
from layerwise.rules.registry import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Write the rule pages and splice the table into the README."""
    docs = ROOT / "docs" / "rules"
    docs.mkdir(parents=True, exist_ok=True)
    wanted = {f"{rule.id}.md": rule_page(rule) for rule in ALL_RULES}
    for stale in docs.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, page in wanted.items():
        (docs / name).write_text(page, encoding="utf-8")
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start = text.index(TABLE_START)
    end = text.index(TABLE_END) + len(TABLE_END)
    readme.write_text(text[:start] + rules_table() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
