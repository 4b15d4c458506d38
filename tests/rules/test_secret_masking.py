"""Masking: no output of a secret rule shows a secret value in full.

The sweep runs every rule over every secret fixture of the LW3xx tests and looks for the
raw secret values (and any 7-character piece of them) in messages, related messages, data
and fix titles: the mask shows at most 4 leading and 2 trailing characters.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import pytest

from layerwise.model.analysis import Analysis, analyze
from layerwise.rules.base import Finding, Rule
from layerwise.rules.registry import ALL_RULES
from layerwise.rules.secrets import RULES as SECRET_RULES
from layerwise.rules.secrets.masking import ELLIPSIS, mask

from . import (
    test_lw302_hardcoded_secret_value as lw302,
)
from . import (
    test_lw303_default_credential as lw303,
)
from . import (
    test_lw304_credential_in_command as lw304,
)
from . import (
    test_lw305_credential_file_in_image as lw305,
)
from . import (
    test_lw307_secret_deleted_in_later_layer as lw307,
)
from .test_secret_detector import PROVIDER_SAMPLES, generic_value, private_key_header

# --------------------------------------------------------------------------- mask()


def test_long_values_show_four_and_two() -> None:
    """The catalog's form: ``lgNv…Ji``."""
    value = generic_value(91)
    assert mask(value) == value[:4] + ELLIPSIS + value[-2:]


@pytest.mark.parametrize("length", range(60))
def test_never_more_than_half_and_never_whole(length: int) -> None:
    """However short, a masked value hides more than half of it."""
    value = (generic_value(92) * 3)[:length]
    shown = mask(value)
    revealed = len(shown) - len(ELLIPSIS)
    assert revealed <= 6
    assert revealed * 2 < max(length, 1)
    if length:
        assert value not in shown or length == 0


def test_short_values() -> None:
    """Defaults such as ``admin`` keep only a letter."""
    assert mask("admin") == "a…"
    assert mask("fsociety") == "fs…y"
    assert mask("abc") == ELLIPSIS
    assert mask("") == ELLIPSIS


# --------------------------------------------------------------------------- sweep

def _provider_fixtures() -> dict[str, str]:
    out: dict[str, str] = {}
    for provider, value in PROVIDER_SAMPLES:
        out[f"provider-{provider}"] = f"""
            FROM alpine:3.20
            ENV TOKEN_{provider.upper().replace("-", "_")}={value}
            LABEL sample="{value}"
            RUN export X="{value}" && curl -H "Authorization: Bearer {value}" https://x/
            COPY <<EOF /root/.config/app.conf
            token = {value}
            EOF
            """
    return out


FIXTURES: dict[str, str] = {
    **{f"lw302-{k}": v for k, v in lw302.FIRES.items()},
    **{f"lw304-{k}": v for k, v in lw304.FIRES.items()},
    **{f"lw305-{k}": v for k, v in lw305.FIRES.items()},
    **{f"lw307-{k}": v for k, v in lw307.FIRES.items()},
    **{f"lw303-{k}": v for k, v in lw303.FIRES.items()},
    **_provider_fixtures(),
}
#: Raw values that must never appear; defaults are checked whole (they are short words).
SECRETS: list[str] = [*lw302.RAW, *lw304.RAW, lw305.VALUE, *lw307.RAW,
                      *(v for p, v in PROVIDER_SAMPLES if p != "private-key")]
DEFAULTS = ["fsociety", "changeme", "secret123"]


def _texts(finding: Finding, edits: bool = True) -> Iterator[str]:
    """Everything a finding shows; ``edits`` adds the text its fix writes into the file."""
    yield finding.message
    for related in finding.related:
        yield related.message
    yield from finding.data.values()
    if finding.fix is not None:
        yield finding.fix.title
        if edits:
            for edit in finding.fix.edits:
                yield edit.new_text


def _pieces(secret: str, width: int = 7) -> set[str]:
    return {secret[i:i + width] for i in range(len(secret) - width + 1)}


def _findings(rule: Rule, analysis: Analysis, tolerant: bool) -> list[Finding]:
    """A rule's findings; with ``tolerant``, a crash of another family's rule is not this
    test's business (their own tests catch it)."""
    if not tolerant:
        return list(rule.check(analysis))
    try:
        return list(rule.check(analysis))
    except Exception:  # noqa: BLE001
        return []


def _check(rules: tuple[Rule, ...], key: str, tolerant: bool = False,
           edits: bool = True) -> list[str]:
    text = textwrap.dedent(FIXTURES[key]).lstrip("\n")
    analysis = analyze(text)
    problems: list[str] = []
    present = [s for s in SECRETS if s in text]
    defaults = [d for d in DEFAULTS if d in text]
    for rule in rules:
        for finding in _findings(rule, analysis, tolerant):
            for out in _texts(finding, edits):
                for secret in present:
                    leaked = [p for p in _pieces(secret) if p in out]
                    if leaked:
                        problems.append(f"{finding.rule_id} shows {leaked[0]!r}: {out}")
                for word in defaults:
                    if word in out:
                        problems.append(f"{finding.rule_id} shows {word!r}: {out}")
    return problems


def test_fixtures_hold_secrets() -> None:
    """The sweep is meaningful: most fixtures contain a raw secret or a default."""
    holding = [k for k, v in FIXTURES.items()
               if any(s in textwrap.dedent(v) for s in SECRETS + DEFAULTS)]
    assert len(holding) >= len(FIXTURES) // 2


@pytest.mark.parametrize("key", FIXTURES)
def test_secret_rules_never_show_a_secret(key: str) -> None:
    """Messages, related messages, data, fix titles and fix texts of LW3xx rules."""
    assert _check(SECRET_RULES, key) == []


@pytest.mark.parametrize("key", FIXTURES)
def test_no_rule_shows_a_secret(key: str) -> None:
    """Every registered rule's messages, data and fix titles; fixes of other families may
    rewrite the user's own text (``ENV K v`` to ``ENV K=v``), which shows nothing new."""
    assert _check(ALL_RULES, key, tolerant=True, edits=False) == []


def test_private_key_header_is_not_echoed() -> None:
    """Even the header line of a key block is masked."""
    header = private_key_header()
    analysis = analyze(f"FROM alpine:3.20\nRUN echo '{header}' > /k\n")
    for rule in SECRET_RULES:
        for finding in rule.check(analysis):
            assert header not in finding.message
