"""Showing a secret without showing it: the only way secret text may reach any output."""

from __future__ import annotations

#: What stands for the hidden middle of a value.
ELLIPSIS = "…"


def mask(value: str) -> str:
    """Mask a secret value for messages: at most its first 4 and last 2 characters.

    Long values show ``lgNv…Ji``; shorter ones reveal less so that more than half of the
    value stays hidden, and values of three characters or fewer show nothing.
    """
    value = value.strip()
    n = len(value)
    head = min(4, n // 4)
    tail = min(2, n // 6)
    if head == 0:
        return ELLIPSIS
    return value[:head] + ELLIPSIS + (value[n - tail:] if tail else "")
