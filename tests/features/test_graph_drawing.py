"""The box-drawing picture of the stage graph."""

from __future__ import annotations

import textwrap

import pytest

from layerwise.features.graph_drawing import draw_graph, drawing_width


def picture(text: str) -> str:
    """A dedented expected drawing."""
    return textwrap.dedent(text).strip("\n")


def test_chain_keeps_one_lane() -> None:
    assert draw_graph(["base", "app"], [[], [0]], [[0], [1]]) == picture("""
        ┌──────┐
        │ base │
        └─┬────┘
          ▼
        ┌─────┐
        │ app │
        └─────┘
    """)


def test_fan_out_and_fan_in_with_highlight() -> None:
    drawing = draw_graph(["base", "deps", "assets", "build", "app"],
                         [[], [0], [0], [1, 2], [3]], [[0], [1, 2], [3], [4]], 3)
    assert drawing == picture("""
        ┌──────┐
        │ base │
        └─┬────┘
          ├───────────┐
          ▼           ▼
        ┌──────┐    ┌────────┐
        │ deps │    │ assets │
        └─┬────┘    └─┬──────┘
          ├───────────┘
          ▼
        ╔═══════╗
        ║ build ║
        ╚═╤═════╝
          ▼
        ┌─────┐
        │ app │
        └─────┘
    """)


def test_lines_that_only_cross_have_no_junction() -> None:
    drawing = draw_graph(["a", "b", "c", "d", "e", "f"],
                         [[], [], [0, 1], [0], [2, 3, 1], [0]],
                         [[0, 1], [2, 3, 5], [4]])
    assert drawing == picture("""
        ┌───┐   ┌───┐
        │ a │   │ b │
        └─┬─┘   └─┬─┘
          ├───────│───────┬───────┐
          │       ├───────┤       │
          ▼       │       ▼       ▼
        ┌───┐     │     ┌───┐   ┌───┐
        │ d │     │     │ c │   │ f │
        └─┬─┘     │     └─┬─┘   └───┘
          └───────┴───────┤
                          ▼
                        ┌───┐
                        │ e │
                        └───┘
    """)


def test_sources_ending_in_one_stage_share_a_row() -> None:
    drawing = draw_graph(["base", "x", "y", "final"], [[], [0], [0], [0, 1, 2]],
                         [[0], [1, 2], [3]])
    assert drawing.splitlines()[8] == "  ├───────────┴───────┘"


def test_edges_against_the_waves_are_left_out() -> None:
    drawing = draw_graph(["a", "b"], [[1], [0]], [[0, 1]])
    assert drawing == picture("""
        ┌───┐   ┌───┐
        │ a │   │ b │
        └───┘   └───┘
    """)


def test_empty_graph() -> None:
    assert draw_graph([], [], []) == ""


@pytest.mark.parametrize(("labels", "deps", "waves"), [
    (["base", "app"], [[], [0]], [[0], [1]]),
    (["base", "x", "y", "final"], [[], [0], [0], [0, 1, 2]], [[0], [1, 2], [3]]),
    (["a-long-stage-name", "b", "c"], [[], [], [0, 1]], [[0, 1], [2]]),
])
def test_drawing_width_is_the_widest_line(labels: list[str], deps: list[list[int]],
                                          waves: list[list[int]]) -> None:
    """The hover decides from the width whether to draw at all."""
    lines = draw_graph(labels, deps, waves).split("\n")
    assert drawing_width(labels, deps, waves) == max(map(len, lines))
