"""LW4xx: BuildKit's build checks, offline."""

from __future__ import annotations

from ..base import Rule

RULES: tuple[Rule, ...] = ()
