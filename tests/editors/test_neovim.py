"""Layerwise in a real Neovim (Debian 12: neovim 0.7.2), headless and without user config.

``nvim/layerwise_session.lua`` drives Neovim's built-in LSP client through one session (see
``scenario.py``) and writes a JSON report; the tests below check the report. Neovim must be
installed: ``.ci/setup_editors.sh`` installs it. A missing Neovim fails the tests, it never
skips them.
"""

from __future__ import annotations

from pathlib import Path

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
    action = run.section("code_action")
    assert action.get("server_offers") is True, (
        "the server does not advertise codeActionProvider, so Neovim cannot ask it for "
        f"the '{scenario.ACTION_TITLE_PREFIX}' quick fix\n{run.describe()}")
    assert "LW002" in items(action["context_codes"])
    titles = items(action.get("titles"))
    assert any(t.startswith(scenario.ACTION_TITLE_PREFIX) for t in titles), (
        f"code action titles: {titles}\n{run.describe()}")
    applied = run.section("apply")
    assert applied.get("changed") is True, run.describe()
    assert applied["text_after"] == scenario.TEXT_AFTER_FIX
    assert applied["text_after"].splitlines()[scenario.RUNN_LINE] == scenario.FIXED_LINE


def test_diagnostics_after_the_fix(run: Run) -> None:
    applied = run.section("apply")
    assert applied, f"no code action was applied\n{run.describe()}"
    assert applied.get("diagnostics_received"), run.describe()
    after = items(applied["diagnostics_lsp"])
    assert "LW002" not in codes(after)
    assert {"LW101", "LW004"} <= set(codes(after))
    assert "LW002" not in [d["code"] for d in items(applied["diagnostics_shown"])]
    assert run.report.get("ok") is True, run.describe()
