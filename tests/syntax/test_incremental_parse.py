"""Re-parsing with the previous version of a document gives exactly what a fresh parse gives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layerwise.syntax.parser import _head, parse

from .test_oracle_generated import _dockerfile

_pieces = st.sampled_from([
    "\n", "\\", "\\\n", "`\n", "<<EOF\n", "EOF\n", "EOF", "#", "RUN ", "a", " ", '"', "[", "\t",
    "COPY <<-X a\n", "X\n", "\r\n", "FROM x AS y\n", "# escape=`\n",
])


@st.composite
def _edited(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A file and a few successive versions of it, each one insertion or deletion away."""
    text = draw(_dockerfile())
    versions = []
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:pos] + draw(_pieces) + text[pos:]
        else:
            text = text[:pos] + text[pos + draw(st.integers(1, 12)):]
        versions.append(text)
    return versions[0], versions


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_edited(), _dockerfile())
def test_reparse_equals_fresh_parse(edited: tuple[str, list[str]], other: str) -> None:
    """Nodes, errors and directives agree after every edit, and after a switch to another file."""
    _, versions = edited
    previous = parse(other)
    for text in versions:
        reparsed = parse(text, previous)
        _head.cache_clear()
        assert reparsed == parse(text)
        previous = reparsed


def test_unchanged_instructions_are_the_same_objects() -> None:
    """An edit inside one instruction keeps every other instruction object (caches key on them)."""
    lines = ["FROM alpine AS a", "RUN echo one", "RUN echo two \\", "  && echo three", "COPY . /x"]
    before = parse("\n".join(lines) + "\n")
    lines[1] = "RUN echo one!"
    after = parse("\n".join(lines) + "\n", before)
    kept = [a is b for a, b in zip(before.instructions, after.instructions, strict=True)]
    assert kept == [True, False, True, True]
    lines.insert(1, "")
    shifted = parse("\n".join(lines) + "\n", after)
    assert shifted.instructions[0] is after.instructions[0]
    assert shifted.instructions[2].start_line == 3
