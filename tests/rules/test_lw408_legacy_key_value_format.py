"""LW408 legacy-key-value-format."""

from __future__ import annotations

import pytest

from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_buildkit_case_pins_ranges_messages_and_fixes() -> None:
    env, label = fires("FROM scratch\nENV testkey value\nLABEL key value\n", "LW408")
    assert env.span == Span.of(1, 4, 1, 11)
    assert env.message == ('"ENV key=value" should be used instead of legacy "ENV key value" '
                           "format; write ENV testkey=…")
    assert env.data == {"buildkit": "LegacyKeyValueFormat"}
    assert env.fix is not None and env.fix.safe
    assert env.fix.edits == (TextEdit(Span.of(1, 4, 1, 17), "testkey=value"),)
    assert label.message.startswith('"LABEL key=value" should be used')
    assert label.span == Span.of(2, 6, 2, 9)


@pytest.mark.parametrize(("line", "fixed"), [
    ("LABEL description An example image", 'description="An example image"'),
    ('ENV k "a b"', 'k="a b"'),
    ("ENV k 'a b'", "k='a b'"),
    ('ENV k "a"b', 'k="a"b'),
    ("ENV PATH $PATH:/opt/bin", "PATH=$PATH:/opt/bin"),
])
def test_fix_keeps_the_value(line: str, fixed: str) -> None:
    (finding,) = fires(f"FROM scratch\n{line}\n", "LW408")
    assert finding.fix is not None
    assert finding.fix.edits[0].new_text == fixed


def test_continued_value_is_joined_into_one_quoted_value() -> None:
    (finding,) = fires("FROM scratch\nENV DEPS \\\n    curl \\\n    git\n", "LW408")
    assert finding.fix is not None
    assert finding.fix.edits == (TextEdit(Span.of(1, 4, 3, 7), 'DEPS="curl     git"'),)


def test_values_with_escapes_and_spaces_get_no_fix() -> None:
    (finding,) = fires("FROM scratch\nENV k a\\ b c\n", "LW408")
    assert finding.fix is None


def test_onbuild_trigger_is_checked() -> None:
    fires("FROM scratch\nONBUILD ENV k v\n", "LW408")


@pytest.mark.parametrize("source", [
    "FROM scratch\nENV testkey=value\nLABEL key=value\n",
    "FROM scratch\nENV a=1 b=2\nARG x=1\n",
    "FROM scratch\nRUN echo ENV a b\n",
])
def test_key_value_form_is_silent(source: str) -> None:
    silent(source, "LW408")
