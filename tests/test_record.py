"""``record`` classes behave as the equivalent frozen slots dataclasses do."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from layerwise.record import record, replace

_DATACLASS = dataclasses.dataclass(frozen=True, slots=True)
#: Each test runs with a record and with the equivalent dataclass.
DECORATORS = pytest.mark.parametrize("decorate", [record, _DATACLASS], ids=["record", "dataclass"])


def define(decorate: Callable[[type], type]) -> Any:
    """The same class body under ``decorate`` (so both have the same qualified name)."""

    class Point:
        """A point with a label."""

        x: int
        y: int = 0
        tags: list[str] = dataclasses.field(default_factory=list, compare=False, repr=False)
        label: str = dataclasses.field(default="p")
        dimensions: ClassVar[int] = 2

        @property
        def norm(self) -> int:
            return abs(self.x) + abs(self.y)

        def moved(self, dx: int) -> Point:
            return type(self)(self.x + dx, self.y, self.tags, self.label)

        @classmethod
        def origin(cls) -> Point:
            return cls(0)

    return decorate(Point)


@record
class Pair:
    """Module-level, so that pickle finds it."""

    left: int
    right: tuple[int, ...] = ()
    notes: list[str] = dataclasses.field(default_factory=list)


@_DATACLASS
class PairData:
    left: int
    right: tuple[int, ...] = ()
    notes: list[str] = dataclasses.field(default_factory=list)


@DECORATORS
def test_construction_defaults_and_factories(decorate: Callable[[type], type]) -> None:
    point = define(decorate)
    p = point(1)
    assert (p.x, p.y, p.tags, p.label) == (1, 0, [], "p")
    assert point(1, y=2, label="q").y == 2 and point(x=3).x == 3
    assert point(1).tags is not point(1).tags  # a fresh list each time
    given = ["a"]
    assert point(1, tags=given).tags is given
    with pytest.raises(TypeError):
        point()
    with pytest.raises(TypeError):
        point(1, z=2)
    with pytest.raises(TypeError):
        point(1, 2, [], "p", 5)


def test_same_parameters_as_the_dataclass() -> None:
    def parameters(cls: type) -> list[tuple[str, object, object]]:
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls).parameters.values()]

    assert parameters(Pair)[:2] == parameters(PairData)[:2] == [
        ("left", inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.empty),
        ("right", inspect.Parameter.POSITIONAL_OR_KEYWORD, ())]
    assert [name for name, _, _ in parameters(Pair)] == ["left", "right", "notes"]
    assert Pair.__init__.__qualname__ == "Pair.__init__"


@DECORATORS
def test_equality_and_hash(decorate: Callable[[type], type]) -> None:
    point = define(decorate)
    assert point(1, 2) == point(1, 2) and hash(point(1, 2)) == hash(point(1, 2))
    assert point(1, 2) != point(1, 3) and point(1, label="a") != point(1, label="b")
    assert point(1, tags=["a"]) == point(1, tags=["b"])  # compare=False
    assert hash(point(1, tags=["a"])) == hash(point(1, tags=["b"]))
    assert point(1) != define(decorate)(1)  # another class with the same fields
    assert point(1).__eq__((1, 0, "p")) is NotImplemented
    assert len({point(1), point(1), point(2)}) == 2


def test_hash_and_equality_match_the_dataclass() -> None:
    mine, theirs = define(record), define(_DATACLASS)
    assert hash(mine(1, 2, ["x"], "q")) == hash(theirs(1, 2, ["y"], "q"))
    assert mine(1) != theirs(1) and theirs(1) != mine(1)
    nan = float("nan")  # fields compare as a tuple: identical items are equal
    assert mine(nan) == mine(nan) and theirs(nan) == theirs(nan)


def test_repr_matches_the_dataclass() -> None:
    mine, theirs = define(record), define(_DATACLASS)
    assert repr(mine(1, 2, ["hidden"])) == repr(theirs(1, 2, ["hidden"]))
    assert repr(mine(1)).startswith("define.<locals>.Point(x=1, y=0, label='p')")
    assert repr(Pair(1, (2,), ["n"])) == "Pair(left=1, right=(2,), notes=['n'])"


@DECORATORS
def test_immutable_and_slotted(decorate: Callable[[type], type]) -> None:
    point = define(decorate)
    p = point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        del p.y
    if decorate is record:  # Python 3.11's slots dataclass fails here with a TypeError
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.other = 3
    assert not hasattr(p, "__dict__")
    assert point.__slots__ == ("x", "y", "tags", "label")
    assert point.__match_args__ == ("x", "y", "tags", "label")


@DECORATORS
def test_class_vars_properties_methods_and_docstring(decorate: Callable[[type], type]) -> None:
    point = define(decorate)
    assert point.dimensions == 2 and "dimensions" not in point.__slots__
    assert point(-2, 3).norm == 5
    assert point(1, 2).moved(3) == point(4, 2)
    assert point.origin() == point(0)
    assert point.__doc__ == "A point with a label."
    assert point.__name__ == "Point" and point.__module__ == __name__


@DECORATORS
def test_pattern_matching(decorate: Callable[[type], type]) -> None:
    match define(decorate)(1, 2):
        case object(x=1, y=2) as matched:
            pass
    assert matched.y == 2
    point = define(decorate)
    match point(5, 6):
        case point(a, b):
            assert (a, b) == (5, 6)
        case _:
            pytest.fail("no positional match")


def test_replace() -> None:
    point = define(record)
    tags = ["t"]
    p = point(1, 2, tags)
    q = replace(p, y=5)
    assert (q.x, q.y, q.label) == (1, 5, "p") and q.tags is tags  # factories do not run again
    assert p.y == 2
    assert replace(p) == p and replace(p) is not p
    with pytest.raises(TypeError):
        replace(p, z=1)


@pytest.mark.parametrize("cls", [Pair, PairData])
def test_copy_and_pickle(cls: Any) -> None:
    value = cls(1, (2, 3), ["n"])
    shallow = copy.copy(value)
    assert shallow == value and shallow.notes is value.notes
    deep = copy.deepcopy(value)
    assert deep == value and deep.notes is not value.notes
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(value, protocol)) == value
    assert pickle.loads(pickle.dumps(Pair(4))) == Pair(4)


def test_classes_of_one_shape_keep_their_own_names() -> None:
    @record
    class First:
        a: int
        b: str = "x"

    @record
    class Second:
        c: int
        d: str = "y"

    assert First(b="z", a=1).b == "z" and Second(d="w", c=2).d == "w"
    assert First(1) == First(1, "x") and Second(1) != Second(1, "z")
    assert repr(Second(c=1)).endswith("Second(c=1, d='y')")
    with pytest.raises(TypeError, match="'c'"):
        First(c=1)  # type: ignore[call-arg]


def test_field_names_that_are_also_parameter_names() -> None:
    @record
    class Odd:
        self: int
        other: int
        hash: int = 0

    odd = Odd(self=1, other=2)
    assert (odd.self, odd.other, odd.hash) == (1, 2, 0) and odd == Odd(1, 2, 0)


def test_no_fields() -> None:
    @record
    class Empty:
        pass

    assert Empty() == Empty() and hash(Empty()) == hash(()) and repr(Empty()).endswith("Empty()")


def test_post_init_runs_after_the_fields_are_set() -> None:
    @record
    class Positive:
        value: int

        def __post_init__(self) -> None:
            if self.value <= 0:
                raise ValueError("not positive")

    assert Positive(1).value == 1
    with pytest.raises(ValueError, match="not positive"):
        Positive(0)
    assert copy.copy(Positive(2)) == Positive(2)


def test_refuses_what_it_cannot_honour() -> None:
    with pytest.raises(TypeError, match="follows"):
        record(type("Order", (), {"__annotations__": {"a": "int", "b": "int"}, "a": 1}))
    with pytest.raises(ValueError, match="mutable default"):
        record(type("Mutable", (), {"__annotations__": {"a": "list[int]"}, "a": []}))
    with pytest.raises(TypeError, match="__eq__"):
        record(type("Own", (), {"__annotations__": {"a": "int"}, "__eq__": lambda s, o: True}))
    with pytest.raises(TypeError, match="default_factory"):
        record(type("NoInit", (), {"__annotations__": {"a": "int"},
                                   "a": dataclasses.field(init=False, default=0)}))
