"""Which ARG and ENV values are in effect at each instruction."""

from __future__ import annotations

from collections.abc import Mapping

from ..syntax.nodes import Instruction, KeyValue
from .stages import Stage
from .variables import PLATFORM_ARGS, Variable, expand

Scope = Mapping[str, Variable]

_PLATFORM_SCOPE: dict[str, Variable] = {
    name: Variable(name, value, "predefined", None) for name, value in PLATFORM_ARGS.items()
}


def global_scope(instructions: tuple[Instruction, ...], escape: str) -> dict[str, Variable]:
    """ARGs declared before the first FROM, over BuildKit's platform ARGs."""
    scope = dict(_PLATFORM_SCOPE)
    for i, inst in enumerate(instructions):
        if inst.name == "FROM":
            break
        if inst.name == "ARG":
            for kv in inst.pairs:
                if kv.value is not None:
                    value: str | None = expand(kv.value.value, scope, escape).value
                else:
                    predefined = scope.get(kv.key.value)
                    value = predefined.value if predefined else None
                scope[kv.key.value] = Variable(kv.key.value, value, "global-arg", kv.key.span, i)
    return scope


def instruction_scopes(instructions: tuple[Instruction, ...], stages: tuple[Stage, ...],
                       globals_: Mapping[str, Variable], escape: str) -> list[Scope]:
    """The scope each instruction sees (before its own definitions take effect).

    Instructions before the first FROM see the global scope. A stage built on another stage
    (``FROM <stage>``) starts with that stage's ENV and ARGs, as BuildKit does; other stages
    start empty.
    """
    scopes: list[Scope] = [globals_] * len(instructions)
    final_scope: dict[int, dict[str, Variable]] = {}
    for stage in stages:
        inherited = final_scope.get(stage.base_stage, {}) if stage.base_stage is not None else {}
        scope: dict[str, Variable] = dict(inherited)
        for i in stage.instructions:
            inst = instructions[i]
            scopes[i] = scope
            if inst.name == "ARG":
                scope = dict(scope)
                for kv in inst.pairs:
                    scope[kv.key.value] = _stage_arg(kv.key.value, kv, scope, globals_, i, escape)
            elif inst.name == "ENV":
                before = scope
                scope = dict(scope)
                for kv in inst.pairs:
                    raw = kv.value.value if kv.value else ""
                    value = expand(raw, before, escape)
                    scope[kv.key.value] = Variable(
                        kv.key.value, value.value if value.exact else None, "env", kv.key.span, i)
        final_scope[stage.index] = dict(scope)
    return scopes


def _stage_arg(name: str, kv: KeyValue, scope: Scope, globals_: Mapping[str, Variable],
               index: int, escape: str) -> Variable:
    """An ``ARG`` inside a stage: its default, or the global or predefined value it re-declares."""
    if kv.value is not None:
        value = expand(kv.value.value, scope, escape)
        return Variable(name, value.value if value.exact else None, "arg", kv.key.span, index)
    inherited = globals_.get(name)
    return Variable(name, inherited.value if inherited else None, "arg", kv.key.span, index)
