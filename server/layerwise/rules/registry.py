"""Every rule, in id order, found by id or kebab name."""

from __future__ import annotations

from . import buildkit, secrets, size, stages, syntax
from .base import Rule

ALL_RULES: tuple[Rule, ...] = tuple(sorted(
    syntax.RULES + stages.RULES + size.RULES + secrets.RULES + buildkit.RULES, key=lambda r: r.id))
_BY_KEY: dict[str, Rule] = {r.id.lower(): r for r in ALL_RULES} | {
    r.name: r for r in ALL_RULES}


def find_rule(key: str) -> Rule | None:
    """Look a rule up by id (``LW106``) or name (``unused-stage``), case-insensitively."""
    return _BY_KEY.get(key.strip().lower())
