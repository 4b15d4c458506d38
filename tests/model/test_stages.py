"""Stages, references and the graph, resolved as BuildKit does."""

from __future__ import annotations

import textwrap

from layerwise.model.analysis import analyze
from layerwise.syntax.span import Span

BUILD = """\
    ARG GO=1.22
    FROM golang:${GO} AS Build
    RUN go build -o /app
    FROM build AS test
    RUN go test
    FROM alpine AS tools
    RUN apk add curl
    FROM scratch
    COPY --from=build /app /app
    COPY --from=tools /usr/bin/curl /curl
    RUN --mount=type=bind,from=build,target=/x true
    COPY --from=nginx:1 /etc/nginx /n
    COPY --from=1 /x /y
    COPY --from=9 /x /y
    """


def test_stage_names_bases_and_global_arg_expansion() -> None:
    a = analyze(textwrap.dedent(BUILD))
    assert [(s.name, s.base, s.base_stage) for s in a.stages] == [
        ("build", "golang:1.22", None), ("test", "build", 0), ("tools", "alpine", None),
        (None, "scratch", None)]


def test_reference_resolution_and_ranges() -> None:
    a = analyze(textwrap.dedent(BUILD))
    refs = [(r.kind, r.text, r.resolution, r.target) for r in a.refs]
    assert refs == [
        ("from", "golang:${GO}", "image", None), ("from", "build", "stage", 0),
        ("from", "alpine", "image", None), ("from", "scratch", "image", None),
        ("copy", "build", "stage", 0), ("copy", "tools", "stage", 2),
        ("mount", "build", "stage", 0), ("copy", "nginx:1", "image", None),
        ("copy", "1", "index", 1), ("copy", "9", "bad-index", None)]
    mount = next(r for r in a.refs if r.kind == "mount")
    assert mount.span == Span.of(10, 27, 10, 32)


def test_from_only_sees_earlier_stages_but_copy_from_sees_all() -> None:
    a = analyze("FROM later AS first\nCOPY --from=later /x /x\nFROM alpine AS later\n")
    assert a.stages[0].base_stage is None
    copy = next(r for r in a.refs if r.kind == "copy")
    assert (copy.resolution, copy.target) == ("stage", 1)


def test_graph_waves_critical_path_target_and_image_chain() -> None:
    a = analyze(textwrap.dedent(BUILD))
    g = a.graph
    assert g.deps == ((), (0,), (), (0, 1, 2))
    assert g.dependents == ((1, 3), (3,), (3,), ())
    assert g.waves == ((0, 2), (1,), (3,))
    assert g.critical_path == (0, 1, 3)
    assert g.target == 3 and g.reachable == frozenset({0, 1, 2, 3})
    assert g.image_chain == (3,)
    assert g.is_artifact(0) and not g.in_image(0)


def test_configured_target_changes_the_image_chain() -> None:
    a = analyze(textwrap.dedent(BUILD), target="test")
    assert a.graph.target == 1
    assert a.graph.image_chain == (1, 0)
    assert a.graph.reachable == frozenset({0, 1})


def test_buildkit_name_resolution_details() -> None:
    a = analyze("FROM alpine AS builder\nFROM Builder AS x\nFROM alpine AS dup\n"
                "FROM alpine AS dup\nFROM scratch\nCOPY --from=dup /a /a\n"
                "RUN --mount=from=0,target=/m true\n")
    assert a.stages[1].base_stage is None
    copy = next(r for r in a.refs if r.kind == "copy")
    assert copy.target == 3
    mount = next(r for r in a.refs if r.kind == "mount")
    assert mount.resolution == "image"


def test_cycles_are_found() -> None:
    a = analyze("FROM a AS x\nCOPY --from=z /a /a\nFROM a AS y\nCOPY --from=x /b /b\n"
                "FROM a AS z\nCOPY --from=y /c /c\nFROM a AS self\nCOPY --from=self /d /d\n")
    assert a.graph.cycles == ((0, 2, 1), (3,))
