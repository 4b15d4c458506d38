"""The VS Code extension without VS Code: type check, unit tests (node --test), settings agreement."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from .support import EXTENSION, ROOT, require

SCHEMA = ROOT / "schemas" / "settings.schema.json"


def _node_modules() -> None:
    require((EXTENSION / "node_modules" / ".bin" / "tsc").exists()
            and (EXTENSION / "node_modules" / ".bin" / "esbuild").exists(),
            "clients/vscode/node_modules is missing (npm ci)")


def test_configuration_is_generated_from_the_settings_schema() -> None:
    """package.json's contributes.configuration is the schema, setting for setting."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    package = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    configuration = package["contributes"]["configuration"]
    assert configuration["title"] == "Layerwise"
    properties = configuration["properties"]
    hint = "run `npm run gen:config` in clients/vscode"
    assert list(properties) == list(schema["properties"]), f"settings differ: {hint}"
    for key, definition in schema["properties"].items():
        wanted = {("markdownDescription" if k == "description" else k): v
                  for k, v in definition.items()}
        assert properties[key] == wanted, f"{key} differs from the schema: {hint}"


def test_generator_agrees(node: str) -> None:
    """`node scripts/gen-config.mjs --check` (the generator itself) finds nothing stale."""
    proc = subprocess.run([node, "scripts/gen-config.mjs", "--check"], cwd=EXTENSION,
                          check=False, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_typescript_strict_type_check(node: str) -> None:
    """`tsc --noEmit` with strict settings passes on the extension and its tests."""
    _node_modules()
    config = json.loads((EXTENSION / "tsconfig.json").read_text(encoding="utf-8"))
    assert config["compilerOptions"]["strict"] is True
    proc = subprocess.run([node, "node_modules/typescript/bin/tsc", "--noEmit", "-p", "."],
                          cwd=EXTENSION, check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_unit_tests(npm: str) -> None:
    """`npm test`: the launch order, settings, stage-graph helpers and package.json checks.

    ``LAYERWISE_TEST_PYTHON`` lets one of them resolve the launch with this very interpreter.
    """
    _node_modules()
    env = {**os.environ, "LAYERWISE_TEST_PYTHON": sys.executable}
    proc = subprocess.run([npm, "test", "--silent"], cwd=EXTENSION, env=env,
                          check=False, capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    passed = re.search(r"^# pass (\d+)$", output, re.MULTILINE)
    failed = re.search(r"^# fail (\d+)$", output, re.MULTILINE)
    skipped = re.search(r"^# skipped (\d+)$", output, re.MULTILINE)
    assert passed and failed and skipped, output[-3000:]
    assert int(failed.group(1)) == 0
    assert int(skipped.group(1)) == 0, "a unit test skipped itself"
    assert int(passed.group(1)) >= 40, f"only {passed.group(1)} unit tests ran"
