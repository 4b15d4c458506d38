"""The extension in a real VS Code: code-server 4.100.3 in Debian's Chromium (e2e.mjs).

e2e.mjs runs `.ci/setup_vscode.sh code-server extension` first (installs code-server into
.cache/editors when it is missing, packages the .vsix), so this test installs what it can; a
missing Chromium, Node or code-server makes it fail, never skip (except when opted out outside CI,
see conftest.py). Screenshots, the report and the logs are kept in test-artifacts/vscode/.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .support import ROOT, require

SCRIPT = Path(__file__).with_name("e2e.mjs")
ARTIFACTS = ROOT / "test-artifacts" / "vscode"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
STDIO_COMMAND = [sys.executable, "-m", "layerwise", "--stdio"]


@pytest.fixture(scope="module")
def report(node: str) -> dict:
    """Run e2e.mjs once and return its JSON report (failing with its error if it failed)."""
    require(CHROMIUM.exists(), f"Chromium is missing ({CHROMIUM}; Debian package `chromium`)")
    command = [node, str(SCRIPT), "--python", sys.executable, "--out-dir", str(ARTIFACTS),
               "--chromium", str(CHROMIUM)]
    # Its own session: on a timeout the whole run (code-server, Chromium) is stopped.
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, start_new_session=True) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=1200)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            stdout, stderr = proc.communicate(timeout=60)
            pytest.fail(f"e2e.mjs took more than 20 minutes:\n{stderr[-4000:]}", pytrace=False)
    lines = [ln for ln in stdout.splitlines() if ln.startswith("E2E_REPORT ")]
    assert lines, f"e2e.mjs printed no report (exit {proc.returncode}):\n{stderr[-4000:]}"
    result: dict = json.loads(lines[-1].removeprefix("E2E_REPORT "))
    if proc.returncode != 0:
        steps = ", ".join(f"{k}: {'ok' if v.get('ok') else 'FAILED'}"
                          for k, v in result.get("steps", {}).items())
        pytest.fail(f"the VS Code end-to-end test failed (exit {proc.returncode}): "
                    f"{result.get('error')}\nsteps: {steps}\nartifacts: {ARTIFACTS}\n"
                    f"{stderr[-3000:]}", pytrace=False)
    return result


def test_every_step_passed(report: dict) -> None:
    assert report["ok"] is True and report["exit_code"] == 0
    steps = report["steps"]
    for name in ("prerequisites", "install", "problems", "patterns", "launch", "completion",
                 "hover", "graph", "settings", "restart", "failure"):
        assert steps[name]["ok"] is True, name
    assert report["versions"]["code_server"].startswith("4.100.3 ")
    assert "layerwise.layerwise@0.1.0" in steps["install"]["extensions"]


def test_problems_panel_shows_lw_codes(report: dict) -> None:
    problems = report["steps"]["problems"]
    assert {"LW002", "LW101", "LW301", "LW302"} <= set(problems["codes"])
    assert problems["codes"] == problems["expected_from_cli"]  # the same as `layerwise check`
    assert any("unknown instruction 'RUNN'" in row and "LW002" in row for row in problems["rows"])


def test_dockerfile_name_patterns(report: dict) -> None:
    """deploy/api.Dockerfile is in the dockerfile language and gets diagnostics."""
    patterns = report["steps"]["patterns"]
    assert patterns["language_mode"] == "Dockerfile"
    assert patterns["row"].startswith("api.Dockerfile")


def test_server_runs_with_stdio_once(report: dict) -> None:
    """layerwise.server.command already ends in --stdio: the extension must not add another."""
    assert report["steps"]["launch"]["argv"] == STDIO_COMMAND
    # layerwise.interpreter: the extension adds `-m layerwise --stdio` itself, once
    assert report["steps"]["restart"]["argv"] == STDIO_COMMAND
    assert report["steps"]["restart"]["new_pid"] != report["steps"]["restart"]["old_pid"]


def test_completion_after_from_lists_stages(report: dict) -> None:
    items = report["steps"]["completion"]["items"]
    assert {"build", "tools"} <= set(items)


def test_hover_on_stage_shows_graph(report: dict) -> None:
    text = report["steps"]["hover"]["text"]
    assert "Build waves" in text and "Stage build" in text.replace("\u00a0", " ")


def test_stage_graph_command(report: dict) -> None:
    text = report["steps"]["graph"]["text"]
    assert "Stage graph: Dockerfile" in text and "Build waves" in text


def test_settings_reach_server_without_restart(report: dict) -> None:
    settings = report["steps"]["settings"]
    assert "LW002" not in settings["codes"] and "LW101" in settings["codes"]
    assert settings["pid"] == report["steps"]["launch"]["pid"]


def test_one_actionable_error_when_nothing_works(report: dict) -> None:
    note = report["steps"]["failure"]["notification"]
    assert "could not start its language server" in note and "pip install layerwise" in note


def test_screenshots_are_kept(report: dict) -> None:
    names = {Path(p).name for p in report["screenshots"]}
    assert {"vscode-hover.png", "vscode-completion.png", "vscode-stage-graph.png"} <= names
    for shot in report["screenshots"]:
        assert Path(shot).stat().st_size > 10_000, shot
