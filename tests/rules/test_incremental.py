"""Memoised (incremental) rule findings equal a from-scratch run, also while typing."""

from __future__ import annotations

import gc
import importlib.util
import random
import re
from pathlib import Path

import pytest

from layerwise import memo
from layerwise.model.analysis import analyze
from layerwise.rules import incremental
from layerwise.rules.base import InstructionRule
from layerwise.rules.registry import ALL_RULES
from layerwise.rules.run import run_rules
from layerwise.rules.secrets import detector as secret_detector
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
    """Findings with every cross-version cache emptied first; the memos are put back after, so
    the next incremental step still reuses what the last one left."""
    with memo.set_aside():
        parser._head.cache_clear()
        secret_detector._provider_matches.cache_clear()
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


def _line_ends(text: str) -> list[int]:
    """The offset of every line end (where typing lengthens the last word of a line)."""
    return [k for k, ch in enumerate(text) if ch == "\n"]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_typing_at_line_ends(path: Path) -> None:
    """A character typed at the end of any line, then removed, checked against a fresh run;
    the memoised findings of other stages must never go stale."""
    text = path.read_text(encoding="utf-8", errors="replace")
    rng = random.Random(path.name)
    ends = _line_ends(text)
    previous = analyze(text)
    run_rules(previous)
    for at in sorted(rng.sample(ends, min(12, len(ends)))):
        for edited in (text[:at] + rng.choice(_ALPHABET[:3] + ("1", "/", ".")) + text[at:],
                       text):
            previous = analyze(edited, previous=previous)
            assert repr(run_rules(previous)) == _fresh(edited), f"typing at {at} differs"


@pytest.mark.parametrize("name", TYPED)
def test_typing_in_fixture(name: str) -> None:
    _typing((ROOT / "tests/syntax/fixtures" / name).read_text(encoding="utf-8"), len(name))


#: Words that start the commands and options rules look for (cleanups, downloads, caches,
#: secrets): deleting one, up to the next command, makes a finding appear or disappear.
_TRIGGERS = re.compile(r"(?<![\w/.-])(?:rm|curl|wget|tar|apt-get|apt|apk|pip|pip3|npm|yarn|dnf|yum|"
                       r"--no-cache|--no-install-recommends|--mount=\S*|-o|-O|clean|echo|cat|"
                       r"ssh-keygen|openssl|chmod|mkdir|git|useradd|COPY|ADD)(?![\w-])")


def _word_edits(text: str, rng: random.Random, count: int) -> list[str]:
    """Versions of ``text`` with one command cut out of a line, or a word copied into one, the
    line count unchanged: the edits that make rules fire or stop firing in one stage."""
    lines = text.split("\n")
    cuts = [(k, m.start()) for k, line in enumerate(lines) for m in _TRIGGERS.finditer(line)
            if m.start() > 0]
    words = [w for line in lines for w in line.split() if w not in ("\\", "`")]
    out = []
    for (k, at) in rng.sample(cuts, min(count, len(cuts))):
        line = lines[k]
        body_end = len(line.rstrip(" \\`\r"))
        stop = min((i for i in (line.find("&&", at + 1), line.find(";", at + 1),
                                line.find("|", at + 1)) if i > 0), default=body_end)
        out.append("\n".join([*lines[:k], line[:at] + line[min(stop, body_end):],
                              *lines[k + 1:]]))
    for _ in range(count // 2):
        k = rng.randrange(len(lines))
        line = lines[k]
        at = len(line.rstrip(" \\`\r"))
        if words and at:
            out.append("\n".join([*lines[:k], line[:at] + " " + rng.choice(words) + line[at:],
                                  *lines[k + 1:]]))
    return out


def _examples() -> list[str]:
    """The rules' documented examples (each fires or stays silent by design), six to a file:
    multi-stage documents where every rule has something to find."""
    blocks = [block for rule in ALL_RULES for block in
              re.findall(r"```dockerfile\n(.*?)```", type(rule).__doc__ or "", re.DOTALL)]
    return ["".join(blocks[k:k + 6]) for k in range(0, len(blocks), 6)]


_DOCUMENTS = [(p.name, p.read_text(encoding="utf-8", errors="replace")) for p in FIXTURES] + [
    (f"examples-{k}", text) for k, text in enumerate(_examples())] + [
    # many stages built FROM each other and copied from each other
    (f"generated-{seed}", _generate(300, seed)) for seed in (1, 2, 3)]


@pytest.mark.parametrize(("name", "text"), _DOCUMENTS, ids=[name for name, _ in _DOCUMENTS])
def test_word_edits_match_fresh_run(name: str, text: str) -> None:
    """A command cut from one line or a word added to one (a rule's trigger appears or
    disappears in one stage), analysed from the original as the server does, against a fresh
    run."""
    original = analyze(text)
    run_rules(original)
    for n, edited in enumerate(_word_edits(text, random.Random(name), 12)):
        analysis = analyze(edited, previous=original)
        assert repr(run_rules(analysis)) == _fresh(edited), f"edit {n} differs:\n{edited}"
        run_rules(analyze(text, previous=analysis))


def test_reanalysis_leaves_no_reference_cycles() -> None:
    """Old versions are freed by reference counting: cyclic garbage would pile up between the
    rare full collections of the tuned collector (``runtime.tune_gc``), a leak in practice."""
    text = _generate(300, 1)
    marker = "RUN echo typing here"
    previous = analyze(text)
    run_rules(previous)
    gc.collect()
    gc.disable()
    try:
        for n in range(10):
            previous = analyze(text.replace(marker, marker + "x" * (n + 1)), previous=previous)
            run_rules(previous)
        assert gc.collect() == 0
    finally:
        gc.enable()
