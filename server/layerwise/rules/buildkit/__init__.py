"""LW4xx: BuildKit's build checks, offline."""

from __future__ import annotations

from ..base import Rule
from .lw401_empty_continuation import EmptyContinuation
from .lw402_inconsistent_instruction_casing import InconsistentInstructionCasing
from .lw403_json_args_recommended import JsonArgsRecommended
from .lw404_maintainer_deprecated import MaintainerDeprecated
from .lw405_workdir_relative_path import WorkdirRelativePath
from .lw406_undefined_variable import UndefinedVariable
from .lw407_multiple_instructions import MultipleInstructions
from .lw408_legacy_key_value_format import LegacyKeyValueFormat
from .lw409_redundant_target_platform import RedundantTargetPlatform
from .lw410_from_platform_constant import FromPlatformConstant
from .lw411_copy_ignored_file import CopyIgnoredFile
from .lw412_expose_proto_casing import ExposeProtoCasing
from .lw413_expose_invalid_format import ExposeInvalidFormat
from .lw414_invalid_default_arg_in_from import InvalidDefaultArgInFrom
from .lw415_undefined_arg_in_from import UndefinedArgInFrom

RULES: tuple[Rule, ...] = (
    EmptyContinuation(),
    InconsistentInstructionCasing(),
    JsonArgsRecommended(),
    MaintainerDeprecated(),
    WorkdirRelativePath(),
    UndefinedVariable(),
    MultipleInstructions(),
    LegacyKeyValueFormat(),
    RedundantTargetPlatform(),
    FromPlatformConstant(),
    CopyIgnoredFile(),
    ExposeProtoCasing(),
    ExposeInvalidFormat(),
    InvalidDefaultArgInFrom(),
    UndefinedArgInFrom(),
)
