"""Benchmark: parse + model + rules for generated Dockerfiles (not a test).

Run: ``python bench/bench_analyze.py`` (prints medians in milliseconds).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate  # noqa: E402

from layerwise.model.analysis import analyze  # noqa: E402
from layerwise.rules.run import run_rules  # noqa: E402
from layerwise.syntax import parser  # noqa: E402


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _cold(text: str) -> Callable[[], object]:
    def run() -> object:
        parser._head.cache_clear()
        return analyze(text)
    return run


def _edit(text: str) -> Callable[[], object]:
    marker = "RUN echo typing here"
    state = {"n": 0}

    def run() -> object:
        state["n"] += 1
        edited = text.replace(marker, marker + "x" * state["n"])
        return run_rules(analyze(edited))
    return run


def main() -> None:
    """Print one row per size."""
    print(f"{'lines':>6} {'cold parse+model':>17} {'warm parse+model':>17} "
          f"{'edit->findings':>15}")
    for lines in (300, 2000, 10000):
        text = generate(lines)
        repeat = 20 if lines <= 2000 else 7
        cold = _median_ms(_cold(text), repeat)
        analyze(text)
        warm = _median_ms(lambda: analyze(text), repeat)
        edit = _median_ms(_edit(text), repeat)
        print(f"{lines:>6} {cold:>14.2f} ms {warm:>14.2f} ms {edit:>12.2f} ms")


if __name__ == "__main__":
    main()
