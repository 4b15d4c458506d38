"""Revision tokens: kept for what an edit did not touch, renewed for what it did."""

from __future__ import annotations

from pathlib import Path

from layerwise.model.analysis import analyze
from layerwise.model.context import BuildContext

LINES = [
    "ARG V=1",
    "FROM alpine AS base",          # stage 0
    "RUN echo base",
    "FROM base AS child",           # stage 1: built FROM base
    "RUN echo child",
    "FROM alpine AS tool",          # stage 2: unrelated to base
    "# a comment",
    "RUN echo tool",
    "FROM debian AS final",         # stage 3: copies from tool
    "COPY --from=tool /t /t",
    "RUN echo final",
]


def _edit(lines: list[str], line: int, text: str) -> list[str]:
    return [*lines[:line], text, *lines[line + 1:]]


def test_lineages_follow_from_edges_only() -> None:
    members = analyze("\n".join(LINES)).revision.members
    assert members == (frozenset({0, 1}), frozenset({0, 1}), frozenset({2}), frozenset({3}))


def test_typing_in_a_run_renews_its_stage_and_the_lineages_holding_it() -> None:
    before = analyze("\n".join(LINES))
    after = analyze("\n".join(_edit(LINES, 7, "RUN echo tools")), previous=before)
    old, new = before.revision, after.revision
    assert new.structure is old.structure
    assert [a is b for a, b in zip(old.stages, new.stages, strict=True)] == [
        True, True, False, True]
    assert [a is b for a, b in zip(old.lineages, new.lineages, strict=True)] == [
        True, True, False, True]
    typed = _edit(LINES, 7, "RUN echo tools")
    child = analyze("\n".join(_edit(typed, 2, "RUN echo based")), previous=after)
    assert [a is b for a, b in zip(new.lineages, child.revision.lineages, strict=True)] == [
        False, False, True, True]


def test_a_comment_edit_renews_its_stage() -> None:
    before = analyze("\n".join(LINES))
    after = analyze("\n".join(_edit(LINES, 6, "# another comment")), previous=before)
    assert [a is b for a, b in zip(before.revision.stages, after.revision.stages,
                                   strict=True)] == [True, True, False, True]


def test_an_unchanged_text_keeps_every_token() -> None:
    before = analyze("\n".join(LINES))
    assert analyze("\n".join(LINES), previous=before).revision is before.revision


def test_structural_edits_renew_everything() -> None:
    before = analyze("\n".join(LINES))
    for line, text in ((0, "ARG V=2"), (4, "ENV X=1"), (9, "COPY --from=base /t /t")):
        after = analyze("\n".join(_edit(LINES, line, text)), previous=before)
        assert after.revision.structure is not before.revision.structure
        assert not any(a is b for a, b in zip(before.revision.lineages,
                                              after.revision.lineages, strict=True))


def test_a_new_build_context_renews_the_structure(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("\n".join(LINES))
    before = analyze("\n".join(LINES), path, BuildContext.for_dockerfile(path, None))
    after = analyze("\n".join(LINES), path, BuildContext.for_dockerfile(path, None),
                    previous=before)
    assert after.revision.structure is not before.revision.structure
