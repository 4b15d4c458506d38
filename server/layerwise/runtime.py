"""Process-wide settings for the ``layerwise`` command (the server and ``check``)."""

from __future__ import annotations

import gc


def defer_gc() -> None:
    """Let the garbage collector run rarely while the program loads, until :func:`tune_gc`.

    Loading creates tens of thousands of objects that live as long as the process (modules,
    classes, functions, lsprotocol's types); with the default threshold the collector scans
    them about 150 times, up to a tenth of the server's start-up. Turning it off instead would
    keep the cyclic garbage of loading (about 10 MiB) for good.
    """
    gc.set_threshold(10_000, 10, 10)


def tune_gc() -> None:
    """Keep the garbage collector off what is loaded so far and let it run less often.

    An analysis allocates tens of thousands of small, acyclic objects (spans, tokens, words)
    that live as long as their document; with the default thresholds the collector rescans
    them again and again, about a third of the time of a first analysis of a large file.
    """
    gc.freeze()
    gc.set_threshold(50_000, 10, 10)
    gc.enable()
