"""LW404 maintainer-deprecated."""

from __future__ import annotations

from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_maintainer_pins_range_message_fix_and_tag() -> None:
    (finding,) = fires("FROM scratch\nMAINTAINER me@example.org\n", "LW404")
    assert finding.span == Span.of(1, 0, 1, 10)
    assert finding.message == ("MAINTAINER is deprecated; use LABEL "
                               'org.opencontainers.image.authors="…" to name the image author')
    assert finding.deprecated
    assert finding.data == {"buildkit": "MaintainerDeprecated"}
    assert finding.fix is not None
    assert finding.fix.edits == (TextEdit(
        Span.of(1, 0, 1, 25), 'LABEL org.opencontainers.image.authors="me@example.org"'),)


def test_fix_keeps_the_text_literal_and_the_casing() -> None:
    (finding,) = fires('from alpine\nmaintainer Jane "JD" Doe $HOME\n', "LW404")
    assert finding.fix is not None
    assert finding.fix.edits[0].new_text == (
        'label org.opencontainers.image.authors="Jane \\"JD\\" Doe \\$HOME"')


def test_fix_uses_the_escape_directive() -> None:
    (finding,) = fires('# escape=`\nFROM alpine\nMAINTAINER a"b\n', "LW404")
    assert finding.fix is not None
    assert finding.fix.edits[0].new_text == 'LABEL org.opencontainers.image.authors="a`"b"'


def test_label_is_silent() -> None:
    silent('FROM scratch\nLABEL org.opencontainers.image.authors="me@example.org"\n', "LW404")
