"""``lazy_pattern`` behaves as the compiled pattern, compiled at its first use."""

from __future__ import annotations

import copy
import re

import pytest

from layerwise.patterns import lazy_pattern


def test_matches_as_the_compiled_pattern() -> None:
    source = r"(?P<key>[a-z]+)=(?P<value>\d+)"
    lazy, compiled = lazy_pattern(source, re.IGNORECASE), re.compile(source, re.IGNORECASE)
    text = "A=1 b=22 c=x"
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.fullmatch("Key=7")["value"] == "7"  # type: ignore[index]
    assert lazy.sub("-", text) == compiled.sub("-", text)
    assert (lazy.pattern, lazy.flags, lazy.groupindex) == (
        compiled.pattern, compiled.flags, compiled.groupindex)
    assert lazy.search("nothing") is None and lazy.search("x=1") is not None


def test_compiled_only_when_first_used() -> None:
    broken = lazy_pattern("(unclosed")
    with pytest.raises(re.error):
        broken.search("text")


def test_copies_share_the_pattern() -> None:
    lazy = lazy_pattern(r"\d+")
    assert lazy.findall("a1b22") == ["1", "22"]
    assert copy.copy(lazy).findall("3") == ["3"] and copy.deepcopy(lazy).findall("4") == ["4"]
