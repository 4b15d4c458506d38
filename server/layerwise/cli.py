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
from .rules.catalog import rule_page, rules_table
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
    """Print a rule's documentation, the list of rules, or the README's rule table."""
    if args.table:
        print(rules_table())
        return 0
    if not args.rule:
        for rule in ALL_RULES:
            print(f"{rule.id}  {rule.name:<34} {rule.severity.label:<8} {rule.summary}")
        return 0
    rule = find_rule(args.rule)
    if rule is None:
        raise UsageError(f"unknown rule: {args.rule}")
    print(rule_page(rule), end="")
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Run the language server (stdio by default, or one TCP client for debugging)."""
    from .lsp.logs import configure_logging
    from .lsp.server import create_server, serve_stdio, serve_tcp

    configure_logging(getattr(args, "verbose", 0), getattr(args, "log_file", None))
    server = create_server()
    if getattr(args, "tcp", False):
        code = serve_tcp(server, args.host, args.port)
    else:
        stdout = sys.stdout.buffer
        sys.stdout = sys.stderr  # the protocol owns stdout: a stray print must not corrupt it
        code = serve_stdio(server, sys.stdin.buffer, stdout)
    # The session is over: leave at once instead of freeing every analysis one object at a
    # time (hundreds of milliseconds on big files, while the editor waits for the process).
    import logging
    import os

    logging.shutdown()
    sys.stderr.flush()
    os._exit(code)


def _add_serve_options(parser: argparse.ArgumentParser) -> None:
    """The transport and logging options of the server."""
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true",
                           help="talk LSP over stdin/stdout (the default)")
    transport.add_argument("--tcp", action="store_true",
                           help="serve one client over TCP, for debugging")
    parser.add_argument("--host", default="127.0.0.1", help="TCP host (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2087, help="TCP port (default: 2087)")
    parser.add_argument("--log-file", metavar="FILE",
                        help="write logs to FILE instead of stderr (never stdout)")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="log more (-v: info, -vv: debug, including every LSP message)")
    # Some clients (vscode-languageclient) append this; accept and ignore it.
    parser.add_argument("--clientProcessId", help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its subcommands."""
    parser = argparse.ArgumentParser(
        prog="layerwise",
        description="Dockerfile language server and linter: stage graphs, layer bloat, secrets.")
    parser.add_argument("--version", action="version", version=f"layerwise {__version__}")
    parser.add_argument("--stdio", action="store_true",
                        help="run the language server over stdin/stdout (same as `serve`)")
    parser.add_argument("--clientProcessId", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    _add_serve_options(serve)
    serve.set_defaults(func=_serve)
    check = sub.add_parser("check", help="analyse Dockerfiles and print findings")
    check.add_argument("paths", nargs="*", help="files or folders (default: .); - reads stdin")
    check.add_argument("--stdin-filename", help="the file name to report for stdin")
    check.set_defaults(func=_check)
    rule = sub.add_parser("rule", help="print a rule's documentation (or list all rules)")
    rule.add_argument("rule", nargs="?", help="rule id or name, e.g. LW106 or unused-stage")
    rule.add_argument("--table", action="store_true",
                      help="print the Markdown rule table of the README")
    rule.set_defaults(func=_rule)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``layerwise`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        # `layerwise --stdio`, or a bare `layerwise` whose stdin is a pipe (an editor starting
        # it), serves; typed in a terminal it explains itself.
        if args.stdio or (argv is None and sys.stdin is not None and not sys.stdin.isatty()):
            return _serve(args)
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
