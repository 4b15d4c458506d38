"""Command line: ``layerwise check``, ``layerwise rule``, ``layerwise serve``.

``check`` is the headless linter for CI and pre-commit. It finds Dockerfiles, resolves each
one's settings (defaults < the nearest ``.layerwise.toml`` / ``[tool.layerwise]`` < flags),
analyses the files (in a process pool when there are many), prints one report and exits with
0 (nothing at or above ``--fail-on``), 1 (findings) or 2 (usage error, unreadable file,
invalid config). User errors get a one-line message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import codecs
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import IO, Any, NoReturn

from . import __version__
from .config import (
    ConfigFile,
    ConfigFileError,
    ConfigFinder,
    PathPattern,
    Settings,
    SettingsError,
    compile_ignore_paths,
    merge_settings,
    path_ignored,
    read_config_file,
    structure_settings,
    unknown_rule_keys,
)
from .record import record
from .rules.base import Finding, Severity
from .rules.catalog import rule_page, rules_table
from .rules.registry import ALL_RULES, find_rule
from .rules.run import RuleSelection
from .runtime import defer_gc, tune_gc

_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
                        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
                        ".direnv", ".eggs"})

#: The formats of ``--format``.
FORMATS = ("text", "concise", "json", "sarif", "github")
#: The thresholds of ``--fail-on`` (``none``: findings never fail the run).
FAIL_ON = ("error", "warning", "info", "hint", "none")
#: The levels ``--severity ID=LEVEL`` accepts (the schema's ``rules`` values).
LEVELS = ("error", "warning", "info", "hint", "off")
#: Fewest files for which a process pool pays off. Measured on 2 cores with files of 30-120
#: lines (about 10 ms each): the pool costs about 0.1 s to start, so it loses at 24 files and
#: wins from about 40 (60 files: 1.26 s against 1.46 s; 1,000 files: 5.6 s against 11-13 s).
POOL_MIN_FILES = 32
#: Fewest files for which a progress line is shown on a terminal.
PROGRESS_MIN_FILES = 100


class UsageError(Exception):
    """A problem with the command line or the files it names (exit code 2)."""


class _OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``layerwise: error: ...`` and exit with 2."""
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# --------------------------------------------------------------------------- discovery


def is_dockerfile_name(name: str) -> bool:
    """Tell whether a file name is one of the Dockerfile naming conventions."""
    lowered = name.lower()
    if lowered.endswith(".dockerignore"):
        return False
    return (lowered in ("dockerfile", "containerfile") or lowered.endswith(".dockerfile")
            or lowered.startswith(("dockerfile.", "containerfile.")))


def _git_files(folder: Path) -> list[str] | None:
    """Files below ``folder`` that git tracks or would track (not ignored), ``/``-separated.

    ``None`` when git is missing or ``folder`` is not in a work tree it will read: then the
    folder is walked instead.
    """
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "ls-files", "-z", "--cached", "--others",
             "--exclude-standard", "--", "."],
            capture_output=True, check=False, timeout=60,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    names = os.fsdecode(done.stdout).split("\0")
    return sorted({name for name in names if name})


@record
class _Found:
    """A file to check: as shown, its absolute path, and the config file that applies."""

    display: str
    path: Path
    absolute: Path
    config: ConfigFile | None


class _Discovery:
    """Expands paths into Dockerfiles, honouring ``ignorePaths`` and ``--exclude``."""

    def __init__(self, finder: ConfigFinder | None, excludes: tuple[PathPattern, ...],
                 fixed_config: ConfigFile | None = None, respect_gitignore: bool = True) -> None:
        self.finder = finder
        self.excludes = excludes
        self.fixed_config = fixed_config
        self.respect_gitignore = respect_gitignore
        self.errors: list[tuple[str, str]] = []
        self._patterns: dict[Path, tuple[PathPattern, ...]] = {}

    def config_for(self, folder: Path) -> ConfigFile | None:
        """The config file that applies in ``folder`` (``--config`` wins over discovery)."""
        if self.fixed_config is not None or self.finder is None:
            return self.fixed_config
        return self.finder.for_folder(folder)

    def _ignored(self, absolute: Path, is_dir: bool, config: ConfigFile | None) -> bool:
        if path_ignored(absolute, is_dir, self.excludes):
            return True
        if config is None:
            return False
        patterns = self._patterns.get(config.path)
        if patterns is None:
            raw = config.raw.get("ignorePaths") or ()
            patterns = self._patterns[config.path] = compile_ignore_paths(raw, config.folder)
        return path_ignored(absolute, is_dir, patterns)

    def walk(self, root: Path) -> Iterator[_Found]:
        """Dockerfiles below ``root``, sorted by name in each folder.

        In a git work tree, files git ignores (``.gitignore``, ``.git/info/exclude``, the
        global excludes) are skipped too, as ruff does; git itself lists the candidates.
        """
        absolute_root = Path(os.path.abspath(root))
        listed = _git_files(absolute_root) if self.respect_gitignore else None
        if listed is not None:
            yield from self._walk_listed(root, absolute_root, listed)
            return
        yield from self._walk_folder(root, absolute_root)

    def _walk_folder(self, shown: Path, absolute: Path) -> Iterator[_Found]:
        """Depth first, entries in name order (as git lists them)."""
        try:
            with os.scandir(absolute) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.errors.append((str(shown), f"cannot read folder: {exc.strerror or exc}"))
            return
        config = self.config_for(absolute)
        for entry in entries:
            try:
                if entry.is_symlink():
                    continue
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = not is_dir and entry.is_file(follow_symlinks=False)
            except OSError:
                continue
            child = absolute / entry.name
            if is_dir:
                if entry.name not in _SKIP_DIRS and not self._ignored(child, True, config):
                    yield from self._walk_folder(shown / entry.name, child)
            elif (is_file and is_dockerfile_name(entry.name)
                  and not self._ignored(child, False, config)):
                path = shown / entry.name
                yield _Found(os.path.normpath(path), path, child, config)

    def _walk_listed(self, root: Path, absolute_root: Path,
                     listed: list[str]) -> Iterator[_Found]:
        """The Dockerfiles among the files git lists below ``root``."""
        kept: dict[tuple[str, ...], bool] = {(): True}

        def folder_kept(parts: tuple[str, ...]) -> bool:
            known = kept.get(parts)
            if known is None:
                parent = parts[:-1]
                known = folder_kept(parent) and parts[-1] not in _SKIP_DIRS and not (
                    self._ignored(absolute_root.joinpath(*parts), True,
                                  self.config_for(absolute_root.joinpath(*parent))))
                kept[parts] = known
            return known

        for relative in sorted(tuple(r.split("/")) for r in listed):
            if not is_dockerfile_name(relative[-1]) or not folder_kept(relative[:-1]):
                continue
            absolute = absolute_root.joinpath(*relative)
            try:
                if not stat.S_ISREG(os.lstat(absolute).st_mode):
                    continue  # a symlink, a submodule, or deleted but still in the index
            except OSError:
                continue
            config = self.config_for(absolute.parent)
            if not self._ignored(absolute, False, config):
                path = root.joinpath(*relative)
                yield _Found(os.path.normpath(path), path, absolute, config)

    def expand(self, raw_paths: Sequence[str]) -> list[_Found]:
        """Every file to check, in the order given, each once."""
        found: list[_Found] = []
        seen: set[Path] = set()
        for raw in raw_paths:
            path = Path(raw)
            absolute = Path(os.path.abspath(raw))
            try:
                mode = os.stat(path).st_mode
            except OSError as exc:
                message = ("no such file or folder" if isinstance(exc, FileNotFoundError)
                           else f"cannot access: {exc.strerror or exc}")
                self.errors.append((raw, message))
                continue
            if stat.S_ISDIR(mode):
                if path_ignored(absolute, True, self.excludes):
                    continue
                items: Iterable[_Found] = self.walk(path)
            else:
                config = self.config_for(absolute.parent)
                if self._ignored(absolute, False, config):
                    continue
                items = [_Found(os.path.normpath(raw), path, absolute, config)]
            for item in items:
                if item.absolute not in seen:
                    seen.add(item.absolute)
                    found.append(item)
        return found


# --------------------------------------------------------------------------- settings


def _split(values: Iterable[str] | None) -> list[str]:
    """``["LW1,LW2", "LW3"]`` → ``["LW1", "LW2", "LW3"]``."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


@record
class _Flags:
    """The settings given on the command line (the last layer of the merge)."""

    select: tuple[str, ...] | None
    extend_select: tuple[str, ...]
    ignore: tuple[str, ...]
    severities: dict[str, str]
    target: str | None
    context: str | None

    def layer(self, config: dict[str, Any]) -> dict[str, Any]:
        """The command line's layer over a config file's section.

        ``--select`` replaces the file's selection; ``--extend-select`` and ``--ignore`` add to
        it (as ruff does); ``--severity`` overrides rule by rule.
        """
        layer: dict[str, Any] = {}
        select = list(self.select) if self.select is not None else list(
            config.get("select") or ())
        if self.extend_select and select:
            select += self.extend_select
        if self.select is not None or self.extend_select:
            layer["select"] = select
        if self.ignore:
            layer["ignore"] = [*(config.get("ignore") or ()), *self.ignore]
        if self.severities:
            layer["rules"] = dict(self.severities)
        if self.target is not None:
            layer["target"] = self.target
        if self.context is not None:
            layer["context"] = self.context
        return layer


@record
class _Resolved:
    """What checking one file needs from its settings (picklable, for the process pool)."""

    selection: RuleSelection
    target: str | None
    context: str | None


def _resolve(config: ConfigFile | None, flags: _Flags,
             cache: dict[Path | None, _Resolved]) -> _Resolved:
    """Merge defaults < config file < command line (both checked already)."""
    key = config.path if config is not None else None
    if key in cache:
        return cache[key]
    raw = dict(config.raw) if config is not None else {}
    try:
        settings: Settings = structure_settings(merge_settings(raw, flags.layer(raw)))
    except SettingsError as exc:  # the flags were checked already; a file is named if it is one
        raise UsageError("; ".join(exc.problems)) from None
    resolved = cache[key] = _Resolved(settings.rule_selection(), settings.target,
                                      settings.context)
    return resolved


def _flags(args: argparse.Namespace) -> _Flags:
    """Read and check the rule and stage options."""
    select = _split(args.select) if args.select is not None else None
    extend = _split(args.extend_select)
    ignore = _split(args.ignore)
    severities: dict[str, str] = {}
    for item in _split(args.severity):
        key, sep, level = item.partition("=")
        level = level.strip().lower()
        level = {"information": "info", "warn": "warning"}.get(level, level)
        if not sep or not key.strip() or level not in LEVELS:
            raise UsageError(f"--severity expects RULE=LEVEL with LEVEL one of "
                             f"{', '.join(LEVELS)}, got {item!r}")
        severities[key.strip()] = level
    for option, keys in (("--select", select or ()), ("--extend-select", extend),
                         ("--ignore", ignore), ("--severity", severities)):
        unknown = unknown_rule_keys(keys)
        if unknown:
            raise UsageError(f"{option}: unknown rule, name or prefix: {', '.join(unknown)} "
                             f"(see `layerwise rule`)")
    context = None
    if args.context is not None:
        if not os.path.isdir(args.context):
            raise UsageError(f"--context {args.context}: not a folder")
        context = os.path.abspath(args.context)
    return _Flags(tuple(select) if select is not None else None, tuple(extend), tuple(ignore),
                  severities, args.target, context)


# --------------------------------------------------------------------------- checking


@record
class _Job:
    """One file to check, with everything a worker process needs."""

    display: str
    path: Path | None
    """Where the file is (``None`` for stdin without ``--stdin-filename``)."""
    data: bytes | None
    """The contents when already read (stdin); ``None``: read ``path``."""
    settings: _Resolved
    mode: str
    """``check``, ``fix`` (write the fixed file), ``diff`` or ``print`` (fixed text returned)."""
    want_source: bool
    verbose: bool = False


def _context_for(job: _Job) -> Any:
    """The build context of a job's Dockerfile (``None`` without a path)."""
    from .model.context import BuildContext

    if job.path is None:
        return None
    dockerfile = Path(os.path.abspath(job.path))
    context_dir = None
    if job.settings.context is not None:
        context_dir = dockerfile.parent / job.settings.context
    return BuildContext.for_dockerfile(dockerfile, context_dir)


def _read(job: _Job) -> tuple[bytes | None, int | None, str | None]:
    """The file's bytes, or its size when too large to read, or why it cannot be read."""
    from .syntax.source import MAX_BYTES

    if job.data is not None:
        return job.data, None, None
    assert job.path is not None
    try:
        info = os.stat(job.path)
        if stat.S_ISDIR(info.st_mode):
            return None, None, "is a folder"
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_BYTES:
            return None, info.st_size, None
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)
                or stat.S_ISCHR(info.st_mode)):
            return None, None, "not a regular file"
        with open(job.path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return None, len(data), None
        return data, None, None
    except OSError as exc:
        return None, None, f"cannot read: {exc.strerror or exc}"


def write_atomically(path: Path, data: bytes) -> None:
    """Replace a file's contents through a temporary file and ``os.replace``.

    The file keeps its permission bits (and owner, where allowed); a symlink keeps pointing
    at the file, which is the one replaced. Readers see the old or the new contents, never a
    mix, and an error leaves the old file in place.
    """
    real = Path(os.path.realpath(path))
    info = os.stat(real)
    fd, temporary = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.",
                                     suffix=".layerwise")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        if hasattr(os, "chown"):
            with suppress(OSError):
                os.chown(temporary, info.st_uid, info.st_gid)
        os.replace(temporary, real)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def _check_one(job: _Job) -> Any:
    """Analyse one file (in a worker process or not) and return its ``FileResult``."""
    from .report.results import FileResult

    try:
        return _check_one_unguarded(job)
    except Exception as exc:  # noqa: BLE001 - a bug must not hide the other files' results
        if job.verbose:
            import traceback

            traceback.print_exc()
        detail = f"{type(exc).__name__}: {exc}"[:300]
        return FileResult(job.display, error=f"internal error ({detail}); please report it "
                          f"with the file (run with -v for the traceback)")


def _check_one_unguarded(job: _Job) -> Any:
    from .features.actions.fix_all import fix_text
    from .model.analysis import analyze
    from .report.results import FileResult
    from .rules.run import run_rules
    from .syntax.source import MAX_BYTES, SourceProblem, decode
    from .syntax.span import Span

    data, huge, problem = _read(job)
    if problem is not None:
        return FileResult(job.display, error=problem)
    context = _context_for(job)
    target = job.settings.target
    selection = job.settings.selection
    if data is None:  # too large to analyse: report it as a finding, like the editor does
        message = (f"file is {huge // 1024 if huge else 0} KiB; Layerwise analyses files up "
                   f"to {MAX_BYTES // (1024 * 1024)} MiB")
        analysis = analyze("", job.path, context, target,
                           (SourceProblem(message, Span.of(0, 0, 0, 0)),))
        return FileResult(job.display, tuple(run_rules(analysis, selection)))
    decoded = decode(data)
    text = decoded.text
    known: dict[str, list[Finding]] = {}

    def findings_of(source: str) -> list[Finding]:
        found = known.get(source)
        if found is None:
            analysis = analyze(source, job.path, context, target, decoded.problems)
            found = known[source] = run_rules(analysis, selection)
        return found

    findings = findings_of(text)
    if job.mode == "check" or decoded.problems or not findings:
        # Files that did not decode cleanly are never rewritten: that would lose bytes.
        return FileResult(job.display, tuple(findings), text if job.want_source and findings
                          else "",
                          fixed_text=text if job.mode == "print" else None)
    fixed = fix_text(text, findings_of)
    if fixed == text:
        return FileResult(job.display, tuple(findings), text if job.want_source else "",
                          fixed_text=text if job.mode == "print" else None)
    after = findings_of(fixed)
    resolved = max(0, len(findings) - len(after))
    if job.mode == "diff":
        import difflib

        diff = "".join(difflib.unified_diff(
            text.splitlines(keepends=True), fixed.splitlines(keepends=True),
            fromfile=job.display, tofile=job.display))
        if not diff.endswith("\n"):
            diff += "\n\\ No newline at end of file\n"
        return FileResult(job.display, tuple(findings), text if job.want_source else "",
                          fixed=resolved, diff=diff)
    if job.mode == "print":
        return FileResult(job.display, tuple(after), fixed if job.want_source else "",
                          fixed=resolved, fixed_text=fixed)
    assert job.path is not None
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        write_atomically(job.path, bom + fixed.encode("utf-8"))
    except OSError as exc:
        return FileResult(job.display, tuple(findings), text if job.want_source else "",
                          error=f"cannot write the fixes: {exc.strerror or exc}")
    return FileResult(job.display, tuple(after), fixed if job.want_source else "",
                      fixed=resolved)


def _ignore_interrupts() -> None:
    """Let the parent alone handle Ctrl-C (workers would each print a traceback)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _workers(jobs: int, files: int) -> int:
    """How many processes to use: 1 for few files, else ``--jobs`` or the usable cores."""
    if jobs > 0:
        return min(jobs, max(1, files))
    if files < POOL_MIN_FILES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, files // (POOL_MIN_FILES // 2)))


def _run(jobs: list[_Job], workers: int, progress: Callable[[int], None] | None) -> list[Any]:
    """Check every job, in order, in this process or a pool of ``workers``."""
    results: list[Any] = []
    if workers <= 1:
        for number, job in enumerate(jobs, start=1):
            results.append(_check_one(job))
            if progress:
                progress(number)
        return results
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, min(32, len(jobs) // (workers * 8)))
    # Leaving the block terminates the workers: at once on Ctrl-C or an error.
    with context.Pool(workers, initializer=_ignore_interrupts) as pool:
        for number, result in enumerate(pool.imap(_check_one, jobs, chunksize=chunk), start=1):
            results.append(result)
            if progress:
                progress(number)
    return results


class _Progress:
    """``checked 120/1000 files`` on a terminal's stderr, redrawn at most ten times a second."""

    def __init__(self, total: int, stream: IO[str]) -> None:
        self.total = total
        self.stream = stream
        self.shown = 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.shown < 0.1 and done < self.total:
            return
        self.shown = now
        self.stream.write(f"\rlayerwise: checked {done}/{self.total} files")
        self.stream.flush()

    def clear(self) -> None:
        """Erase the progress line."""
        self.stream.write("\r\x1b[K")
        self.stream.flush()


# --------------------------------------------------------------------------- reporting


def _use_color(choice: str, stream: IO[str]) -> bool:
    """``--color``: ``auto`` colors a terminal unless ``NO_COLOR`` is set (or ``FORCE_COLOR``)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _report(results: Sequence[Any], args: argparse.Namespace, out: IO[str],
            color: bool) -> None:
    """Write the report in ``--format`` to ``out``."""
    from .report import results as result_kinds
    from .report import text

    style = text.Style(color)
    statistics = result_kinds.rule_counts(results) if args.statistics else None
    if args.format == "json":
        import json

        from .report.json import json_report

        report = json_report(results, version=__version__, statistics=statistics)
        out.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "sarif":
        import json

        from .report.sarif import sarif_report

        log = sarif_report(results, version=__version__, root=Path.cwd())
        out.write(json.dumps(log, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "github":
        from .report.github import github_lines

        lines = github_lines(results)
        out.write("".join(line + "\n" for line in lines))
    else:
        lines = []
        if statistics is not None:
            lines = text.statistics_lines(statistics, style)
        elif args.format == "concise":
            lines = [text.format_finding(r.path, f) for r in results for f in r.findings]
        else:
            for result in results:
                lines += text.format_file(result, style)
        if not args.quiet:
            summary = text.summary_line(results, style, fixing=args.fix)
            if summary:
                if lines and lines[-1] != "" and args.format == "text":
                    lines.append("")
                lines.append(summary)
        out.write("".join(line + "\n" for line in lines))
    if statistics is not None and args.format in ("sarif", "github"):
        sys.stderr.write("".join(line + "\n" for line in text.statistics_lines(statistics,
                                                                              text.Style(False))))


def _stdin_job(args: argparse.Namespace, flags: _Flags, finder: ConfigFinder | None,
               fixed_config: ConfigFile | None, cache: dict[Path | None, _Resolved],
               mode: str, want_source: bool) -> _Job:
    """The job that checks standard input."""
    name = args.stdin_filename
    path = Path(name) if name else None
    folder = Path(os.path.abspath(path.parent if path else "."))
    config = fixed_config if fixed_config is not None else (
        finder.for_folder(folder) if finder is not None else None)
    data = sys.stdin.buffer.read() if sys.stdin is not None else b""
    return _Job(name or "<stdin>", path, data, _resolve(config, flags, cache), mode,
                want_source, args.verbose > 0)


def _check(args: argparse.Namespace) -> int:
    """Analyse files and print findings; the exit code says whether any count."""
    from .report.results import FileResult, at_or_above

    flags = _flags(args)
    fail_on = None if args.fail_on == "none" else Severity.parse(args.fail_on)
    stdin = args.paths == ["-"] or (not args.paths and args.stdin_filename is not None)
    if "-" in args.paths and not stdin:
        raise UsageError("`-` (standard input) cannot be mixed with other paths")
    if args.config and args.isolated:
        raise UsageError("--config and --isolated exclude each other")
    fixed_config: ConfigFile | None = None
    finder: ConfigFinder | None = None
    if args.config:
        if not os.path.isfile(args.config):
            raise UsageError(f"--config {args.config}: no such file")
        fixed_config = read_config_file(Path(os.path.abspath(args.config)))
        if fixed_config is None:
            raise UsageError(f"--config {args.config}: no [tool.layerwise] table in it")
    elif not args.isolated:
        finder = ConfigFinder()
    mode = "diff" if args.diff else "fix" if args.fix else "check"
    if stdin and mode == "fix":
        mode = "print"
    want_source = args.format == "text" and not args.statistics
    cache: dict[Path | None, _Resolved] = {}
    excludes = compile_ignore_paths(_split(args.exclude), Path.cwd())
    discovery = _Discovery(finder, excludes, fixed_config, args.respect_gitignore)
    if stdin:
        jobs = [_stdin_job(args, flags, finder, fixed_config, cache, mode, want_source)]
    else:
        found = discovery.expand(args.paths or ["."])
        jobs = [_Job(f.display, f.path, None, _resolve(f.config, flags, cache), mode,
                     want_source, args.verbose > 0) for f in found]
    errors = [FileResult(path, error=message) for path, message in discovery.errors]
    for result in errors:
        print(f"layerwise: error: {result.path}: {result.error}", file=sys.stderr)
    if not jobs and not errors and not args.quiet:
        print("layerwise: warning: no Dockerfile found (looked for Dockerfile, Containerfile, "
              "*.Dockerfile, Dockerfile.*)", file=sys.stderr)

    progress = None
    if len(jobs) >= PROGRESS_MIN_FILES and not args.quiet and sys.stderr.isatty():
        progress = _Progress(len(jobs), sys.stderr)
    try:
        results = _run(jobs, _workers(args.jobs, len(jobs)), progress)
    finally:
        if progress is not None:
            progress.clear()
    for result in results:
        if result.error:
            print(f"layerwise: error: {result.path}: {result.error}", file=sys.stderr)
    everything = errors + results

    if mode == "diff":
        diffs = [r for r in results if r.diff]
        sys.stdout.write("".join(r.diff for r in diffs))
        if not args.quiet and diffs:
            fixed = sum(r.fixed for r in diffs)
            print(f"layerwise: would fix {fixed} finding{'s' if fixed != 1 else ''} in "
                  f"{len(diffs)} file{'s' if len(diffs) != 1 else ''}", file=sys.stderr)
        return 2 if any(r.error for r in everything) else 1 if diffs else 0

    if mode == "print":  # fixed stdin goes to stdout, the report to stderr
        sys.stdout.write(results[0].fixed_text or "")
        sys.stdout.flush()
        _report(everything, args, sys.stderr, _use_color(args.color, sys.stderr))
    elif args.output_file:
        try:
            with open(args.output_file, "w", encoding="utf-8") as out:
                _report(everything, args, out, color=args.color == "always")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output_file}: {exc.strerror or exc}") from None
    else:
        _report(everything, args, sys.stdout, _use_color(args.color, sys.stdout))
    if any(r.error for r in everything):
        return 2
    return 1 if at_or_above(everything, fail_on) else 0


# --------------------------------------------------------------------------- rule, serve


def _rule(args: argparse.Namespace) -> int:
    """Print a rule's documentation, the list of rules, or the README's rule table."""
    if args.table:
        print(rules_table())
        return 0
    if not args.rule:
        for rule in ALL_RULES:
            print(f"{rule.id}  {rule.name:<34} {rule.severity.label:<8} {rule.summary}")
        return 0
    found = find_rule(args.rule)
    if found is None:
        raise UsageError(f"unknown rule: {args.rule}")
    print(rule_page(found), end="")
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Run the language server (stdio by default, or one TCP client for debugging)."""
    from .lsp.early import SessionStart
    from .lsp.logs import configure_logging

    configure_logging(getattr(args, "verbose", 0), getattr(args, "log_file", None))
    tcp = getattr(args, "tcp", False)
    stdout = sys.stdout.buffer
    if not tcp:
        sys.stdout = sys.stderr  # the protocol owns stdout: a stray print must not corrupt it
    # Over stdio, the first diagnostics go out before pygls and lsprotocol are loaded.
    start = None if tcp else SessionStart.over(sys.stdin.buffer, stdout)
    if start is not None:
        tune_gc()  # for the first analysis: keep the collector off what is loaded
        try:
            start.run()
        except KeyboardInterrupt:
            return 130
    defer_gc()  # while pygls and lsprotocol load
    from .lsp.server import create_server, serve_stdio, serve_tcp

    server = create_server()
    tune_gc()
    if start is not None:
        server.adopt(start)
    if tcp:
        code = serve_tcp(server, args.host, args.port)
    else:
        code = serve_stdio(server, sys.stdin.buffer, stdout, start)
    # The session is over: leave at once instead of freeing every analysis one object at a
    # time (hundreds of milliseconds on big files, while the editor waits for the process).
    import logging

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


def _add_check_options(check: argparse.ArgumentParser) -> None:
    """The options of ``layerwise check``."""
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="files or folders to check (default: .); - reads standard input")
    check.add_argument("--stdin-filename", metavar="NAME",
                       help="the file name of standard input: shown in the report, and used to "
                       "find its build context and config file")
    out = check.add_argument_group("output")
    out.add_argument("--format", "-f", choices=FORMATS, default="text",
                     help="text (code frames, the default), concise (one line per finding), "
                     "json (schemas/report.schema.json), sarif (SARIF 2.1.0) or github "
                     "(GitHub Actions annotations)")
    out.add_argument("--output-file", "-o", metavar="FILE",
                     help="write the report to FILE instead of standard output")
    out.add_argument("--statistics", action="store_true",
                     help="print how often each rule fired instead of every finding")
    out.add_argument("--quiet", "-q", action="store_true",
                     help="print findings only: no summary, progress or warnings")
    out.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                     help="color the text report (auto: on a terminal, unless NO_COLOR is set)")
    rules = check.add_argument_group("rules")
    rules.add_argument("--select", action="append", metavar="RULES",
                       help="run only these rules: ids, names or prefixes such as LW2, "
                       "comma-separated (replaces the config file's select)")
    rules.add_argument("--extend-select", action="append", default=[], metavar="RULES",
                       help="add rules to the configured selection")
    rules.add_argument("--ignore", action="append", default=[], metavar="RULES",
                       help="never run these rules (added to the config file's ignore)")
    rules.add_argument("--severity", action="append", default=[], metavar="RULE=LEVEL",
                       help="set a rule's severity: error, warning, info, hint or off "
                       "(e.g. LW106=warning, LW2=error); repeatable")
    rules.add_argument("--fail-on", choices=FAIL_ON, default="warning",
                       help="exit with 1 when a finding is at least this severe "
                       "(default: warning; none: never)")
    build = check.add_argument_group("build")
    build.add_argument("--context", metavar="DIR",
                       help="the build context folder (default: each Dockerfile's folder)")
    build.add_argument("--target", metavar="STAGE",
                       help="the stage that is built (default: the last one)")
    fixes = check.add_argument_group("fixes")
    fixes.add_argument("--fix", action="store_true",
                       help="apply the safe fixes and write the files that change")
    fixes.add_argument("--diff", action="store_true",
                       help="print the safe fixes as a unified diff and write nothing "
                       "(exit 1 when there is a diff)")
    files = check.add_argument_group("files and configuration")
    files.add_argument("--config", metavar="FILE",
                       help="use this .layerwise.toml or pyproject.toml instead of looking for "
                       "one above each file")
    files.add_argument("--isolated", action="store_true",
                       help="ignore every config file")
    files.add_argument("--exclude", action="append", default=[], metavar="PATTERN",
                       help="skip files and folders matching these globs (added to the config "
                       "file's ignorePaths; relative to the working folder)")
    files.add_argument("--no-respect-gitignore", dest="respect_gitignore",
                       action="store_false",
                       help="also check files that git ignores (found in folders)")
    files.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                       help="processes to analyse with (default: the cores, for many files)")
    files.add_argument("--verbose", "-v", action="count", default=0,
                       help="print a traceback for internal errors")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its subcommands."""
    parser = _OneLineParser(
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
    check = sub.add_parser(
        "check", help="analyse Dockerfiles and print findings",
        description="Analyse Dockerfiles and print findings. Exit codes: 0 nothing at or above "
        "--fail-on, 1 findings, 2 usage error, unreadable file or invalid config.")
    _add_check_options(check)
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
    tune_gc()
    try:
        code: int = args.func(args)
        sys.stdout.flush()
        return code
    except UsageError as exc:
        print(f"layerwise: error: {exc}", file=sys.stderr)
        return 2
    except ConfigFileError as exc:
        for problem in exc.problems:
            print(f"layerwise: error: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining
        # about the unflushed stdout at exit.
        with suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 1
