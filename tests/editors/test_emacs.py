"""Layerwise in a real Emacs with Eglot (Debian 12: emacs-nox 28.2, elpa-eglot 1.9), in batch mode.

``emacs/layerwise-session.el`` drives Eglot through one session (see ``scenario.py``) and writes
a JSON report; the tests below check the report. Emacs, Eglot and dockerfile-mode must be
installed: ``.ci/setup_editors.sh`` installs them. A missing Emacs fails the tests, it never
skips them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from . import scenario
from .scenario import Run, codes, items, lsp_ranges

DRIVER = Path(__file__).resolve().parent / "emacs" / "layerwise-session.el"
ELPA = "/usr/share/emacs/site-lisp/elpa"
TIMEOUT = 120.0


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One Emacs session for the whole module."""
    emacs = scenario.require_program("emacs", "Emacs")
    elpa = os.environ.get("LAYERWISE_ELPA_DIRS", ELPA)
    if not any(Path(d).glob("eglot-*") for d in elpa.split(":")):
        pytest.fail(f"Eglot is not installed in {elpa}, so the real-editor test cannot run. "
                    f"Install it by running `{scenario.SETUP_SCRIPT}` as root or with sudo (Debian "
                    "12: apt-get install elpa-eglot elpa-dockerfile-mode), then run the tests "
                    "again.", pytrace=False)
    work = tmp_path_factory.mktemp("emacs")
    config = scenario.write_session(work, "report.json")
    home = work / "home"
    home.mkdir()
    env = {"HOME": str(home), "LAYERWISE_ELPA_DIRS": elpa}  # nothing read from or written to ~
    argv = [emacs, "-Q", "--batch", "-l", str(DRIVER)]
    return scenario.run_editor(argv, config, "LAYERWISE_EDITOR_CONFIG", work, env, TIMEOUT)


def test_session_completes(run: Run) -> None:
    assert not run.startup_errors(), run.describe()
    report = run.report
    assert int(run.section("editor")["version"].split(".")[0]) >= 28, report["editor"]
    assert run.section("document").get("major_mode") == "dockerfile-mode", run.describe()
    server = run.section("server")
    assert server.get("language_id") == "dockerfile", run.describe()
    # eglot-shutdown raises when `shutdown` gets no answer; the driver records that as an error
    assert not [e for e in items(report.get("errors")) if e["step"] == "shutdown"], run.describe()
    shutdown = run.section("shutdown")
    # jsonrpc.el (Emacs 28) deletes the process right after the `exit` notification, so the
    # exit status is usually Emacs's SIGKILL (9), not the server's own: only check it is gone
    assert shutdown.get("stopped") is True, f"the server did not exit\n{run.describe()}"


def test_diagnostics(run: Run) -> None:
    diags = run.section("diagnostics")
    assert diags.get("received"), run.describe()
    lsp = items(diags["lsp"])
    ranges = lsp_ranges(lsp)
    for code, expected in scenario.EXPECTED_DIAGNOSTICS.items():
        assert ranges.get(code) == expected, f"{code}: {ranges}"
    # the "layerwise" section of eglot-workspace-configuration reached the server
    assert "LW106" not in codes(lsp)
    # and Flymake shows them, on the right lines, as errors
    shown = items(diags["shown"])
    by_code = {d["code"]: d for d in shown}
    assert set(by_code) == set(scenario.EXPECTED_DIAGNOSTICS), shown
    for code, (line, char, end_line, end_char) in scenario.EXPECTED_DIAGNOSTICS.items():
        d = by_code[code]
        assert d["start"]["line"] == line and d["end"]["line"] == end_line, d
        if char != end_char:  # Flymake widens an empty range to the text around it
            assert (d["start"]["character"], d["end"]["character"]) == (char, end_char), d
        assert d["type"] == "eglot-error", d
    assert "[LW002]" in by_code["LW002"]["text"] and "RUNN" in by_code["LW002"]["text"]


def test_completion_offers_stage_names(run: Run) -> None:
    completion = run.section("completion")
    raw = items(completion.get("raw_labels"))
    # the stage names, ahead of the stage indices
    assert sorted(raw[:2]) == scenario.COMPLETION_LABELS, f"{raw}\n{run.describe()}"
    # what completion-at-point offers the user at `--from=|`
    labels = items(completion.get("labels"))
    assert set(scenario.COMPLETION_LABELS) <= set(labels), completion


def test_hover_shows_the_stage_graph(run: Run) -> None:
    hover = run.section("hover")
    assert "result" in hover, run.describe()
    contents = hover["result"]["contents"]
    # Eglot 1.9 asks for Markdown only when markdown-mode is installed; -Q has none
    assert contents["kind"] == "plaintext"
    text = hover["rendered"]
    assert "Stage builder" in text and "**" not in text
    assert "Build waves" in text
    assert "1. builder, assets" in text and "2. runtime" in text
    assert "builder → runtime" in text  # the critical path
    assert "▼" in text and "│ runtime │" in text  # the drawing


def test_code_action_changes_runn_to_run(run: Run) -> None:
    applied = scenario.check_code_action(run, "Eglot")
    assert applied.get("has_edit") is True, "Eglot 1.9 cannot resolve code actions: send the edit"


def test_diagnostics_after_the_fix(run: Run) -> None:
    scenario.check_diagnostics_after_fix(run)
