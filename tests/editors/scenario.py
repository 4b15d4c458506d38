"""The session both real-editor tests drive, and what they expect from it.

One Dockerfile with a typo'd instruction (LW002), a typo'd stage reference (LW101), an empty
``--from=`` to complete (LW004) and an unused stage (LW106, turned off through each editor's own
settings mechanism). Positions are LSP positions: 0-based line, 0-based UTF-16 character (the
file is ASCII, so characters and bytes agree).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import site
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SETUP_SCRIPT = ".ci/setup_editors.sh"
SERVER_COMMAND = [sys.executable, "-m", "layerwise", "--stdio"]

LINES = [
    "FROM golang:1.22 AS builder",                        # 0  hover on `builder`
    "WORKDIR /src",                                       # 1
    "RUNN go build -o /out/app .",                        # 2  LW002, quick fix "Change to RUN"
    "",                                                   # 3
    "FROM alpine:3.20 AS assets",                         # 4  LW106 (turned off by settings)
    "RUN mkdir -p /assets",                               # 5
    "",                                                   # 6
    "FROM alpine:3.20 AS runtime",                        # 7
    "COPY --from=builder /out/app /usr/local/bin/app",    # 8
    "COPY --from=buidler /out/app /usr/local/bin/app2",   # 9  LW101
    "COPY --from= /assets /assets",                       # 10 LW004, completion after `--from=`
    'CMD ["app"]',                                        # 11
]
TEXT = "\n".join(LINES) + "\n"
FIXED_LINE = "RUN go build -o /out/app ."
TEXT_AFTER_FIX = TEXT.replace("RUNN go build", "RUN go build", 1)

RUNN_LINE = 2
COMPLETION = {"line": 10, "character": LINES[10].index("--from=") + len("--from=")}
HOVER = {"line": 0, "character": LINES[0].index("builder") + 2}
CODE_ACTION_RANGE = {"start": {"line": RUNN_LINE, "character": 0},
                     "end": {"line": RUNN_LINE, "character": len(LINES[RUNN_LINE])}}
ACTION_TITLE_PREFIX = "Change to RUN"
#: Sent by the editor as settings (section "layerwise"); the tests check it reached the server.
SETTINGS = {"layerwise": {"rules": {"LW106": "off"}}}


def _span(line: int, word: str) -> tuple[int, int, int, int]:
    start = LINES[line].index(word)
    return (line, start, line, start + len(word))


#: code -> (start line, start character, end line, end character), as LSP ranges.
EXPECTED_DIAGNOSTICS = {
    "LW002": _span(2, "RUNN"),
    "LW101": _span(9, "buidler"),
    "LW004": (10, COMPLETION["character"], 10, COMPLETION["character"]),  # the missing value
}
COMPLETION_LABELS = ["assets", "builder"]
#: What the hover on `builder` covers.
HOVER_RANGE = _span(0, "builder")

# Further documents, each in a folder of its own below the project (Neovim's session opens them
# after the one above).

#: Found upward from ``configured/app/Dockerfile`` (the text above again). The editor's settings
#: win over it rule by rule, so LW106 stays off.
PROJECT_CONFIG = """\
ignore = ["LW101"]

[rules]
LW002 = "warning"
LW106 = "warning"
"""
#: code -> LSP severity of that document's diagnostics under the config file.
CONFIGURED_SEVERITIES = {"LW002": 2, "LW004": 1}

#: A copy of the whole build context, which holds a ``.env`` file (LW306, a warning). The
#: folders differ in their ignore file and in the client that opens them.
LEAK_LINES = ["FROM alpine:3.20", "WORKDIR /app", "COPY . /app", 'CMD ["/app/run"]']
LEAK_COPY_LINE = 2
LEAK_SPAN = (LEAK_COPY_LINE, 5, LEAK_COPY_LINE, 6)  # the `.`
LEAK_RANGE = {"start": {"line": LEAK_COPY_LINE, "character": 0},
              "end": {"line": LEAK_COPY_LINE, "character": len(LEAK_LINES[LEAK_COPY_LINE])}}
#: A fake token, put together here so that no secret scanner flags this file.
LEAK_ENV = "API_TOKEN=" + "lwfake_" + "3f9a" * 8 + "\n"
#: The existing ignore file of the folder where the fix adds patterns.
IGNORE_BEFORE = "node_modules\n"
CREATE_PREFIX = "Create .dockerignore with "
ADD_PREFIX = "Add "
ADD_SUFFIX = " to .dockerignore"


@dataclass
class Run:
    """One editor session: its JSON report, and how long it took."""

    report: dict[str, Any]
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    work: Path

    def section(self, name: str) -> dict[str, Any]:
        """A top-level object of the report (``{}`` when the session never got there)."""
        return obj(self.report.get(name))

    def startup_errors(self) -> list[dict[str, Any]]:
        """Errors that stopped the session before its first request."""
        return [e for e in items(self.report.get("errors"))
                if e.get("step") in ("start", "initialize", "driver")]

    def describe(self) -> str:
        """The editor's output and the report's errors, for failure messages."""
        errors = json.dumps(self.report.get("errors"), indent=1)[:4000]
        return (f"exit status {self.returncode} after {self.seconds:.1f} s\n"
                f"report errors: {errors}\n"
                f"stdout (tail): {self.stdout[-2000:]}\nstderr (tail): {self.stderr[-4000:]}")


def require_program(name: str, what: str) -> str:
    """The path of an editor binary; fail (never skip) when it is missing."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{what} ({name!r}) is not installed, so the real-editor test cannot run. "
                    f"Install it by running `{SETUP_SCRIPT}` as root or with sudo (Debian 12: "
                    "apt-get install neovim emacs-nox elpa-eglot elpa-dockerfile-mode), then run "
                    "the tests again.",
                    pytrace=False)
    return found


def write_session(work: Path, out_name: str) -> dict[str, Any]:
    """Write the Dockerfile into ``work`` and return the driver's configuration."""
    project = work / "project"
    project.mkdir(parents=True)
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(TEXT, encoding="utf-8")
    return {
        "file": str(dockerfile),
        "root": str(project),
        "cmd": SERVER_COMMAND,
        "out": str(work / out_name),
        "settings": SETTINGS,
        "completion": COMPLETION,
        "hover": HOVER,
        "code_action_range": CODE_ACTION_RANGE,
        "action_title_prefix": ACTION_TITLE_PREFIX,
        "init_timeout_ms": 20000,
        "diagnostics_timeout_ms": 15000,
        "request_timeout_ms": 10000,
        "settle_ms": 400,
    }


def write_more_documents(config: dict[str, Any]) -> None:
    """Write the further documents into the project and name them in the driver's ``config``:
    ``project_config`` and the three ``dockerignore`` cases (no ignore file, opened by the
    default client and by one that advertises ``documentChanges``; an ignore file to add to)."""
    project = Path(config["root"])
    configured = project / "configured"
    (configured / "app").mkdir(parents=True)
    (configured / ".layerwise.toml").write_text(PROJECT_CONFIG, encoding="utf-8")
    (configured / "app" / "Dockerfile").write_text(TEXT, encoding="utf-8")
    config["project_config"] = {"file": str(configured / "app" / "Dockerfile")}
    config["dockerignore"] = {"range": LEAK_RANGE}
    for case, prefix in {"default": "", "create": CREATE_PREFIX, "add": ADD_PREFIX}.items():
        folder = project / f"leak-{case}"
        folder.mkdir()
        (folder / "Dockerfile").write_text("\n".join(LEAK_LINES) + "\n", encoding="utf-8")
        (folder / ".env").write_text(LEAK_ENV, encoding="utf-8")
        if case == "add":
            (folder / ".dockerignore").write_text(IGNORE_BEFORE, encoding="utf-8")
        # the action to apply (none in the default case: only the offer is checked)
        config["dockerignore"][case] = {"file": str(folder / "Dockerfile"),
                                        "ignore_file": str(folder / ".dockerignore"),
                                        "prefix": prefix}


def run_editor(argv: list[str], config: dict[str, Any], config_env: str, work: Path,
               extra_env: dict[str, str], timeout: float) -> Run:
    """Run an editor headless on a driver config; kill it (and its server) on timeout."""
    config_path = work / "config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    env = dict(os.environ)
    # the editors get a scratch HOME; the server they start must still find a `pip install
    # --user` Layerwise, which Python looks up under HOME unless PYTHONUSERBASE says otherwise
    env.setdefault("PYTHONUSERBASE", site.getuserbase())
    env.update(extra_env)
    env[config_env] = str(config_path)
    started = time.monotonic()
    proc = subprocess.Popen(argv, cwd=config["root"], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace", start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(proc.pid)  # the editor and the server it started
        stdout, stderr = proc.communicate()
        pytest.fail(f"{argv[0]} did not finish within {timeout:.0f} s and was killed.\n"
                    f"stdout: {stdout[-2000:]}\nstderr: {stderr[-4000:]}", pytrace=False)
    seconds = time.monotonic() - started
    out = Path(config["out"])
    if not out.exists():
        pytest.fail(f"{argv[0]} exited with status {proc.returncode} after {seconds:.1f} s "
                    f"without writing its report {out}.\nstdout: {stdout[-2000:]}\n"
                    f"stderr: {stderr[-4000:]}", pytrace=False)
    report = json.loads(out.read_text(encoding="utf-8"))
    return Run(report, seconds, proc.returncode, stdout, stderr, work)


def _kill_tree(pid: int) -> None:
    """SIGKILL a process, its process group and every descendant.

    Editors start their servers in sessions of their own (Emacs calls setsid), so killing the
    editor's process group alone would leave the server running; the descendants are collected
    before anything is killed, while they can still be told apart from unrelated processes.
    """
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    doomed, todo = [], [pid]
    while todo:
        current = todo.pop()
        doomed.append(current)
        todo.extend(children.get(current, []))
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    for victim in doomed:
        try:
            os.kill(victim, signal.SIGKILL)
        except OSError:
            pass


# ----------------------------------------------------------------------------- report access


def items(value: Any) -> list[Any]:
    """A JSON array that an editor may have written as ``{}`` (empty) or ``null``."""
    if isinstance(value, list):
        return value
    return []


def obj(value: Any) -> dict[str, Any]:
    """A JSON object that an editor may have written as ``[]`` (empty) or ``null``."""
    if isinstance(value, dict):
        return value
    return {}


def codes(diagnostics: list[dict[str, Any]]) -> list[str]:
    """The codes of LSP diagnostics, in order."""
    return [str(d.get("code")) for d in diagnostics]


def lsp_ranges(diagnostics: list[dict[str, Any]]) -> dict[str, tuple[int, int, int, int]]:
    """code -> range tuple, for LSP diagnostics."""
    found = {}
    for d in diagnostics:
        r = d["range"]
        found[str(d.get("code"))] = (r["start"]["line"], r["start"]["character"],
                                     r["end"]["line"], r["end"]["character"])
    return found


def check_code_action(run: Run, editor: str) -> dict[str, Any]:
    """The "Change to RUN" quick fix was offered for LW002 and changed the text; the applied
    section of the report."""
    action = run.section("code_action")
    assert action.get("server_offers") is True, (
        f"the server does not advertise codeActionProvider, so {editor} cannot ask it for "
        f"the '{ACTION_TITLE_PREFIX}' quick fix\n{run.describe()}")
    assert "LW002" in items(action["context_codes"])  # the editor's diagnostics, sent as context
    titles = items(action.get("titles"))
    assert any(t.startswith(ACTION_TITLE_PREFIX) for t in titles), (
        f"code action titles: {titles}\n{run.describe()}")
    applied = run.section("apply")
    assert applied.get("changed") is True, run.describe()
    assert applied["text_after"] == TEXT_AFTER_FIX
    assert applied["text_after"].splitlines()[RUNN_LINE] == FIXED_LINE
    return applied


def check_diagnostics_after_fix(run: Run) -> None:
    """After the fix, LW002 is gone from what the server sent and what the editor shows."""
    applied = run.section("apply")
    assert applied, f"no code action was applied\n{run.describe()}"
    assert applied.get("diagnostics_received"), run.describe()
    after = items(applied["diagnostics_lsp"])
    assert "LW002" not in codes(after)
    assert {"LW101", "LW004"} <= set(codes(after))
    assert "LW002" not in [d["code"] for d in items(applied["diagnostics_shown"])]
    assert run.report.get("ok") is True, run.describe()
