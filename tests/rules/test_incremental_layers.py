"""Memoised size (LW2xx) and stage (LW1xx) findings after edits that reach across stages.

Each edit keeps the structure (only inert instructions or comments change), so the findings
of untouched stages come from the memo: they must still equal a from-scratch run.
"""

from __future__ import annotations

import pytest

from layerwise.model.analysis import Analysis, analyze
from layerwise.rules import incremental
from layerwise.rules.base import Finding
from layerwise.rules.registry import ALL_RULES
from layerwise.rules.run import run_rules

from .test_incremental import _fresh

_RULES = {rule.id: rule for rule in ALL_RULES}

#: A RUN whose download stays in its layer (LW203) unless a later layer removes it (LW201).
_LINEAGE = """\
FROM alpine:3.20 AS base
RUN wget https://example.com/tool.tgz -O /tmp/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt
FROM base
RUN echo done
"""

#: The install's manifest, relative to the context copy, depends on the working directory
#: that the stage inherits from ``base`` (its lineage).
_WORKDIR = """\
FROM python:3.12-slim AS base
WORKDIR /app
FROM base
COPY . .
RUN pip install -r /app/requirements.txt
"""

#: Whether the apk cache of ``build`` ships depends on where ``mid`` (an artifact stage that
#: copies from ``build``, outside its lineage) lands the copy: its working directory.
_REGIONS = """\
FROM alpine:3.20 AS build
RUN apk add curl
FROM alpine:3.20 AS mid
WORKDIR /
COPY --from=build /var/cache ./cache-copy
FROM alpine:3.20
COPY --from=mid /out /out
"""

#: A download of an artifact stage is the image's payload when the image's CMD names it.
_PAYLOAD = """\
FROM alpine:3.20 AS build
RUN wget https://example.com/tool.tgz -O /out/tool.tgz && tar -xzf /out/tool.tgz -C /out
FROM alpine:3.20
COPY --from=build /out /out
CMD ["/usr/bin/other"]
"""

#: An unused stage: its fix removes the comment above its FROM (a node of the stage before).
_UNUSED = """\
FROM alpine:3.20 AS base
RUN echo base
# tools used by CI
FROM alpine:3.20 AS tools
RUN echo tools

FROM base
RUN echo app
"""

#: ``FROM later`` above stage ``later`` (an image, so ``later`` is not in ``app``'s lineage):
#: the fix moves ``later``'s text above ``app``.
_FORWARD = """\
FROM alpine:3.20 AS one
RUN echo one
FROM later AS app
RUN echo app
FROM alpine:3.20 AS later
RUN echo later
FROM app
"""

_CASES = [
    # a later removal in a stage built FROM the RUN's stage (its lineage)
    ("lineage", _LINEAGE, "RUN echo done", "RUN rm -f /tmp/tool.tgz", "LW203", "LW201"),
    # an earlier layer of the stage a later removal's stage is built FROM (its lineage)
    ("producer", _LINEAGE.replace("RUN echo done", "RUN rm -f /tmp/tool.tgz"),
     "-O /tmp/tool.tgz && tar -xzf /tmp/tool.tgz", "-O /tmp/tool.tar && tar -xf /tmp/tool.tar",
     "LW201", "LW203"),
    # the working directory inherited from the stage built upon (its lineage)
    ("workdir", _WORKDIR, "WORKDIR /app", "WORKDIR /srv", "LW212", "LW212"),
    # the working directory of a stage that copies from an artifact stage (memo context)
    ("regions", _REGIONS, "WORKDIR /\n", "WORKDIR /out\n", None, "LW206"),
    # the image's CMD, outside an artifact stage's lineage (memo context)
    ("payload", _PAYLOAD, "/usr/bin/other", "/usr/bin/tool.tgz", "LW203", None),
    # a comment above an unused stage's FROM becomes a blank line
    ("comment", _UNUSED, "# tools used by CI", "", "LW106", "LW106"),
    # the text of the stage a fix moves
    ("moved", _FORWARD, "RUN echo later", "RUN echo sooner", "LW102", "LW102"),
]


def _ids(text: str) -> set[str]:
    return {f.rule_id for f in run_rules(analyze(text))}


@pytest.mark.parametrize(("name", "text", "old", "new", "before", "after"), _CASES,
                         ids=[case[0] for case in _CASES])
def test_edit_in_one_stage_updates_another(name: str, text: str, old: str, new: str,
                                           before: str | None, after: str | None) -> None:
    """The edit keeps the structure, changes a finding of another stage (or its fix), and
    the memoised findings follow it, there and back."""
    edited = text.replace(old, new)
    assert edited != text
    if before is not None:
        assert before in _ids(text)
    if after is not None:
        assert after in _ids(edited)
    assert _fresh(text) != _fresh(edited)
    original = analyze(text)
    run_rules(original)
    analysis = analyze(edited, previous=original)
    assert analysis.revision.structure is original.revision.structure
    assert repr(run_rules(analysis)) == _fresh(edited)
    back = analyze(text, previous=analysis)
    assert repr(run_rules(back)) == _fresh(text)


_OURS = [rule for rule in ALL_RULES if incremental.is_memoised(rule) and rule.id < "LW3"]


#: Edits of the structure: every token is new.
_STRUCTURAL = [
    # the stage's ARG no longer declares the global ARG a RUN uses (LW109)
    ("arg", "ARG VERSION=1\nFROM alpine:3.20\nARG VERSION\nRUN echo $VERSION\n",
     "ARG VERSION\nRUN", "ARG OTHER\nRUN"),
]
_EDITS = [case[:4] for case in _CASES] + _STRUCTURAL


@pytest.mark.parametrize("rule", _OURS, ids=[rule.id for rule in _OURS])
@pytest.mark.parametrize(("name", "text", "old", "new"), _EDITS,
                         ids=[case[0] for case in _EDITS])
def test_each_rule_alone_follows_the_edit(rule: incremental.Memoised, name: str, text: str,
                                          old: str, new: str) -> None:
    """Memoised on its own (no other rule's reads or context to hide what it leaves out),
    each rule gives what its full check gives after the edit and back."""
    _fresh(text)
    previous = analyze(text)
    for version in (text.replace(old, new), text):
        assert incremental.memoised_findings([rule], previous) == {
            rule.id: list(rule.check(previous))}
        previous = analyze(version, previous=previous)
    assert incremental.memoised_findings([rule], previous) == {rule.id: list(rule.check(previous))}


#: Stage ``one`` is the image's base, stage ``two`` an artifact stage the image copies from:
#: neither is in the other's lineage. Both have LW203 (download kept) and LW109 (global ARG
#: unset) findings; ``one`` also LW206 (apk cache).
_SIBLINGS = """\
ARG VERSION=1
FROM alpine:3.20 AS one
RUN apk add curl && wget https://x.io/a.tgz -O /tmp/a.tgz && tar -xzf /tmp/a.tgz && echo $VERSION
FROM alpine:3.20 AS two
RUN apk add curl && wget https://x.io/b.tgz -O /tmp/b.tgz && tar -xzf /tmp/b.tgz && echo $VERSION
FROM one
COPY --from=two /tmp/b.tgz /b.tgz
"""


def _memoised(analysis: Analysis) -> dict[str, list[Finding]]:
    rules = [rule for rule in ALL_RULES if incremental.is_memoised(rule)]
    return incremental.memoised_findings(rules, analysis)


def test_edit_in_one_stage_reuses_the_others() -> None:
    """Typing in stage ``two`` re-checks its lineage only: the findings of stage ``one`` are
    the very objects of the previous run, and ``two``'s are found again."""
    _fresh(_SIBLINGS)
    original = analyze(_SIBLINGS)
    before = _memoised(original)
    edited = _SIBLINGS.replace("b.tgz && echo", "b.tgz && echo x")
    analysis = analyze(edited, previous=original)
    after = _memoised(analysis)
    assert repr(run_rules(analysis)) == _fresh(edited)
    for rule in ("LW109", "LW203", "LW206"):
        assert incremental.is_memoised(_RULES[rule])
        kept = [f for f in before[rule] if f.span.start.line == 2]
        assert kept, rule
        assert all(any(f is g for g in after[rule]) for f in kept), rule
    for rule in ("LW109", "LW203"):
        redone = [f for f in after[rule] if f.span.start.line == 4]
        assert redone, rule
        assert not any(f is g for f in redone for g in before[rule]), rule
