"""Every fixture Dockerfile: Layerwise's parser agrees with BuildKit's."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.syntax.parser import parse
from layerwise.syntax.source import decode

from .oracle import known_divergence, oracle, ours

FIXTURES = Path(__file__).parent / "fixtures"
VALID = sorted(FIXTURES.glob("*.Dockerfile"))
INVALID = sorted((FIXTURES / "invalid").glob("*.Dockerfile"))


def _text(path: Path) -> str:
    return decode(path.read_bytes()).text


def test_corpus_is_large_enough() -> None:
    """The corpus covers the parser's features with dozens of files."""
    assert len(VALID) >= 60
    assert len(INVALID) >= 10


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_fixture_agrees_with_buildkit(path: Path) -> None:
    """Same instructions, line spans, flags, values and heredocs as BuildKit."""
    text = _text(path)
    reason = known_divergence(text)
    if reason:
        pytest.skip(f"oracle is BuildKit v0.12.5; differs from current BuildKit: {reason}")
    expected = oracle(text)
    tree = parse(text)
    errors = [e for e in tree.errors if e.code in ("LW001", "LW006")]
    if expected is None:
        assert errors, "BuildKit rejects this file: Layerwise must report an error"
    else:
        assert not errors
        assert ours(tree) == expected


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_rejected_fixture_reports_an_error(path: Path) -> None:
    """Where BuildKit rejects a file, Layerwise reports at least one parse error."""
    text = _text(path)
    assert oracle(text) is None
    tree = parse(text)
    assert any(e.code in ("LW001", "LW006") for e in tree.errors)


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.stem)
def test_fixture_is_lossless(path: Path) -> None:
    """Re-joining the nodes reproduces the file."""
    text = _text(path)
    tree = parse(text)
    assert "".join(tree.node_text(n) for n in tree.nodes) == text
