"""Reports over findings: text (with code frames), JSON, SARIF and GitHub annotations."""

from __future__ import annotations

from ..rules.catalog import HOME_URL, rule_docs_url

__all__ = ["HOME_URL", "rule_docs_url"]
