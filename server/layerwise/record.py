"""Immutable value classes that are cheap to define and to build: :func:`record`.

``dataclass(frozen=True, slots=True)`` compiles six methods for every class and builds each
class twice, about 1.3 ms a class at start-up, most of it in the compiler. :func:`record`
compiles ``__init__``, ``__eq__`` and ``__hash__`` once per shape (number of fields, which of
them have a default factory) with placeholder names, gives each class that code with its own
field names (``CodeType.replace``) and builds the class once. ``__init__`` stores each field
through its slot descriptor, faster than the dataclass's ``object.__setattr__`` per field.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, field
from functools import cache
from types import CodeType, FunctionType
from typing import Any, ClassVar, NoReturn, TypeVar, dataclass_transform

_T = TypeVar("_T")

#: What ``record`` defines; a class that defines one of them itself is refused.
_GENERATED = frozenset({"__init__", "__eq__", "__hash__", "__repr__", "__getstate__",
                        "__setstate__", "__setattr__", "__delattr__", "__match_args__",
                        "__slots__"})


def _refuse_assignment(self: object, name: str, value: object) -> NoReturn:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_deletion(self: object, name: str) -> NoReturn:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> tuple[object, ...]:
    return tuple([getattr(self, name) for name in self.__slots__])


def _setstate(self: Any, state: tuple[object, ...]) -> None:
    for name, value in zip(self.__slots__, state, strict=True):
        object.__setattr__(self, name, value)


def _repr_of(names: tuple[str, ...]) -> Callable[[object], str]:
    def __repr__(self: object) -> str:
        shown = ", ".join([f"{name}={getattr(self, name)!r}" for name in names])
        return f"{self.__class__.__qualname__}({shown})"
    return __repr__


def _functions(source: str) -> list[CodeType]:
    """The code of the functions that ``source`` defines, in order."""
    module = compile(source, "<record>", "exec")
    return [const for const in module.co_consts if isinstance(const, CodeType)]


@cache
def _init_code(size: int, factories: frozenset[int], post_init: bool) -> CodeType:
    """``__init__`` taking fields ``_f0``, ``_f1``…, each stored by ``_s<i>`` (made by
    ``_k<i>()`` when it has a default factory and is not given)."""
    lines = [f" _s{i}(self, _k{i}() if _f{i} is _MISSING else _f{i})" if i in factories
             else f" _s{i}(self, _f{i})" for i in range(size)]
    if post_init:
        lines.append(" self.__post_init__()")
    params = "".join(f", _f{i}" for i in range(size))
    body = "\n".join(lines) if lines else " pass"
    return _functions(f"def __init__(self{params}):\n{body}\n")[0]


@cache
def _comparison_code(size: int) -> list[CodeType]:
    """``__eq__`` and ``__hash__`` over attributes ``_f0``, ``_f1``…"""
    mine = "".join(f"self._f{i}," for i in range(size))
    theirs = "".join(f"other._f{i}," for i in range(size))
    return _functions(
        "def __eq__(self, other):\n"
        " if other.__class__ is self.__class__:\n"
        f"  return ({mine}) == ({theirs})\n"
        " return NotImplemented\n"
        f"def __hash__(self):\n return hash(({mine}))\n")


def _is_class_var(annotation: object) -> bool:
    if isinstance(annotation, str):  # postponed: ``ClassVar[int]``, ``typing.ClassVar``
        return annotation.partition("[")[0].strip().rpartition(".")[2] == "ClassVar"
    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


# Python 3.11 takes ``frozen_default`` among its extra keywords; type checkers read it.
@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[_T]) -> type[_T]:
    """Make ``cls`` an immutable value class with ``__slots__``, like a frozen slots dataclass.

    Fields are the class's annotations in order (``ClassVar`` ones excepted); a class attribute
    gives a field's default, and ``dataclasses.field`` may give ``default``,
    ``default_factory``, ``compare`` and ``repr``. Instances compare equal when of the same
    class with equal compared fields, hash those fields, print like dataclasses, match
    positionally, refuse assignment (``FrozenInstanceError``), copy and pickle. A
    ``__post_init__`` runs after ``__init__``. Fields of base classes are not inherited.
    """
    own = cls.__dict__
    clash = _GENERATED.intersection(own)
    if clash:
        raise TypeError(f"{cls.__qualname__} defines {', '.join(sorted(clash))}: record does")
    qualname = cls.__qualname__
    namespace: dict[str, Any] = {"__name__": cls.__module__, "__builtins__": builtins,
                                 "_MISSING": MISSING}
    names: list[str] = []
    defaults: list[object] = []
    factories: set[int] = set()
    compared: list[str] = []
    shown: list[str] = []
    for name, annotation in own.get("__annotations__", {}).items():
        if _is_class_var(annotation):
            continue
        default = own.get(name, MISSING)
        compare = show = True
        if isinstance(default, Field):
            spec = default
            if not spec.init or spec.kw_only is True or spec.hash is not None:
                raise TypeError(f"{qualname}.{name}: a record field takes only default, "
                                "default_factory, compare and repr")
            default, compare, show = spec.default, spec.compare, spec.repr
            if spec.default_factory is not MISSING:
                namespace[f"_k{len(names)}"] = spec.default_factory
                factories.add(len(names))
        if len(names) in factories:
            defaults.append(MISSING)
        elif default is not MISSING:
            if type(default).__hash__ is None:
                raise ValueError(f"{qualname}.{name}: mutable default "
                                 f"{type(default).__name__}: use default_factory")
            defaults.append(default)
        elif defaults:
            raise TypeError(f"{qualname}.{name}: a field without a default follows one with "
                            "a default")
        names.append(name)
        if compare:
            compared.append(name)
        if show:
            shown.append(name)
    init = _init_code(len(names), frozenset(factories), hasattr(cls, "__post_init__"))
    first = "__record_self__" if "self" in names else "self"
    init = init.replace(co_varnames=(first, *names), co_qualname=f"{qualname}.__init__")
    rename = {f"_f{i}": name for i, name in enumerate(compared)}
    body = {key: value for key, value in own.items()
            if key not in names and key not in ("__dict__", "__weakref__")}
    body["__init__"] = FunctionType(init, namespace, "__init__", tuple(defaults))
    for code in _comparison_code(len(compared)):
        code = code.replace(co_names=tuple([rename.get(n, n) for n in code.co_names]),
                            co_qualname=f"{qualname}.{code.co_name}")
        body[code.co_name] = FunctionType(code, namespace)
    body["__repr__"] = _repr_of(tuple(shown))
    body["__repr__"].__qualname__ = f"{qualname}.__repr__"
    body["__getstate__"] = _getstate
    body["__setstate__"] = _setstate
    body["__setattr__"] = _refuse_assignment
    body["__delattr__"] = _refuse_deletion
    body["__slots__"] = body["__match_args__"] = tuple(names)
    body["__qualname__"] = qualname
    metaclass: type = type(cls)
    made: type[_T] = metaclass(cls.__name__, cls.__bases__, body)
    for i, name in enumerate(names):
        namespace[f"_s{i}"] = made.__dict__[name].__set__
    return made


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the record ``obj`` with the given fields changed."""
    cls: Any = type(obj)
    values = {name: getattr(obj, name) for name in cls.__match_args__}
    values.update(changes)
    return cls(**values)  # type: ignore[no-any-return]
