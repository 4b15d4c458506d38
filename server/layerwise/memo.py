"""Values derived from one syntax node, reused for as long as the parser keeps that node.

The incremental parser hands out the same :class:`~layerwise.syntax.nodes.Instruction` object for
an instruction an edit did not touch, so anything computed from it alone can be looked up by its
identity instead of being recomputed on every keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """A bounded map from ``(object identity, extra key)`` to a value computed from the object.

    Each entry holds the object itself, so its ``id`` cannot be reused by another object while
    the entry lives; a hit is checked against it.
    """

    def __init__(self, limit: int = 1 << 14) -> None:
        self._entries: dict[tuple[int, Hashable], tuple[object, V]] = {}
        self._limit = limit

    def get(self, obj: object, extra: Hashable, compute: Callable[..., V], *args: Any) -> V:
        """The value for ``obj`` and ``extra``, ``compute(*args)`` on a miss."""
        key = (id(obj), extra)
        hit = self._entries.get(key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        value = compute(*args)
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[key] = (obj, value)
        return value

    def clear(self) -> None:
        """Forget every value."""
        self._entries.clear()
