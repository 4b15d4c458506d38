"""``fast_init`` keeps what a frozen slots dataclass promises."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from layerwise.syntax.frozen import fast_init


@dataclasses.dataclass(frozen=True, slots=True)
class _Plain:
    a: int
    b: tuple[int, ...] = ()


@fast_init
@dataclasses.dataclass(frozen=True, slots=True)
class _Fast:
    a: int
    b: tuple[int, ...] = ()


def test_same_signature_values_equality_and_hash() -> None:
    assert inspect.signature(_Fast) == inspect.signature(_Plain)
    x, y = _Fast(1, (2,)), _Fast(a=1, b=(2,))
    assert x == y and hash(x) == hash(y) and (x.a, x.b) == (1, (2,))
    assert _Fast(3).b == ()
    assert dataclasses.replace(x, b=()) == _Fast(1)


def test_still_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _Fast(1).a = 2  # type: ignore[misc]


def test_refuses_factories() -> None:
    with pytest.raises(TypeError):
        fast_init(dataclasses.make_dataclass(
            "_Factory", [("a", list, dataclasses.field(default_factory=list))],
            frozen=True, slots=True))
