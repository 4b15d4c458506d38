"""Process-wide settings for the ``layerwise`` command (the server and ``check``)."""

from __future__ import annotations

import gc


def tune_gc() -> None:
    """Keep the garbage collector off what is loaded so far and let it run less often.

    An analysis allocates tens of thousands of small, acyclic objects (spans, tokens, words)
    that live as long as their document; with the default thresholds the collector rescans
    them again and again, about a third of the time of a first analysis of a large file.
    """
    gc.freeze()
    gc.set_threshold(50_000, 10, 10)
