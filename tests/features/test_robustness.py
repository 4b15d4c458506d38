"""Every feature, at every position of odd documents, answers without raising."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.features.completion import complete
from layerwise.features.hover import hover
from layerwise.features.navigation import (
    RenameError,
    definition,
    highlights,
    prepare_rename,
    references,
    rename,
)
from layerwise.features.symbols import document_symbols, folding_ranges
from layerwise.model.analysis import Analysis, analyze
from layerwise.syntax.span import Position

FIXTURES = sorted((Path(__file__).parent.parent / "syntax" / "fixtures").glob("*.Dockerfile"))

ODD = {
    "empty": "",
    "only-comments": "# one\n# two\n",
    "crlf": "FROM alpine AS a\r\nARG X=1\r\nRUN echo $X \\\r\n  ${X:-y}\r\nCOPY --from=a / /\r\n",
    "bom-escape": "\ufeff# escape=`\nFROM alpine AS a\nRUN echo `\n  $HOME\n",
    "unterminated": "FROM alpine\nRUN <<EOF\necho ${\n",
    "dangling": "FROM\nCOPY --from=\nRUN --mount=\nRUN --mount=type=cache,from=,\nENV =\nARG\n",
    "dollars": "FROM alpine\nRUN echo $ ${ ${} ${:-} $1 ${A:-${B:-$C}} \\$D\nENV A=${A\n",
    "onbuild": "FROM alpine\nONBUILD\nONBUILD ONBUILD RUN x\nONBUILD COPY --from=a . .\n",
    "json": 'FROM alpine\nCMD ["a", "$B"\nSHELL []\nHEALTHCHECK NONE\nHEALTHCHECK --\n',
    "continuation-eof": "FROM alpine\nRUN echo \\",
    "unicode": "FROM alpine AS 🎉\nLABEL 名前=\"値🎉\"\nCOPY --from=🎉 /🎉 /x\n",
    "self-cycle": "FROM alpine AS a\nCOPY --from=a / /\nFROM a AS a\n",
}


def run_everything(analysis: Analysis, pos: Position) -> None:
    """Call every position-based feature; check that rename edits replace the old name."""
    complete(analysis, pos)
    complete(analysis, pos, snippets=False)
    hover(analysis, pos)
    hover(analysis, pos, markdown=False)
    definition(analysis, pos)
    references(analysis, pos, True)
    highlights(analysis, pos)
    prepared = prepare_rename(analysis, pos)
    try:
        edits = rename(analysis, pos, "renamed")
    except RenameError:
        return
    assert prepared is not None
    for edit in edits:
        start, end = edit.span
        assert start.line == end.line
        old = analysis.dockerfile.line_text(start.line)[start.col:end.col]
        assert old.lower() == prepared[1].lower()


@pytest.mark.parametrize("text", list(ODD.values()), ids=list(ODD))
def test_every_position_of_odd_documents(text: str) -> None:
    analysis = analyze(text)
    document_symbols(analysis)
    folding_ranges(analysis)
    lines = analysis.dockerfile.lines
    for line in range(-1, len(lines) + 2):
        for col in range(-1, len(analysis.dockerfile.line_text(line)) + 3):
            run_everything(analysis, Position(line, col))


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_lines(path: Path) -> None:
    analysis = analyze(path.read_text(encoding="utf-8", errors="replace"))
    document_symbols(analysis)
    folding_ranges(analysis)
    for line in range(len(analysis.dockerfile.lines) + 1):
        width = len(analysis.dockerfile.line_text(line))
        for col in {0, 1, 5, width // 2, width - 1, width, width + 2}:
            run_everything(analysis, Position(line, col))
