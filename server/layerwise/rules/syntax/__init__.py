"""LW0xx: syntax and validity."""

from __future__ import annotations

from ..base import Rule
from .lw001_parse_error import ParseErrorRule
from .lw002_unknown_instruction import UnknownInstruction
from .lw003_unknown_flag import UnknownFlag
from .lw004_invalid_flag_value import InvalidFlagValue
from .lw005_missing_arguments import MissingArguments
from .lw006_unterminated_heredoc import UnterminatedHeredoc
from .lw007_invalid_json_form import InvalidJsonForm
from .lw008_instruction_before_from import InstructionBeforeFrom
from .lw009_misplaced_directive import MisplacedDirective

RULES: tuple[Rule, ...] = (
    ParseErrorRule(),
    UnknownInstruction(),
    UnknownFlag(),
    InvalidFlagValue(),
    MissingArguments(),
    UnterminatedHeredoc(),
    InvalidJsonForm(),
    InstructionBeforeFrom(),
    MisplacedDirective(),
)
