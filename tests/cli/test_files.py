"""Which files are checked, --fix / --diff, and files that cannot be analysed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from .conftest import CLEAN, FIXABLE, FIXED, MIXED, run, valid_report, write

UNUSED = "FROM alpine:3.20 AS tools\nFROM alpine:3.20\n"
UNFIXABLE = "FROM alpine:3.20\nMAINTAINER me\n"  # LW404 has an unsafe fix only


def paths_of(project: Path, *args: str) -> list[str]:
    report = valid_report(run("-f", "json", "--fail-on", "none", *args, cwd=project).json())
    return [f["path"] for f in report["findings"]]


# --------------------------------------------------------------------------- discovery


def test_directory_discovery_names_and_skipped_folders(project: Path) -> None:
    write(project, {name: UNUSED for name in (
        "Dockerfile", "Containerfile", "api.Dockerfile", "Dockerfile.dev", "Containerfile.ci",
        "sub/deeper/dockerfile", "Dockerfile.dockerignore", "README.md", "Dockerfiles.txt",
        ".git/Dockerfile", "node_modules/pkg/Dockerfile", ".venv/Dockerfile",
        "sub/node_modules/Dockerfile")})
    assert paths_of(project) == [
        "Containerfile", "Containerfile.ci", "Dockerfile", "Dockerfile.dev", "api.Dockerfile",
        "sub/deeper/dockerfile"]
    assert paths_of(project, "sub") == ["sub/deeper/dockerfile"]
    # a named file is checked whatever its name
    write(project, {"images/base.txt": UNUSED})
    assert paths_of(project, "images/base.txt") == ["images/base.txt"]


def test_each_file_is_checked_once(project: Path) -> None:
    write(project, {"Dockerfile": UNUSED, "sub/Dockerfile": UNUSED})
    assert paths_of(project, ".", "sub", "Dockerfile", "./sub/Dockerfile") == [
        "Dockerfile", "sub/Dockerfile"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_symlinked_folders_are_not_followed(project: Path) -> None:
    write(project, {"real/Dockerfile": UNUSED})
    os.symlink(project / "real", project / "link")
    os.symlink(project, project / "real" / "loop")
    assert paths_of(project) == ["real/Dockerfile"]


def test_no_dockerfile_found_warns(project: Path) -> None:
    write(project, {"README.md": "hi"})
    result = run(cwd=project)
    assert result.code == 0 and result.out == ""
    assert "no Dockerfile found" in result.err
    assert run("-q", cwd=project).err == ""


def test_many_files_in_parallel_give_the_same_report(project: Path) -> None:
    write(project, {f"svc{i:02}/Dockerfile": (MIXED if i % 3 else FIXABLE) for i in range(40)})
    serial = run("-f", "json", "--jobs", "1", cwd=project)
    parallel = run("-f", "json", "--jobs", "2", cwd=project)
    assert serial.code == parallel.code == 1
    assert serial.json() == parallel.json()
    assert valid_report(parallel.json())["summary"]["files"] == 40


# --------------------------------------------------------------------------- fixes


def test_fix_writes_atomically_and_is_idempotent(project: Path) -> None:
    write(project, {"a/Dockerfile": FIXABLE, "b/Dockerfile": CLEAN, "c/Dockerfile": UNFIXABLE})
    target = project / "a" / "Dockerfile"
    target.chmod(0o640)
    untouched = {name: (project / name / "Dockerfile").stat() for name in "bc"}
    inode = target.stat().st_ino
    first = run("--fix", cwd=project)
    assert target.read_text() == FIXED
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert target.stat().st_ino != inode  # replaced through a temporary file, not rewritten
    assert "Fixed 3 findings in 1 file" in first.out
    assert first.code == 1  # c/Dockerfile has a warning that --fix cannot fix
    for name, before in untouched.items():
        after = (project / name / "Dockerfile").stat()
        assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino), name
    assert sorted(p.name for p in (project / "a").iterdir()) == ["Dockerfile"]  # no temp file
    stamp = target.stat().st_mtime_ns
    second = run("--fix", cwd=project)
    assert target.read_text() == FIXED and target.stat().st_mtime_ns == stamp
    assert "Fixed" not in second.out


def test_fix_exit_code_counts_what_is_left(project: Path) -> None:
    write(project, {"Dockerfile": "FROM alpine:3.20\nENV FOO bar\n"})  # one warning, fixable
    assert run(cwd=project).code == 1
    result = run("--fix", cwd=project)
    assert result.code == 0
    assert result.out.strip() == "Fixed 1 finding in 1 file."


def test_fix_keeps_a_byte_order_mark_and_follows_symlinks(project: Path) -> None:
    write(project, {"real.Dockerfile": b"\xef\xbb\xbf" + FIXABLE.encode()})
    os.symlink(project / "real.Dockerfile", project / "Dockerfile")
    run("--fix", "Dockerfile", cwd=project)
    assert (project / "Dockerfile").is_symlink()
    assert (project / "real.Dockerfile").read_bytes() == b"\xef\xbb\xbf" + FIXED.encode()


def test_fix_never_rewrites_a_file_that_did_not_decode(project: Path) -> None:
    data = FIXABLE.encode() + b"# \xff\n"
    write(project, {"Dockerfile": data})
    result = run("--fix", cwd=project)
    assert (project / "Dockerfile").read_bytes() == data
    assert "invalid UTF-8" in result.out


def test_diff_prints_and_writes_nothing(project: Path) -> None:
    write(project, {"Dockerfile": FIXABLE, "sub/Dockerfile": CLEAN})
    before = (project / "Dockerfile").stat().st_mtime_ns
    result = run("--diff", cwd=project)
    assert result.code == 1
    assert result.out == ("--- Dockerfile\n+++ Dockerfile\n@@ -1,4 +1,4 @@\n FROM alpine:3.20\n"
                          "-run echo hi\n-ENV FOO bar\n-EXPOSE 80/TCP\n+RUN echo hi\n"
                          "+ENV FOO=bar\n+EXPOSE 80/tcp\n")
    assert "would fix 3 findings in 1 file" in result.err
    assert (project / "Dockerfile").read_text() == FIXABLE
    assert (project / "Dockerfile").stat().st_mtime_ns == before
    assert run("--diff", "--fix", cwd=project).code == 1  # --diff wins: still nothing written
    assert (project / "Dockerfile").read_text() == FIXABLE
    run("--fix", cwd=project)
    clean = run("--diff", cwd=project)
    assert (clean.code, clean.out) == (0, "")


def test_fix_on_stdin_prints_the_fixed_text(project: Path) -> None:
    result = run("-", "--fix", "--stdin-filename", "Dockerfile", cwd=project, stdin=FIXABLE)
    assert result.out == FIXED
    assert result.code == 0
    assert not (project / "Dockerfile").exists()
    result = run("-", "--diff", cwd=project, stdin=FIXABLE)
    assert result.code == 1 and result.out.startswith("--- <stdin>\n+++ <stdin>\n")


def test_fix_reports_a_file_it_cannot_write(project: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    write(project, {"ro/Dockerfile": FIXABLE})
    (project / "ro").chmod(0o555)
    try:
        result = run("--fix", cwd=project)
    finally:
        (project / "ro").chmod(0o755)
    assert result.code == 2 and "cannot write the fixes" in result.err
    assert (project / "ro/Dockerfile").read_text() == FIXABLE


# --------------------------------------------------------------------------- robustness


def test_binary_file_is_a_diagnostic(project: Path) -> None:
    write(project, {"Dockerfile": b"\x7fELF\x00\x01\x02" + bytes(range(256)) * 4})
    result = run("-f", "json", cwd=project)
    assert result.code == 1
    finding = valid_report(result.json())["findings"][0]
    assert finding["id"] == "LW001" and "binary file" in finding["message"]


def test_huge_file_is_a_diagnostic_and_is_not_read(project: Path) -> None:
    with open(project / "Dockerfile", "wb") as handle:
        handle.truncate(9 * 1024 * 1024)  # sparse: 9 MiB of NUL bytes
    result = run("-f", "concise", cwd=project)
    assert result.code == 1
    assert "file is 9216 KiB; Layerwise analyses files up to 8 MiB" in result.out


def test_utf16_file_is_a_diagnostic(project: Path) -> None:
    write(project, {"Dockerfile": "FROM alpine:3.20\n".encode("utf-16")})
    result = run("-f", "concise", cwd=project)
    assert "UTF-16" in result.out and result.code == 1


def test_unreadable_file_exits_2_with_one_line(project: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read anything")
    write(project, {"Dockerfile": CLEAN, "b/Dockerfile": MIXED})
    (project / "Dockerfile").chmod(0)
    result = run(cwd=project)
    assert result.code == 2
    assert result.err.strip() == "layerwise: error: Dockerfile: cannot read: Permission denied"
    assert "b/Dockerfile:" in result.out


def test_a_folder_named_like_a_dockerfile_and_special_files(project: Path) -> None:
    write(project, {"Dockerfile.d/Dockerfile": UNUSED})
    assert paths_of(project) == ["Dockerfile.d/Dockerfile"]
    os.mkfifo(project / "Containerfile")  # a pipe nobody writes to: never opened when found
    assert paths_of(project) == ["Dockerfile.d/Dockerfile"]


def test_empty_and_odd_files_never_crash(project: Path) -> None:
    write(project, {"a/Dockerfile": "", "b/Dockerfile": "\n\n\\\n",
                    "d/Dockerfile": "FROM alpine:3.20\r\nRUN echo 日本\t🐳"})
    result = run("--fail-on", "none", cwd=project)
    assert result.code == 0


def test_an_internal_error_is_one_line_and_the_other_files_are_reported(project: Path) -> None:
    # Nesting this deep exhausts the analyser's recursion (as in the LSP robustness test):
    # whatever the analyser does with it, the run names the file and goes on.
    write(project, {"a/Dockerfile": "FROM alpine\nARG A=" + "${B:-" * 3000 + "}" * 3000 + "\n",
                    "b/Dockerfile": MIXED})
    result = run(cwd=project)
    assert "b/Dockerfile:1:21: hint LW106" in result.out
    if result.code == 2:
        assert result.err.startswith("layerwise: error: a/Dockerfile: internal error")
        assert len(result.err.strip().splitlines()) == 1
    else:
        assert result.code == 1 and result.err == ""


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_read_error_exits_2_with_one_line_even_as_root(project: Path) -> None:
    write(project, {"Dockerfile": MIXED})
    result = run("/proc/self/mem", "Dockerfile", cwd=project)  # stat says a file; read fails
    assert result.code == 2
    assert result.err.strip() == ("layerwise: error: /proc/self/mem: cannot read: "
                                  "Input/output error")
    assert "Dockerfile:1:21: hint LW106" in result.out


@pytest.mark.skipif(sys.platform == "win32", reason="unix sockets")
def test_a_named_socket_is_an_error(project: Path) -> None:
    import socket

    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(project / "Dockerfile"))
        result = run("Dockerfile", cwd=project)
    finally:
        server.close()
    assert result.code == 2
    assert result.err.strip() == "layerwise: error: Dockerfile: not a regular file"


def test_files_git_ignores_are_skipped_in_folders(project: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    write(project, {".gitignore": "build/\n*.tmp.Dockerfile\n", "Dockerfile": UNUSED,
                    "build/Dockerfile": UNUSED, "x.tmp.Dockerfile": UNUSED,
                    "src/Dockerfile": UNUSED, "node_modules/a/Dockerfile": UNUSED})
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    assert paths_of(project) == ["Dockerfile", "src/Dockerfile"]
    assert paths_of(project, "src") == ["src/Dockerfile"]
    # named files are checked even when git ignores them; the flag turns it off
    assert paths_of(project, "build/Dockerfile") == ["build/Dockerfile"]
    assert paths_of(project, "--no-respect-gitignore") == [
        "Dockerfile", "build/Dockerfile", "src/Dockerfile", "x.tmp.Dockerfile"]


def test_fix_in_parallel(project: Path) -> None:
    write(project, {f"svc{i:02}/Dockerfile": FIXABLE if i % 2 else CLEAN for i in range(30)})
    result = run("--fix", "--jobs", "2", cwd=project)
    assert result.code == 0
    assert result.out.strip() == "Fixed 45 findings in 15 files."
    assert all(p.read_text() in (FIXED, CLEAN) for p in project.glob("svc*/Dockerfile"))
