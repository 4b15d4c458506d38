"""Benchmark: parse + model + rules for generated Dockerfiles (not a test).

Run: ``python bench/bench_analyze.py [--rules LINES]`` (prints medians in milliseconds, and
the fastest run in brackets: on a busy machine the median moves most); ``--rules`` adds the
slowest rules after a one-character edit of a ``LINES``-line file.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate

from layerwise import memo
from layerwise.model import shell
from layerwise.model.analysis import analyze
from layerwise.rules.incremental import is_memoised, memoised_findings
from layerwise.rules.registry import ALL_RULES
from layerwise.rules.run import run_rules
from layerwise.runtime import tune_gc
from layerwise.syntax import parser


def _timed(fn: Callable[[], object], repeat: int,
           setup: Callable[[], object] = lambda: None) -> str:
    """The median and the fastest of ``repeat`` runs, in milliseconds; ``setup`` runs before
    each, and each result is freed after its timing (freeing is not the work measured)."""
    times = []
    for _ in range(repeat):
        setup()
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
        del result
    return f"{statistics.median(times):.2f} ({min(times):.2f})"


def _forget() -> None:
    """Empty every cache that outlives one analysis."""
    parser._head.cache_clear()
    shell.cached_script.cache_clear()
    memo.clear_all()


def _edit(text: str, rules: bool) -> Callable[[], object]:
    """One more character typed into a RUN, analysed as the server does (with the last version)
    and, with ``rules``, checked."""
    marker = "RUN echo typing here"
    state: dict[str, Any] = {"n": 0, "previous": analyze(text)}
    run_rules(state["previous"])

    def run() -> object:
        state["n"] += 1
        edited = text.replace(marker, marker + "x" * state["n"])
        state["previous"] = analysis = analyze(edited, previous=state["previous"])
        return run_rules(analysis) if rules else analysis
    return run


def _per_rule(lines: int, repeat: int = 7) -> None:
    """Print the ten slowest rules (median ms) after one-character edits; the memoised rules
    run together in one walk, as ``run_rules`` runs them."""
    text = generate(lines)
    marker = "RUN echo typing here"
    analysis = analyze(text)
    local = [rule for rule in ALL_RULES if is_memoised(rule)]
    memoised_findings(local, analysis)
    walk = f"{len(local)} memoised rules"
    times: dict[str, list[float]] = {walk: []}
    for n in range(repeat):
        analysis = analyze(text.replace(marker, marker + "x" * (n + 1)), previous=analysis)
        start = time.perf_counter()
        memoised_findings(local, analysis)
        times[walk].append((time.perf_counter() - start) * 1000)
        for rule in ALL_RULES:
            if rule in local:
                continue
            start = time.perf_counter()
            list(rule.check(analysis))
            times.setdefault(rule.id, []).append((time.perf_counter() - start) * 1000)
    medians = sorted(((statistics.median(t), rid) for rid, t in times.items()), reverse=True)
    print(f"slowest rules at {lines} lines (sum {sum(m for m, _ in medians):.2f} ms):")
    for median, rid in medians[:10]:
        print(f"  {rid:>24} {median:8.2f} ms")


def main() -> None:
    """Print one row per size, with the garbage collector tuned as the ``layerwise`` command
    tunes it."""
    tune_gc()
    print(f"{'lines':>6} {'cold parse+model':>20} {'edit parse+model':>20} "
          f"{'edit->findings':>20}   (ms: median (fastest))")
    for lines in (300, 2000, 10000):
        text = generate(lines)
        repeat = 20 if lines <= 2000 else 7
        cold = _timed(partial(analyze, text), repeat, setup=_forget)
        model = _timed(_edit(text, rules=False), repeat)
        edit = _timed(_edit(text, rules=True), repeat)
        print(f"{lines:>6} {cold:>20} {model:>20} {edit:>20}")
    if "--rules" in sys.argv:
        _per_rule(int(sys.argv[sys.argv.index("--rules") + 1]))


if __name__ == "__main__":
    main()
