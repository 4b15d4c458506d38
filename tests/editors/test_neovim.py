"""Layerwise in a real Neovim (Debian 12: neovim 0.7.2), headless and without user config.

``nvim/layerwise_session.lua`` drives Neovim's built-in LSP client through one session (see
``scenario.py``: the main Dockerfile, then the further documents) and writes a JSON report;
the tests below check the report. Neovim must be installed: ``.ci/setup_editors.sh`` installs
it. A missing Neovim fails the tests, it never skips them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from . import scenario
from .scenario import Run, codes, items, lsp_ranges, obj

DRIVER = Path(__file__).resolve().parent / "nvim" / "layerwise_session.lua"
TIMEOUT = 120.0


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One Neovim session for the whole module."""
    nvim = scenario.require_program("nvim", "Neovim")
    work = tmp_path_factory.mktemp("nvim")
    config = scenario.write_session(work, "report.json")
    scenario.write_more_documents(config)
    home = work / "home"
    env = {  # nothing read from or written to the user's config, data or cache
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    argv = [nvim, "--headless", "--clean", "-n", "-c", f"luafile {DRIVER}"]
    return scenario.run_editor(argv, config, "LAYERWISE_EDITOR_CONFIG", work, env, TIMEOUT)


def test_session_completes(run: Run) -> None:
    assert not run.startup_errors(), run.describe()
    editor = run.section("editor")
    assert [int(n) for n in editor["version"].split(".")[:2]] >= [0, 7], editor
    assert run.section("document").get("filetype") == "dockerfile"
    server = run.section("server")
    assert server.get("stopped") is True, f"the server did not exit after shutdown\n{run.describe()}"
    assert obj(server.get("exit")).get("code") == 0, run.describe()


def test_diagnostics(run: Run) -> None:
    diags = run.section("diagnostics")
    assert diags.get("received"), run.describe()
    lsp = items(diags["lsp"])
    ranges = lsp_ranges(lsp)
    for code, expected in scenario.EXPECTED_DIAGNOSTICS.items():
        assert ranges.get(code) == expected, f"{code}: {ranges}"
    assert all(d.get("source") == "layerwise" for d in lsp), lsp
    # the settings Neovim sent (section "layerwise") reached the server: LW106 is turned off
    assert "LW106" not in codes(lsp)
    # and Neovim shows them: vim.diagnostic.get() (byte columns; the file is ASCII)
    shown = {d["code"]: (d["lnum"], d["col"], d["end_lnum"], d["end_col"])
             for d in items(diags["shown"])}
    for code, expected in scenario.EXPECTED_DIAGNOSTICS.items():
        assert shown.get(code) == expected, f"{code}: {shown}"
    severities = {d["code"]: d["severity"] for d in items(diags["shown"])}
    assert severities["LW002"] == 1  # vim.diagnostic.severity.ERROR


def test_completion_offers_stage_names(run: Run) -> None:
    completion = run.section("completion")
    labels = items(completion.get("labels"))
    # the stage names, ahead of the stage indices
    assert sorted(labels[:2]) == scenario.COMPLETION_LABELS, f"{labels}\n{run.describe()}"
    assert set(scenario.COMPLETION_LABELS) <= set(labels)
    first = items(completion["items"])[0]
    # a plain-text item (0.7.2 has no snippet support) that inserts at the cursor
    assert first.get("insertTextFormat", 1) == 1
    if "textEdit" in first:
        assert first["textEdit"]["range"]["start"] == scenario.COMPLETION


def test_hover_shows_the_stage_graph(run: Run) -> None:
    hover = run.section("hover")
    assert "result" in hover, run.describe()
    contents = hover["result"]["contents"]
    assert contents["kind"] == "markdown"  # Neovim prefers Markdown
    text = "\n".join(items(hover["lines"]))
    assert "**Stage** `builder`" in text
    assert "Build waves" in text
    assert "1. `builder`, `assets`" in text and "2. `runtime`" in text
    assert "`builder` → `runtime`" in text  # the critical path
    assert "▼" in text and "│ runtime │" in text  # the drawing
    r = hover["result"]["range"]
    assert (r["start"]["line"], r["start"]["character"], r["end"]["line"],
            r["end"]["character"]) == scenario.HOVER_RANGE


def test_code_action_changes_runn_to_run(run: Run) -> None:
    scenario.check_code_action(run, "Neovim")


def test_diagnostics_after_the_fix(run: Run) -> None:
    scenario.check_diagnostics_after_fix(run)


def test_project_config_file(run: Run) -> None:
    """The ``.layerwise.toml`` above a document's folder applies, under the editor's settings."""
    configured = run.section("project_config")
    assert configured.get("received"), run.describe()
    # LW101 ignored, LW002 a warning; LW106 stays off, as the editor's settings say
    severities = {d["code"]: d["severity"] for d in items(configured["lsp"])}
    assert severities == scenario.CONFIGURED_SEVERITIES, severities
    shown = {d["code"]: d["severity"] for d in items(configured["shown"])}
    assert shown == scenario.CONFIGURED_SEVERITIES, shown


def _leak(run: Run, case: str) -> dict[str, Any]:
    """A ``dockerignore`` case of the report, after checking its LW306 warning."""
    found = obj(run.section("dockerignore").get(case))
    assert found.get("received"), run.describe()
    (leak,) = [d for d in items(found["lsp"]) if d.get("code") == "LW306"]
    assert lsp_ranges([leak]) == {"LW306": scenario.LEAK_SPAN}, leak
    assert leak["severity"] == 2  # a warning: the context sends its .env
    assert "LW306" in items(found.get("context_codes")), run.describe()
    assert "titles" in found, f"no answer to textDocument/codeAction\n{run.describe()}"
    return found


def _gone_after_saving(run: Run, case: dict[str, Any]) -> None:
    """Saving the Dockerfile made the server read the ignore file: LW306 is gone."""
    assert case.get("received_after_save"), run.describe()
    assert "LW306" not in codes(items(case["lsp_after_save"]))
    assert "LW306" not in [d["code"] for d in items(case["shown_after_save"])]


def test_creating_dockerignore_needs_document_changes(run: Run) -> None:
    """The fix that creates a missing .dockerignore is a CreateFile, which travels in
    ``documentChanges``: the server offers it to clients that advertise both. Neovim 0.7.2
    advertises the ``create`` resource operation but not ``documentChanges``."""
    advertised = obj(run.section("editor").get("workspace_edit"))
    creates = (bool(advertised.get("documentChanges"))
               and "create" in items(advertised.get("resourceOperations")))
    titles = items(_leak(run, "default")["titles"])
    offered = any(t.startswith(scenario.CREATE_PREFIX) for t in titles)
    assert offered == creates, f"advertised {advertised}, offered {titles}"


def test_fix_creates_dockerignore(run: Run) -> None:
    """With ``documentChanges`` added to its capabilities, Neovim applies CreateFile then the
    TextDocumentEdit of the new file; saved, the file holds the patterns."""
    case = _leak(run, "create")
    server = obj(run.section("dockerignore").get("document_changes_server"))
    assert server.get("stopped") is True, run.describe()
    assert obj(server.get("exit")).get("code") == 0, run.describe()
    title = str(case.get("title"))
    assert title.startswith(scenario.CREATE_PREFIX), f"{case.get('titles')}\n{run.describe()}"
    create, edit = items(obj(obj(case["action"]).get("edit")).get("documentChanges"))
    assert create["kind"] == "create" and create["uri"].endswith("/leak-create/.dockerignore")
    assert edit["textDocument"]["uri"] == create["uri"]
    patterns = title.removeprefix(scenario.CREATE_PREFIX).split(", ")
    assert {".env*", "**/.env"} <= set(patterns)
    # Neovim 0.7.2 leaves the new buffer's empty line after the text: a blank line at the end
    lines = str(case.get("ignore_text")).splitlines()
    assert [line for line in lines if line] == patterns, lines
    _gone_after_saving(run, case)


def test_fix_adds_to_dockerignore(run: Run) -> None:
    """With Neovim's own capabilities, the patterns are appended to an existing .dockerignore."""
    case = _leak(run, "add")
    title = str(case.get("title"))
    assert title.startswith(scenario.ADD_PREFIX) and title.endswith(scenario.ADD_SUFFIX), (
        f"{case.get('titles')}\n{run.describe()}")
    patterns = title[len(scenario.ADD_PREFIX):-len(scenario.ADD_SUFFIX)].split(", ")
    assert {".env*", "**/.env"} <= set(patterns)
    expected = scenario.IGNORE_BEFORE + "".join(f"{p}\n" for p in patterns)
    assert case.get("ignore_text") == expected
    _gone_after_saving(run, case)
