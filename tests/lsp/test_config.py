"""The settings schema, the typed Settings and their cattrs boundary agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest

from layerwise.config import (
    DiagnosticsSettings,
    Settings,
    SettingsError,
    merge_settings,
    structure_settings,
)
from layerwise.rules.run import RuleSelection

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "settings.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def settings_fields(cls: type = Settings, prefix: str = "layerwise") -> dict[str, Any]:
    """Dotted camelCase key → default, for every leaf field of the Settings tree."""
    out: dict[str, Any] = {}
    for field in attrs.fields(cls):
        key = f"{prefix}.{camel(field.name)}"
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        if attrs.has(type(default)):
            out.update(settings_fields(type(default), key))
        else:
            out[key] = list(default) if isinstance(default, tuple) else default
    return out


def flatten(raw: dict[str, Any], prefix: str = "layerwise") -> dict[str, Any]:
    """Nested settings (as sent over LSP) → the schema's dotted keys."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        dotted = f"{prefix}.{key}"
        if isinstance(value, dict) and key != "rules":
            out.update(flatten(value, dotted))
        else:
            out[dotted] = value
    return out


def test_schema_is_valid_draft_2020_12() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_schema_and_settings_have_the_same_keys_and_defaults() -> None:
    fields = settings_fields()
    properties = SCHEMA["properties"]
    assert set(properties) == set(fields)
    for key, prop in properties.items():
        assert prop.get("description"), key
        assert "default" in prop, key
        assert prop["default"] == fields[key], key
    assert SCHEMA["additionalProperties"] is False


def test_schema_defaults_structure_to_the_default_settings() -> None:
    nested: dict[str, Any] = {}
    for key, prop in SCHEMA["properties"].items():
        *parents, last = key.split(".")[1:]
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = prop["default"]
    assert structure_settings(nested) == Settings()


VALID = [
    {},
    {"rules": {"LW001": "off", "unused-stage": "hint", "LW2": "error"}},
    {"select": ["LW0", "LW1"], "ignore": ["secret-named-arg-env"]},
    {"target": "app", "context": ".."},
    {"target": None, "context": None},
    {"diagnostics": {"enable": False}},
    {"server": {"command": ["layerwise", "--stdio"]}, "interpreter": ["/usr/bin/python3"]},
]
INVALID = [
    ({"rules": {"LW001": "loud"}}, "layerwise.rules"),
    ({"rules": ["LW001"]}, "layerwise.rules"),
    ({"select": "LW1"}, "layerwise.select"),
    ({"ignore": [1]}, "layerwise.ignore"),
    ({"target": 3}, "layerwise.target"),
    ({"diagnostics": {"enable": "yes"}}, "layerwise.diagnostics.enable"),
    ({"server": {"command": "layerwise --stdio"}}, "layerwise.server.command"),
    ({"colour": "red"}, "colour"),
]


@pytest.mark.parametrize("raw", VALID, ids=[json.dumps(v) for v in VALID])
def test_schema_and_structuring_accept_the_same(raw: dict[str, Any]) -> None:
    jsonschema.validate(flatten(raw), SCHEMA)
    structure_settings(raw)


@pytest.mark.parametrize(("raw", "key"), INVALID, ids=[json.dumps(v) for v, _ in INVALID])
def test_schema_and_structuring_reject_the_same(raw: dict[str, Any], key: str) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(flatten(raw), SCHEMA)
    with pytest.raises(SettingsError) as error:
        structure_settings(raw)
    assert any(key in problem for problem in error.value.problems)


def test_every_bad_key_is_listed() -> None:
    with pytest.raises(SettingsError) as error:
        structure_settings({"target": 3, "diagnostics": {"enable": "yes"}, "colour": "red"})
    assert len(error.value.problems) == 3
    assert "layerwise.target" in str(error.value) and "colour" in str(error.value)


def test_structuring() -> None:
    settings = structure_settings({"rules": {"LW001": "warning"}, "select": ["LW0"],
                                   "diagnostics.enable": False})
    assert settings.diagnostics == DiagnosticsSettings(enable=False)
    assert settings.rule_selection() == RuleSelection(select=("LW0",), ignore=(),
                                                      severities={"LW001": "warning"})
    assert structure_settings(None) == Settings()
    with pytest.raises(SettingsError):
        structure_settings([])  # type: ignore[arg-type]


def test_merge_is_right_biased_and_deep() -> None:
    merged = merge_settings({"rules": {"LW001": "off"}, "target": "a"}, None,
                            {"rules": {"LW006": "hint"}, "target": "b"},
                            {"diagnostics.enable": False})
    assert merged == {"rules": {"LW001": "off", "LW006": "hint"}, "target": "b",
                      "diagnostics": {"enable": False}}
