"""Config files: discovery upward, precedence, and errors that name the file, key and type."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import MIXED, run, valid_report, write

UNUSED = "FROM alpine:3.20 AS tools\nFROM alpine:3.20\n"  # one LW106 (hint)


def ids(output: str) -> list[str]:
    return sorted(set(re.findall(r"LW\d{3}", output)))


def test_layerwise_toml_is_found_above_the_file(project: Path) -> None:
    write(project, {".layerwise.toml": 'ignore = ["LW0"]\n[rules]\nLW106 = "error"\n',
                    "a/b/Dockerfile": MIXED})
    result = run("-f", "concise", cwd=project / "a" / "b")
    assert ids(result.out) == ["LW106", "LW107", "LW404"]
    assert "LW106 [error]" in result.out


def test_pyproject_tool_layerwise_is_read(project: Path) -> None:
    write(project, {"pyproject.toml": '[project]\nname = "x"\n\n[tool.layerwise]\n'
                    'select = ["LW1"]\n', "Dockerfile": MIXED})
    assert ids(run("-f", "concise", cwd=project).out) == ["LW106", "LW107"]


def test_pyproject_without_the_table_does_not_stop_the_search(project: Path) -> None:
    write(project, {".layerwise.toml": 'select = ["LW404"]\n',
                    "sub/pyproject.toml": '[tool.ruff]\nline-length = 100\n',
                    "sub/Dockerfile": MIXED})
    assert ids(run("-f", "concise", cwd=project / "sub").out) == ["LW404"]


def test_nearest_file_wins_and_layerwise_toml_beats_pyproject(project: Path) -> None:
    write(project, {".layerwise.toml": 'select = ["LW404"]\n',
                    "inner/.layerwise.toml": 'select = ["LW107"]\n',
                    "inner/pyproject.toml": '[tool.layerwise]\nselect = ["LW001"]\n',
                    "Dockerfile": MIXED, "inner/Dockerfile": MIXED})
    report = valid_report(run("-f", "json", cwd=project).json())
    found = {(f["path"], f["id"]) for f in report["findings"]}
    assert found == {("Dockerfile", "LW404"), ("inner/Dockerfile", "LW107")}


def test_precedence_defaults_file_flags(project: Path) -> None:
    write(project, {".layerwise.toml": 'select = ["LW1", "LW4"]\nignore = ["LW107"]\n'
                    '[rules]\nLW106 = "error"\nLW404 = "hint"\n', "Dockerfile": MIXED})
    base = run("-f", "concise", cwd=project)
    assert ids(base.out) == ["LW106", "LW404"]
    assert "LW106 [error]" in base.out and "LW404 [hint]" in base.out
    # --select replaces the file's selection; --ignore adds to the file's ignore list
    assert ids(run("--select", "LW0,LW1", "-f", "concise", cwd=project).out) == [
        "LW001", "LW106"]
    assert ids(run("--ignore", "LW106", "-f", "concise", cwd=project).out) == ["LW404"]
    # --severity overrides the file rule by rule; the rest of the file's [rules] stays
    flagged = run("--severity", "LW106=info", "-f", "concise", cwd=project).out
    assert "LW106 [info]" in flagged and "LW404 [hint]" in flagged
    # --isolated ignores the file
    assert ids(run("--isolated", "-f", "concise", cwd=project).out) == [
        "LW001", "LW106", "LW107", "LW404"]


def test_target_and_context_from_the_file_and_the_flags(project: Path) -> None:
    write(project, {"Dockerfile": "FROM alpine:3.20 AS tools\nFROM alpine:3.20 AS extra\n"
                    "FROM alpine:3.20\n", ".layerwise.toml": 'target = "tools"\n'})
    result = run("-f", "concise", "--fail-on", "hint", cwd=project)
    assert "stage 'extra' is never used" in result.out and "'tools'" not in result.out
    result = run("-f", "concise", "--target", "extra", cwd=project)
    assert "stage 'tools' is never used" in result.out and "'extra'" not in result.out
    write(project, {"ctx/.dockerignore": "a.txt\n", "ctx/a.txt": "x",
                    "Dockerfile": "FROM alpine:3.20\nCOPY a.txt /a\n",
                    ".layerwise.toml": 'context = "ctx"\n'})
    assert ids(run("-f", "concise", cwd=project).out) == ["LW411"]
    assert ids(run("-f", "concise", "--context", ".", cwd=project).out) == []


def test_explicit_config_file(project: Path) -> None:
    write(project, {"ci/layerwise.toml": 'select = ["LW404"]\n', "Dockerfile": MIXED,
                    ".layerwise.toml": 'select = ["LW001"]\n'})
    assert ids(run("--config", "ci/layerwise.toml", "-f", "concise", cwd=project).out) == [
        "LW404"]
    result = run("--config", "ci/missing.toml", cwd=project)
    assert result.code == 2 and "no such file" in result.err


def test_ignore_paths(project: Path) -> None:
    write(project, {".layerwise.toml": 'ignorePaths = ["vendor", "build/**", '
                    '"*.generated.Dockerfile", "docs/examples/"]\n',
                    "Dockerfile": UNUSED, "vendor/x/Dockerfile": UNUSED,
                    "sub/vendor/Dockerfile": UNUSED, "build/out/Dockerfile": UNUSED,
                    "a.generated.Dockerfile": UNUSED, "docs/examples/Dockerfile": UNUSED,
                    "docs/Dockerfile": UNUSED, "sub/build/Dockerfile": UNUSED})
    report = valid_report(run("-f", "json", cwd=project).json())
    assert sorted({f["path"] for f in report["findings"]}) == [
        "Dockerfile", "docs/Dockerfile", "sub/build/Dockerfile"]
    # named files are skipped too, as pre-commit names every changed file
    result = run("vendor/x/Dockerfile", "Dockerfile", "-f", "json", cwd=project)
    assert {f["path"] for f in result.json()["findings"]} == {"Dockerfile"}
    # --exclude adds patterns, relative to the working folder
    report = run("--exclude", "docs", "--exclude", "sub/*/", "-f", "json", cwd=project).json()
    assert {f["path"] for f in report["findings"]} == {"Dockerfile"}


@pytest.mark.parametrize(("content", "key", "expected"), [
    ("target = 3\n", "target", "expected a string, got int 3"),
    ('select = "LW1"\n', "select", "expected an array of strings"),
    ('[rules]\nLW106 = "loud"\n', "rules", "expected one of error, warning, info, hint, off"),
    ("colour = 1\n", "colour", "unknown setting"),
    ('selec = ["LW1"]\n', "selec", "did you mean 'select'?"),
    ("[diagnostics]\nenable = 1\n", "diagnostics.enable", "expected true or false"),
    ('ignorePaths = [1]\n', "ignorePaths", "expected an array of strings"),
    ('server = { command = ["x"] }\n', "server", "editor setting"),
    ('select = ["LW999"]\n', "select", "unknown rule, name or prefix 'LW999'"),
    ("target = \n", "", "invalid TOML"),
], ids=["type", "list", "level", "unknown", "typo", "nested", "paths", "editor", "rule",
        "toml"])
def test_invalid_config_exits_2_naming_file_key_and_type(
        project: Path, content: str, key: str, expected: str) -> None:
    write(project, {".layerwise.toml": content, "Dockerfile": MIXED})
    result = run(cwd=project)
    assert result.code == 2
    assert result.out == ""
    line = result.err.strip()
    assert len(line.splitlines()) == 1, line
    assert line.startswith(f"layerwise: error: {project / '.layerwise.toml'}: {key}")
    assert expected in line


def test_invalid_pyproject_names_the_table(project: Path) -> None:
    write(project, {"pyproject.toml": "[tool.layerwise]\ntarget = false\n",
                    "Dockerfile": MIXED})
    result = run(cwd=project)
    assert result.code == 2
    assert f"{project / 'pyproject.toml'}: tool.layerwise.target: expected a string" in (
        result.err)


def test_unknown_rule_keys_in_pyproject_name_the_table(project: Path) -> None:
    write(project, {"pyproject.toml": '[tool.layerwise]\nselect = ["LW1", "LW999"]\n'
                    '[tool.layerwise.rules]\nLW9 = "off"\nLW106 = "off"\n',
                    "Dockerfile": MIXED})
    result = run(cwd=project)
    assert result.code == 2 and result.out == ""
    prefix = f"layerwise: error: {project / 'pyproject.toml'}: tool.layerwise"
    assert result.err.splitlines() == [
        f"{prefix}.select: unknown rule, name or prefix 'LW999'",
        f"{prefix}.rules: unknown rule, name or prefix 'LW9'"]


def test_every_bad_key_is_listed(project: Path) -> None:
    write(project, {".layerwise.toml": 'target = 3\ncolour = 1\n', "Dockerfile": MIXED})
    result = run(cwd=project)
    assert result.code == 2 and len(result.err.strip().splitlines()) == 2
