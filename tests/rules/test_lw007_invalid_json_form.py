"""LW007 invalid-json-form."""

from __future__ import annotations

from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_single_quotes_pin_range_message_and_fix() -> None:
    (finding,) = fires("FROM a\nCMD ['nginx', '-g']\n", "LW007")
    assert finding.span == Span.of(1, 4, 1, 19)
    assert finding.message.startswith("not valid JSON, so this runs as a shell string")
    assert finding.fix is not None
    assert finding.fix.edits == (TextEdit(Span.of(1, 4, 1, 19), '["nginx", "-g"]'),)


def test_trailing_comma_and_healthcheck() -> None:
    fires('FROM a\nENTRYPOINT ["a",]\n', "LW007")
    fires("FROM a\nHEALTHCHECK CMD ['curl', 'x']\n", "LW007")


def test_valid_exec_and_shell_forms_are_silent() -> None:
    silent('FROM a\nCMD ["nginx"]\nRUN [ -f /x ] && echo yes\nLABEL x="[a]"\n', "LW007")
    silent('FROM a\nRUN [ "$X" = "1" ] && echo one\nRUN [ -d /x ]\n', "LW007")


def test_text_after_an_array_makes_it_shell_form() -> None:
    fires('FROM a\nCMD ["sh", "-c", "x"] && echo more\n', "LW007")
