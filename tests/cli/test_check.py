"""`layerwise check`: exit codes, --fail-on, selection, formats, stdin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import CLEAN, FIXABLE, MIXED, Run, run, valid_report, valid_sarif, write


def test_clean_file_exits_0_and_prints_nothing(project: Path) -> None:
    write(project, {"Dockerfile": CLEAN})
    result = run(cwd=project)
    assert (result.code, result.out, result.err) == (0, "", "")


def test_findings_exit_1(project: Path) -> None:
    write(project, {"Dockerfile": MIXED})
    result = run("Dockerfile", cwd=project)
    assert result.code == 1
    assert "Dockerfile:6:5: error LW001" in result.out
    assert result.err == ""


@pytest.mark.parametrize(("fail_on", "code"), [
    ("error", 1), ("warning", 1), ("info", 1), ("hint", 1), ("none", 0)])
def test_fail_on_thresholds_with_every_severity(project: Path, fail_on: str, code: int) -> None:
    write(project, {"Dockerfile": MIXED})
    assert run("--fail-on", fail_on, cwd=project).code == code


@pytest.mark.parametrize(("source", "fail_on", "code"), [
    # only a hint (LW106): fails at hint, not at info or warning
    ("FROM alpine:3.20 AS tools\nFROM alpine:3.20\n", "hint", 1),
    ("FROM alpine:3.20 AS tools\nFROM alpine:3.20\n", "info", 0),
    ("FROM alpine:3.20 AS tools\nFROM alpine:3.20\n", "warning", 0),
    # a warning (LW404): fails at warning (the default), not at error
    ("FROM alpine:3.20\nMAINTAINER me\n", "warning", 1),
    ("FROM alpine:3.20\nMAINTAINER me\n", "error", 0),
], ids=["hint@hint", "hint@info", "hint@warning", "warning@warning", "warning@error"])
def test_fail_on_compares_severities(project: Path, source: str, fail_on: str,
                                     code: int) -> None:
    write(project, {"Dockerfile": source})
    result = run("--fail-on", fail_on, cwd=project)
    assert result.code == code
    assert "Found 1 finding" in result.out  # findings below the threshold are still shown


def test_default_fail_on_is_warning(project: Path) -> None:
    write(project, {"Dockerfile": "FROM alpine:3.20 AS tools\nFROM alpine:3.20\n"})
    assert run(cwd=project).code == 0
    write(project, {"Dockerfile": "FROM alpine:3.20\nMAINTAINER me\n"})
    assert run(cwd=project).code == 1


@pytest.mark.parametrize("args", [
    ["--format", "xml"], ["--fail-on", "fatal"], ["--select", "LW999"], ["--ignore", "nope"],
    ["--severity", "LW106"], ["--severity", "LW106=loud"], ["--context", "missing-dir"],
    ["--bogus"], ["-", "Dockerfile"], ["--jobs", "two"],
], ids=lambda a: " ".join(a))
def test_usage_errors_exit_2_with_one_line(project: Path, args: list[str]) -> None:
    write(project, {"Dockerfile": CLEAN})
    result = run(*args, cwd=project)
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "error" in result.err


def test_missing_file_exits_2_and_other_files_are_still_checked(project: Path) -> None:
    write(project, {"Dockerfile": MIXED})
    result = run("nope/Dockerfile", "Dockerfile", cwd=project)
    assert result.code == 2
    assert result.err.strip() == "layerwise: error: nope/Dockerfile: no such file or folder"
    assert "LW001" in result.out


def test_select_ignore_and_prefixes(project: Path) -> None:
    write(project, {"Dockerfile": MIXED})

    def ids(result: Run) -> list[str]:
        return sorted(set(re.findall(r"LW\d{3}", result.out)))

    assert ids(run("--select", "LW1", "-f", "concise", cwd=project)) == ["LW106", "LW107"]
    assert ids(run("--select", "unused-stage,LW001", "-f", "concise", cwd=project)) == [
        "LW001", "LW106"]
    assert ids(run("--ignore", "LW0", "--ignore", "maintainer-deprecated", "-f", "concise",
                   cwd=project)) == ["LW106", "LW107"]
    assert ids(run("--select", "LW1", "--extend-select", "LW404", "-f", "concise",
                   cwd=project)) == ["LW106", "LW107", "LW404"]


def test_severity_overrides(project: Path) -> None:
    write(project, {"Dockerfile": "FROM alpine:3.20 AS tools\nFROM alpine:3.20\n"})
    assert run(cwd=project).code == 0
    result = run("--severity", "LW106=error", "-f", "concise", cwd=project)
    assert result.code == 1 and "LW106 [error]" in result.out
    result = run("--severity", "LW1=warning", "--severity", "unused-stage=error", "-f",
                 "concise", cwd=project)
    assert "LW106 [error]" in result.out  # the exact rule wins over the prefix
    assert run("--severity", "LW106=off", "--fail-on", "hint", cwd=project).out == ""


def test_text_format_has_a_code_frame(project: Path) -> None:
    write(project, {"Dockerfile": "FROM alpine:3.20\n\tMAINTAINER me\n"})
    out = run(cwd=project).out
    assert out.splitlines()[:6] == [
        ("Dockerfile:2:2: warning LW404 MAINTAINER is deprecated; use LABEL "
         "org.opencontainers.image.authors=\"…\" to name the image author"),
        "  |",
        "2 |     MAINTAINER me",
        "  |     ^^^^^^^^^^ LW404 maintainer-deprecated",
        "  |",
        ("  = help: Replace with LABEL org.opencontainers.image.authors (an unsafe fix: apply "
         "it from the editor)"),
    ]
    assert out.rstrip().endswith("Found 1 finding (1 warning) in 1 file.")
    assert "\x1b[" not in out  # not a terminal: no color


def test_text_format_marks_fixable_findings(project: Path) -> None:
    write(project, {"Dockerfile": FIXABLE})
    out = run(cwd=project).out
    assert "Dockerfile:2:1: info LW402 [*] Command 'run'" in out
    assert "= help: Change to RUN (fixable with --fix)" in out
    assert "3 fixable with --fix." in out


def test_color_is_forced_or_disabled(project: Path) -> None:
    write(project, {"Dockerfile": MIXED})
    assert "\x1b[" in run("--color", "always", cwd=project).out
    assert "\x1b[" not in run("--color", "never", cwd=project).out
    assert "\x1b[" in run(cwd=project, env={"FORCE_COLOR": "1"}).out
    assert "\x1b[" not in run(cwd=project, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).out


def test_quiet_prints_findings_only(project: Path) -> None:
    write(project, {"Dockerfile": MIXED})
    result = run("-q", "-f", "concise", cwd=project)
    assert result.code == 1
    assert len(result.out.splitlines()) == 4 and "Found" not in result.out


def test_json_report_validates(project: Path) -> None:
    write(project, {"Dockerfile": MIXED, "sub/app.Dockerfile": FIXABLE})
    result = run("--format", "json", cwd=project)
    assert result.code == 1
    report = valid_report(result.json())
    assert report["schemaVersion"] == 1 and report["tool"]["name"] == "layerwise"
    first = report["findings"][0]
    assert first == {
        "path": "Dockerfile",
        "range": {"start": {"line": 1, "column": 21}, "end": {"line": 1, "column": 26}},
        "id": "LW106", "name": "unused-stage", "severity": "hint",
        "message": first["message"], "url": first["url"], "related": [],
        "fixable": False, "fix": first["fix"], "tags": ["unnecessary"],
    }
    assert first["url"].endswith("/docs/rules/LW106.md")
    fixes = {f["id"]: f["fix"] for f in report["findings"] if f["fix"]}
    assert fixes["LW402"] == {"title": "Change to RUN", "safe": True, "edits": [{
        "range": {"start": {"line": 2, "column": 1}, "end": {"line": 2, "column": 4}},
        "newText": "RUN"}]}
    assert {f["path"] for f in report["findings"]} == {"Dockerfile", "sub/app.Dockerfile"}
    assert report["summary"]["bySeverity"] == {"error": 1, "warning": 2, "info": 3, "hint": 1}
    assert report["summary"]["fixable"] == 4


def test_json_report_of_a_clean_run_validates(project: Path) -> None:
    write(project, {"Dockerfile": CLEAN})
    result = run("--format", "json", cwd=project)
    assert result.code == 0
    assert valid_report(result.json())["findings"] == []


def test_json_ranges_count_code_points(project: Path) -> None:
    write(project, {"Dockerfile": "FROM alpine:3.20\nLABEL note=\"日本🐳\"\nMAINTAINER me\n"})
    report = valid_report(run("-f", "json", cwd=project).json())
    assert report["findings"][0]["range"]["start"] == {"line": 3, "column": 1}


def test_sarif_validates_against_the_official_schema(project: Path) -> None:
    write(project, {"Dockerfile": MIXED, "sub/app.Dockerfile": FIXABLE})
    result = run("--format", "sarif", cwd=project)
    assert result.code == 1
    log = valid_sarif(result.json())
    run_ = log["runs"][0]
    assert log["version"] == "2.1.0" and run_["columnKind"] == "unicodeCodePoints"
    rules = run_["tool"]["driver"]["rules"]
    for item in run_["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uriBaseId"] == "%SRCROOT%"
        assert location["uri"] in ("Dockerfile", "sub/app.Dockerfile")
    levels = {item["ruleId"]: item["level"] for item in run_["results"]}
    assert levels["LW001"] == "error" and levels["LW404"] == "warning"
    assert levels["LW106"] == "note"
    assert any("fixes" in item for item in run_["results"])


def test_sarif_of_a_clean_run_and_of_an_error_validate(project: Path) -> None:
    write(project, {"Dockerfile": CLEAN})
    assert valid_sarif(run("-f", "sarif", cwd=project).json())["runs"][0]["results"] == []
    result = run("-f", "sarif", "Dockerfile", "missing.Dockerfile", cwd=project)
    assert result.code == 2
    invocation = valid_sarif(result.json())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False


def test_github_annotations(project: Path) -> None:
    write(project, {"Dockerfile": MIXED})
    lines = run("--format", "github", cwd=project).out.splitlines()
    assert lines[0].startswith("::notice file=Dockerfile,line=1,col=21,endLine=1,"
                               "endColumn=25,title=LW106 unused-stage::stage 'tools'")
    assert any(line.startswith("::error file=Dockerfile,line=6,") for line in lines)
    assert any(line.startswith("::warning file=Dockerfile,line=4,") for line in lines)
    assert len(lines) == 4


def test_github_annotations_escape_data_and_properties(project: Path) -> None:
    write(project, {"a,b:c.Dockerfile": "FROM alpine:3.20\nMAINTAINER 100%\n"})
    line = run("--format", "github", cwd=project).out.splitlines()[0]
    assert line.startswith("::warning file=a%2Cb%3Ac.Dockerfile,line=2,")


def test_statistics(project: Path) -> None:
    write(project, {"Dockerfile": MIXED, "b/Dockerfile": MIXED, "c/Dockerfile": FIXABLE})
    result = run("--statistics", cwd=project)
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].split() == ["2", "LW001", "parse-error", "error"]
    assert ["1", "LW402", "[*]", "inconsistent-instruction-casing", "info"] in [
        line.split() for line in lines]
    assert "Dockerfile:" not in result.out  # counts instead of findings
    assert lines[-1].startswith("Found 11 findings")
    report = valid_report(run("--statistics", "-f", "json", cwd=project).json())
    assert report["statistics"][0] == {"id": "LW001", "name": "parse-error",
                                       "severity": "error", "count": 2, "fixable": 0}


def test_stdin_with_a_file_name(project: Path) -> None:
    write(project, {"docker/.dockerignore": "secret.txt\n", "docker/secret.txt": "x"})
    result = run("-", "--stdin-filename", "docker/Dockerfile", "-f", "json", cwd=project,
                 stdin="FROM alpine:3.20\nCOPY secret.txt /s\n")
    report = valid_report(result.json())
    # the build context is docker/, found from the file name: the ignored file is reported
    assert [(f["path"], f["id"]) for f in report["findings"]] == [
        ("docker/Dockerfile", "LW411")]


def test_stdin_without_a_file_name(project: Path) -> None:
    result = run("-", cwd=project, stdin=MIXED)
    assert result.code == 1
    assert result.out.startswith("<stdin>:1:21: hint LW106")
    assert run("-", cwd=project, stdin=CLEAN).code == 0


def test_output_file(project: Path) -> None:
    write(project, {"Dockerfile": MIXED})
    result = run("-f", "sarif", "-o", "out/report.sarif", cwd=project)
    assert result.code == 2 and "cannot write out/report.sarif" in result.err
    (project / "out").mkdir()
    result = run("-f", "sarif", "-o", "out/report.sarif", cwd=project)
    assert result.code == 1 and result.out == ""
    import json

    valid_sarif(json.loads((project / "out/report.sarif").read_text("utf-8")))
