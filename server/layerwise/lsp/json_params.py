"""The parameters of ``textDocument/didChange``, read straight from JSON.

Every keystroke sends one; building lsprotocol objects for it through cattrs (and pygls's
generic dispatch) took longer than applying the change. The shape is checked here instead, and
a malformed message is refused with the path of what is wrong, as cattrs would report it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .documents import Change

__all__ = ["DidChange", "InvalidParams", "did_change"]

#: LSP's ``uinteger``.
_UINTEGER_MAX = 2**31 - 1


class InvalidParams(ValueError):
    """Parameters that do not have the shape LSP gives them (the message says where)."""


class DidChange(NamedTuple):
    """``DidChangeTextDocumentParams``: the document, its new version and the changes."""

    uri: str
    version: int
    changes: list[Change]


def did_change(params: Any) -> DidChange:
    """Read the parameters of ``textDocument/didChange``; raise :class:`InvalidParams`."""
    document = _member(params, "textDocument", "params")
    uri = _member(document, "uri", "params.textDocument")
    version = _member(document, "version", "params.textDocument")
    changes = _member(params, "contentChanges", "params")
    if not isinstance(uri, str):
        raise InvalidParams("params.textDocument.uri: expected a string")
    if type(version) is not int:
        raise InvalidParams("params.textDocument.version: expected an integer")
    if not isinstance(changes, list):
        raise InvalidParams("params.contentChanges: expected an array")
    return DidChange(uri, version, [_change(item, n) for n, item in enumerate(changes)])


def _change(item: Any, n: int) -> Change:
    """One ``TextDocumentContentChangeEvent``: with a range, or the whole text."""
    where = f"params.contentChanges[{n}]"
    text = _member(item, "text", where)
    if not isinstance(text, str):
        raise InvalidParams(f"{where}.text: expected a string")
    if "range" not in item:
        return Change(None, text)
    rng = item["range"]
    start = _member(rng, "start", f"{where}.range")
    end = _member(rng, "end", f"{where}.range")
    return Change((_uinteger(start, "line", f"{where}.range.start"),
                   _uinteger(start, "character", f"{where}.range.start"),
                   _uinteger(end, "line", f"{where}.range.end"),
                   _uinteger(end, "character", f"{where}.range.end")), text)


def _member(value: Any, name: str, where: str) -> Any:
    """A required member of a JSON object."""
    if not isinstance(value, dict):
        raise InvalidParams(f"{where}: expected an object")
    try:
        return value[name]
    except KeyError:
        raise InvalidParams(f"{where}.{name}: required field missing") from None


def _uinteger(value: dict[str, Any], name: str, where: str) -> int:
    """A required ``uinteger`` member of a JSON object."""
    number = _member(value, name, where)
    if type(number) is not int or not 0 <= number <= _UINTEGER_MAX:
        raise InvalidParams(f"{where}.{name}: expected an integer from 0 to {_UINTEGER_MAX}")
    return number
