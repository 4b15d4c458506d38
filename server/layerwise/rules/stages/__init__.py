"""LW1xx: multi-stage correctness."""

from __future__ import annotations

from ..base import Rule

RULES: tuple[Rule, ...] = ()
