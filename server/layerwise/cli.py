"""Command line: ``layerwise check``, ``layerwise rule``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import __version__
from .model.analysis import analyze_bytes
from .model.context import BuildContext
from .report.text import format_findings
from .rules.registry import ALL_RULES, find_rule
from .rules.run import run_rules

_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
                        ".tox", ".mypy_cache", ".pytest_cache"})


class UsageError(Exception):
    """A problem with the command line or the files it names (exit code 2)."""


def is_dockerfile_name(name: str) -> bool:
    """Tell whether a file name is one of the Dockerfile naming conventions."""
    lowered = name.lower()
    if lowered.endswith(".dockerignore"):
        return False
    return (lowered in ("dockerfile", "containerfile") or lowered.endswith(".dockerfile")
            or lowered.startswith(("dockerfile.", "containerfile.")))


def find_dockerfiles(root: Path) -> Iterator[Path]:
    """Dockerfiles below a folder, in sorted order, skipping VCS and dependency folders."""
    try:
        entries = sorted(root.iterdir())
    except OSError as exc:
        raise UsageError(f"cannot read folder {root}: {exc.strerror}") from exc
    for entry in entries:
        if entry.is_symlink():
            continue
        if entry.is_dir():
            if entry.name not in _SKIP_DIRS:
                yield from find_dockerfiles(entry)
        elif is_dockerfile_name(entry.name):
            yield entry


def _targets(paths: Sequence[str]) -> Iterator[Path]:
    """Expand the command line's paths into files."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from find_dockerfiles(path)
        elif path.exists():
            yield path
        else:
            raise UsageError(f"no such file or folder: {raw}")


def _check(args: argparse.Namespace) -> int:
    """Analyse files and print findings; exit 1 when there are any."""
    found = 0
    paths: list[tuple[str, bytes, Path | None]] = []
    if args.paths == ["-"]:
        name = args.stdin_filename or "<stdin>"
        paths.append((name, sys.stdin.buffer.read(), Path(args.stdin_filename)
                      if args.stdin_filename else None))
    else:
        for path in _targets(args.paths or ["."]):
            try:
                paths.append((str(path), path.read_bytes(), path))
            except OSError as exc:
                raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    for name, data, path in paths:
        context = BuildContext.for_dockerfile(path.resolve()) if path is not None else None
        analysis = analyze_bytes(data, path, context)
        findings = run_rules(analysis)
        found += len(findings)
        for line in format_findings(name, findings):
            print(line)
    return 1 if found else 0


def _rule(args: argparse.Namespace) -> int:
    """Print a rule's documentation, or the list of rules."""
    if not args.rule:
        for rule in ALL_RULES:
            print(f"{rule.id}  {rule.name:<34} {rule.severity.label:<8} {rule.summary}")
        return 0
    rule = find_rule(args.rule)
    if rule is None:
        raise UsageError(f"unknown rule: {args.rule}")
    print(f"# {rule.id} {rule.name}\n\n{rule.summary}. Default severity: "
          f"{rule.severity.label}.\n")
    print(_dedent(type(rule).__doc__ or ""))
    return 0


def _dedent(doc: str) -> str:
    """Dedent a class docstring whose first line is not indented."""
    import textwrap

    first, _, rest = doc.partition("\n")
    return (first.strip() + "\n" + textwrap.dedent(rest)).strip()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its subcommands."""
    parser = argparse.ArgumentParser(
        prog="layerwise",
        description="Dockerfile language server and linter: stage graphs, layer bloat, secrets.")
    parser.add_argument("--version", action="version", version=f"layerwise {__version__}")
    sub = parser.add_subparsers(dest="command")
    check = sub.add_parser("check", help="analyse Dockerfiles and print findings")
    check.add_argument("paths", nargs="*", help="files or folders (default: .); - reads stdin")
    check.add_argument("--stdin-filename", help="the file name to report for stdin")
    check.set_defaults(func=_check)
    rule = sub.add_parser("rule", help="print a rule's documentation (or list all rules)")
    rule.add_argument("rule", nargs="?", help="rule id or name, e.g. LW106 or unused-stage")
    rule.set_defaults(func=_rule)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``layerwise`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        code: int = args.func(args)
        return code
    except UsageError as exc:
        print(f"layerwise: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 1
