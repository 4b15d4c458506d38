"""LW1xx: multi-stage correctness."""

from __future__ import annotations

from ..base import Rule
from .lw101_unknown_stage_reference import UnknownStageReference
from .lw102_forward_stage_reference import ForwardStageReference
from .lw103_stage_cycle import StageCycle
from .lw104_duplicate_stage_name import DuplicateStageName
from .lw105_stage_name_invalid import StageNameInvalid
from .lw106_unused_stage import UnusedStage
from .lw107_numeric_stage_reference import NumericStageReference
from .lw108_unpinned_external_from import UnpinnedExternalFrom
from .lw109_arg_scope import ArgScope
from .lw110_default_target_is_dev_stage import DefaultTargetIsDevStage

RULES: tuple[Rule, ...] = (
    UnknownStageReference(),
    ForwardStageReference(),
    StageCycle(),
    DuplicateStageName(),
    StageNameInvalid(),
    UnusedStage(),
    NumericStageReference(),
    UnpinnedExternalFrom(),
    ArgScope(),
    DefaultTargetIsDevStage(),
)
