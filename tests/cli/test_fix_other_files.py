"""Fixes that edit the ``.dockerignore`` (LW305, LW306): offered in the editor only.

``check --fix`` and ``--diff`` apply safe fixes, which rewrite the Dockerfile alone; a fix of
another file is never safe, so it is skipped there, said so in the report and never counted as
fixable.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import FIXABLE, FIXED, run, valid_report, valid_sarif, write

#: FIXABLE plus a whole-context copy: LW306, whose fix creates the .dockerignore.
COPY_ALL = FIXABLE + "COPY . /app\n"
HINT = "= help: Create .dockerignore with .git, .env*, "


def test_fix_skips_the_ignore_file(project: Path) -> None:
    write(project, {"Dockerfile": COPY_ALL, ".env": "X=1\n"})
    result = run("--fix", cwd=project)
    assert (project / "Dockerfile").read_text() == FIXED + "COPY . /app\n"
    assert sorted(p.name for p in project.iterdir()) == [".env", "Dockerfile"]
    assert "Fixed 3 findings in 1 file" in result.out
    assert "LW306" in result.out and HINT in result.out
    assert "(an unsafe fix: apply it from the editor)" in result.out


def test_diff_shows_the_dockerfile_only(project: Path) -> None:
    write(project, {"Dockerfile": COPY_ALL})
    result = run("--diff", cwd=project)
    assert result.out.startswith("--- Dockerfile\n+++ Dockerfile\n")
    assert ".dockerignore" not in result.out and "would fix 3 findings" in result.err
    assert not (project / ".dockerignore").exists()


def test_reports_do_not_count_it_as_fixable(project: Path) -> None:
    write(project, {"Dockerfile": "FROM alpine:3.20\nCOPY . /app\n",
                    ".dockerignore": "node_modules"})
    report = valid_report(run("-f", "json", cwd=project).json())
    (finding,) = report["findings"]
    assert finding["id"] == "LW306" and not finding["fixable"]
    assert finding["fix"]["title"].startswith("Add .git, .env*, ")
    assert finding["fix"]["safe"] is False
    assert report["summary"]["fixable"] == 0
    sarif = valid_sarif(run("-f", "sarif", cwd=project).json())
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "LW306" and "fixes" not in result
    assert (project / ".dockerignore").read_text() == "node_modules"


def test_no_ignore_fix_without_a_build_context(project: Path) -> None:
    """Standard input without ``--stdin-filename``: there is no folder to write to."""
    source = "FROM node:22\nCOPY .env /app/.env\n"
    result = run("-", "-f", "json", cwd=project, stdin=source)
    (finding,) = valid_report(result.json())["findings"]
    assert finding["id"] == "LW305" and finding["fix"] is None
    named = run("-", "-f", "json", "--stdin-filename", "Dockerfile", cwd=project, stdin=source)
    (finding,) = valid_report(named.json())["findings"]
    assert finding["fix"]["title"] == "Create .dockerignore with .env"
    assert not (project / ".dockerignore").exists()
