"""LW006 unterminated-heredoc."""

from __future__ import annotations

from layerwise.syntax.span import Span

from .helpers import findings, fires, silent


def test_unterminated_pins_the_marker() -> None:
    (finding,) = fires("FROM a\nRUN <<EOF\necho hi\n", "LW006")
    assert finding.span == Span.of(1, 4, 1, 9)
    assert finding.message == "unterminated heredoc: no line 'EOF' ends it"


def test_recovery_keeps_later_instructions() -> None:
    text = "FROM a\nRUN <<EOF\napt-get update\nCOPYY x y\nRUN echo done\n"
    assert findings(text, "LW006")
    assert findings("FROM a\nRUN <<EOF\necho\nCOPY --form=x a b\n", "LW003")


def test_terminated_heredocs_are_silent() -> None:
    silent("FROM a\nRUN <<-EOF\n\techo hi\n\tEOF\nCOPY <<A <<B /x/\na\nA\nb\nB\n", "LW006")
