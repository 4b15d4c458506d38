"""Values derived from syntax and model objects, reused for as long as those objects live.

The incremental parser hands out the same :class:`~layerwise.syntax.nodes.Instruction` object for
an instruction an edit did not touch, and re-analysis keeps the scopes and stages when the edit
changed none of them, so anything computed from such objects alone can be looked up by their
identity instead of being recomputed on every keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, Protocol, TypeVar
from weakref import WeakSet

V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """A bounded map from ``(object identities, extra key)`` to a value computed from them.

    Each entry holds its objects, so their ``id`` cannot be reused by other objects while the
    entry lives; a hit is checked against them.
    """

    def __init__(self, limit: int = 1 << 14) -> None:
        self._entries: dict[tuple[int, tuple[int, ...], Hashable],
                            tuple[object, tuple[object, ...], V]] = {}
        self._limit = limit
        register(self)

    def get(self, obj: object, extra: Hashable, compute: Callable[..., V], *args: Any,
            also: tuple[object, ...] = ()) -> V:
        """The value for ``obj`` (and the objects ``also``) and ``extra``; ``compute(*args)``
        on a miss."""
        key = (id(obj), tuple(map(id, also)) if also else (), extra)
        hit = self._entries.get(key)
        # same ids; tuple equality checks identity first (equal objects would give equal values)
        if hit is not None and hit[0] is obj and hit[1] == also:
            return hit[2]
        value = compute(*args)
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[key] = (obj, also, value)
        return value

    def clear(self) -> None:
        """Forget every value."""
        self._entries.clear()

    def snapshot(self) -> object:
        """The current contents, for :meth:`restore`."""
        return dict(self._entries)

    def restore(self, state: object) -> None:
        """Put back contents taken with :meth:`snapshot`."""
        self._entries = state  # type: ignore[assignment]


class TokenMap(Generic[V]):
    """A bounded map from revision tokens (plain objects: a dict finds them by identity) to
    values, emptied with every memo."""

    def __init__(self, limit: int) -> None:
        self._by_token: dict[object, V] = {}
        self._limit = limit
        register(self)

    def get(self, token: object) -> V | None:
        """The value of a token, if known."""
        return self._by_token.get(token)

    def put(self, token: object, value: V) -> V:
        """Remember the value of a token; return it."""
        if len(self._by_token) >= self._limit:
            self._by_token.clear()
        self._by_token[token] = value
        return value

    def clear(self) -> None:
        """Forget every value."""
        self._by_token.clear()

    def snapshot(self) -> object:
        """The current contents, for :meth:`restore`."""
        return dict(self._by_token)

    def restore(self, state: object) -> None:
        """Put back contents taken with :meth:`snapshot`."""
        self._by_token = state  # type: ignore[assignment]


class Clearable(Protocol):
    """A cache that :func:`clear_all` empties and :func:`set_aside` puts aside."""

    def clear(self) -> None:
        """Forget every value."""

    def snapshot(self) -> object:
        """The current contents, for :meth:`restore`."""

    def restore(self, state: object) -> None:
        """Put back contents taken with :meth:`snapshot`."""


_ALL: WeakSet[Clearable] = WeakSet()


def register(cache: Clearable) -> None:
    """Have :func:`clear_all` empty ``cache`` too (held weakly)."""
    _ALL.add(cache)


def clear_all() -> None:
    """Empty every memo (a from-scratch analysis, for tests and benchmarks)."""
    for memo in list(_ALL):
        memo.clear()


@contextmanager
def set_aside() -> Iterator[None]:
    """Run the body with every memo empty, then put their contents back: a from-scratch
    analysis next to an incremental one that goes on reusing its memos (for tests)."""
    caches = list(_ALL)
    states = [cache.snapshot() for cache in caches]
    for cache in caches:
        cache.clear()
    try:
        yield
    finally:
        for cache, state in zip(caches, states, strict=True):
            cache.restore(state)
