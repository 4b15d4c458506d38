"""Memoised (incremental) rule findings equal a from-scratch run, also while typing."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from layerwise.model import layers as model_layers
from layerwise.model.analysis import analyze
from layerwise.rules import incremental
from layerwise.rules.base import InstructionRule
from layerwise.rules.buildkit import lw406_undefined_variable as lw406
from layerwise.rules.registry import ALL_RULES
from layerwise.rules.run import run_rules
from layerwise.rules.secrets import commands as secret_commands
from layerwise.rules.secrets import detector as secret_detector
from layerwise.rules.secrets import facts as secret_facts
from layerwise.rules.secrets import layers as secret_layers
from layerwise.syntax import parser

ROOT = Path(__file__).parents[2]
FIXTURES = sorted((ROOT / "tests/syntax/fixtures").glob("*Dockerfile*"))
#: Files whose features (escape directive, empty continuation lines, heredocs, ONBUILD,
#: MAINTAINER, parse errors) the typing simulation exercises.
TYPED = ("continuation-blank-lines.Dockerfile", "crlf-windows-escape.Dockerfile",
         "directive-check-skip.Dockerfile", "nginx-static-site.Dockerfile",
         # secret rules (RunFacts, credentials, secret layers) and LW406 (undefined variables)
         "leaky-secrets-env.Dockerfile", "secret-mounts.Dockerfile",
         "arg-global-defaults.Dockerfile")
_ALPHABET = ("x", " ", "$", "\\", "\n", "-", "=", "'", '"', "[", "#", "{")


def _generate(lines: int, seed: int) -> str:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench/generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(lines, seed)  # type: ignore[no-any-return]


def _findings(text: str) -> str:
    return repr(run_rules(analyze(text)))


def _fresh(text: str) -> str:
    """Findings with every cross-version cache emptied first."""
    incremental.clear()
    parser._head.cache_clear()
    model_layers._LAYERS.clear()
    secret_facts._RUNS.clear()
    secret_layers._LAYERS.clear()
    secret_commands._CREDENTIALS.clear()
    secret_detector._provider_matches.cache_clear()
    lw406._REFERENCES.clear()
    return _findings(text)


def test_some_rules_are_instruction_local() -> None:
    assert any(isinstance(rule, InstructionRule) for rule in ALL_RULES)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_findings_match_fresh_run(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    warm = _findings(text)
    _findings(text + "\n")
    assert _findings(text) == warm == _fresh(text)


def test_memoised_check_matches_rule_check() -> None:
    text = _generate(300, 2)
    analysis = analyze(text)
    local = [rule for rule in ALL_RULES if isinstance(rule, InstructionRule)]
    expected = {rule.id: list(rule.check(analysis)) for rule in local}
    assert incremental.memoised_findings(local, analysis) == expected
    assert incremental.memoised_findings(local, analysis) == expected
    for rule in local:
        assert incremental.memoised_findings([rule], analysis) == {rule.id: expected[rule.id]}


def _typing(text: str, seed: int, steps: int = 50) -> None:
    """Apply one-character insertions and deletions at a few places, checking each version
    analysed as the server does (with the previous version) against a from-scratch run."""
    rng = random.Random(seed)
    places = [rng.randrange(len(text)) for _ in range(4)]
    previous = analyze(text)
    run_rules(previous)
    for step in range(steps):
        k = step % len(places)
        at = min(places[k], len(text))
        if rng.random() < 0.3 and at > 0:
            text = text[:at - 1] + text[at:]
            places = [p - 1 if p >= at else p for p in places]
        else:
            ch = rng.choice(_ALPHABET)
            text = text[:at] + ch + text[at:]
            places = [p + 1 if p >= at else p for p in places]
        previous = analyze(text, previous=previous)
        assert repr(run_rules(previous)) == _fresh(text), f"step {step} differs"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_typing_in_generated_file(seed: int) -> None:
    _typing(_generate(300, seed), seed)


@pytest.mark.parametrize("name", TYPED)
def test_typing_in_fixture(name: str) -> None:
    _typing((ROOT / "tests/syntax/fixtures" / name).read_text(encoding="utf-8"), len(name))
