"""Helpers for frozen classes written by hand (those that work out a value on first use).

Such a class declares ``__slots__``, sets ``__setattr__ = __delattr__ = refuse`` and stores its
fields, and later its cached values, through :func:`setters`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from typing import NoReturn

Setter = Callable[[object, object], None]


def refuse(self: object, *_: object) -> NoReturn:
    """Refuse to change a frozen object."""
    raise FrozenInstanceError(f"cannot change a {type(self).__name__}")


def setters(cls: type, *names: str) -> tuple[Setter, ...]:
    """The slot descriptors' setters of ``names``: about twice as fast as
    ``object.__setattr__``, and they bypass ``refuse``."""
    return tuple(cls.__dict__[name].__set__ for name in names)
