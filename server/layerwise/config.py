"""Typed settings: the ``layerwise`` section, as defined by ``schemas/settings.schema.json``.

The schema is the single definition; :class:`Settings` mirrors it with snake_case fields, and the
cattrs converter below maps them to the camelCase keys clients send. Structuring is strict (a
string is not a list, ``"yes"`` is not a boolean, unknown keys are reported) so that a typo in an
editor's settings gets a message instead of being silently misread.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override
from cattrs.v import format_exception

from .rules.run import RuleSelection

__all__ = [
    "SECTION",
    "DiagnosticsSettings",
    "RuleLevel",
    "ServerSettings",
    "Settings",
    "SettingsError",
    "expand_dotted",
    "merge_settings",
    "structure_settings",
]

#: The configuration section every client uses for Layerwise.
SECTION = "layerwise"

#: What a rule can be set to in ``layerwise.rules``.
RuleLevel = Literal["error", "warning", "info", "hint", "off"]


@attrs.frozen
class DiagnosticsSettings:
    """``layerwise.diagnostics.*``."""

    enable: bool = True
    """Report findings as diagnostics; ``false`` keeps completion, hover and navigation only."""


@attrs.frozen
class ServerSettings:
    """``layerwise.server.*`` (read by the editor extension when it launches the server)."""

    command: tuple[str, ...] = ()
    """The argv that starts the server; empty means: find it."""


@attrs.frozen
class Settings:
    """Everything a user can configure, with the defaults of the schema."""

    rules: Mapping[str, RuleLevel] = attrs.field(factory=dict)
    """Rule id, name or id prefix → severity or ``off``."""
    select: tuple[str, ...] = ()
    """Run only these rules (ids, names or prefixes such as ``LW2``); empty means all."""
    ignore: tuple[str, ...] = ()
    """Never run these rules (ids, names or prefixes)."""
    target: str | None = None
    """The stage the build targets; ``None`` means the last stage."""
    context: str | None = None
    """The build context folder, relative to the Dockerfile; ``None`` means its folder."""
    diagnostics: DiagnosticsSettings = DiagnosticsSettings()
    """Diagnostics settings."""
    server: ServerSettings = ServerSettings()
    """Launch settings of the editor extension."""
    interpreter: tuple[str, ...] = ()
    """The Python interpreter (argv) the editor extension runs ``-m layerwise`` with."""

    def rule_selection(self) -> RuleSelection:
        """The rules to run and their severities, for :func:`layerwise.rules.run.run_rules`."""
        return RuleSelection(select=self.select, ignore=self.ignore, severities=dict(self.rules))


class _Problem(TypeError):
    """A value of the wrong shape, with a message meant for the user."""


class SettingsError(ValueError):
    """Settings that do not match the schema; ``problems`` lists each bad key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid settings: " + "; ".join(problems))


def _camel(name: str) -> str:
    """``max_problems`` → ``maxProblems``."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise _Problem(f"expected a string, got {_describe(value)}")
    return value


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise _Problem(f"expected true or false, got {_describe(value)}")
    return value


def _strict_str_tuple(value: Any, _: type) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise _Problem(f"expected an array of strings, got {_describe(value)}")
    bad = [item for item in value if not isinstance(item, str)]
    if bad:
        raise _Problem(f"expected an array of strings, got {_describe(bad[0])} in it")
    return tuple(value)


def _rule_levels(value: Any, _: type) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _Problem(f"expected an object of rule → level, got {_describe(value)}")
    allowed = RuleLevel.__args__  # type: ignore[attr-defined]
    levels: dict[str, str] = {}
    bad: list[str] = []
    for key, level in value.items():
        if not isinstance(key, str) or level not in allowed:
            bad.append(f"{key!s}={level!r}")
        else:
            levels[key] = level
    if bad:
        raise _Problem(f"expected one of {', '.join(allowed)} for each rule, got "
                         + ", ".join(bad))
    return levels


def _format_problem(exc: BaseException, type_: type | None) -> str:
    """Say what is wrong with one value, for :func:`cattrs.transform_error`."""
    if isinstance(exc, _Problem):
        return str(exc)
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return "unknown setting " + ", ".join(sorted(exc.extra_fields))
    if type_ is not None and attrs.has(type_):
        return "expected an object"
    return format_exception(exc, type_)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{type(value).__name__} {value!r}"[:80]


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook_func(lambda t: t == tuple[str, ...], _strict_str_tuple)
    converter.register_structure_hook_func(
        lambda t: t == Mapping[str, RuleLevel], _rule_levels)
    for cls in (Settings, DiagnosticsSettings, ServerSettings):
        renames: dict[str, Any] = {f.name: override(rename=_camel(f.name))
                                   for f in attrs.fields(cls) if _camel(f.name) != f.name}
        converter.register_structure_hook(
            cls, make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True,
                                        **renames))
    return converter


_CONVERTER = _make_converter()


def expand_dotted(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Turn ``{"diagnostics.enable": false}`` into ``{"diagnostics": {"enable": false}}``."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, Mapping) and key != "rules":
            value = expand_dotted(value)
        if isinstance(key, str) and "." in key and key != "rules":
            *parents, last = key.split(".")
            node = out
            for part in parents:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
            node[last] = value
        else:
            out[key] = value
    return out


def merge_settings(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge partial raw settings, later layers winning key by key (objects merge deeply).

    ``rules`` merges per rule, so a workspace can override one rule of the user's settings.
    """
    merged: dict[str, Any] = {}
    for layer in layers:
        if layer:
            _merge_into(merged, expand_dotted(layer))
    return merged


def _merge_into(base: dict[str, Any], layer: Mapping[str, Any]) -> None:
    for key, value in layer.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge_into(base[key], value)
        elif isinstance(value, Mapping):
            base[key] = dict(value)
        else:
            base[key] = value


def structure_settings(raw: Mapping[str, Any] | None) -> Settings:
    """Build :class:`Settings` from the raw ``layerwise`` section (camelCase keys).

    ``None`` gives the defaults. Raises :class:`SettingsError` listing every bad key.
    """
    if raw is None:
        return Settings()
    if not isinstance(raw, Mapping):
        raise SettingsError([f"expected an object, got {_describe(raw)} @ {SECTION}"])
    try:
        return _CONVERTER.structure(expand_dotted(raw), Settings)
    except cattrs.BaseValidationError as exc:
        raise SettingsError(cattrs.transform_error(
            exc, path=SECTION, format_exception=_format_problem)) from None
    except (TypeError, ValueError) as exc:
        raise SettingsError([f"{exc} @ {SECTION}"]) from None
