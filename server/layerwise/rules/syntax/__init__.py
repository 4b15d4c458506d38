"""LW0xx: syntax and validity."""

from __future__ import annotations

from ..base import Rule
from .lw001_parse_error import ParseErrorRule
from .lw006_unterminated_heredoc import UnterminatedHeredoc

RULES: tuple[Rule, ...] = (
    ParseErrorRule(),
    UnterminatedHeredoc(),
)
