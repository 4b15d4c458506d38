"""A box-drawing picture of the stage graph: one row of boxes per wave, arrows downwards.

Each stage sits in a lane (a column). A stage's connector leaves the bottom of its box and
runs down its lane; where it feeds a stage in another lane it turns along a connector row
above that stage's wave and drops into it with ``▼``. Lanes are reused only where that cannot
merge two unrelated lines, and lines that merely cross are drawn without a junction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

_UP, _DOWN, _LEFT, _RIGHT = 1, 2, 4, 8
_LINES = {
    _UP | _DOWN: "│", _LEFT | _RIGHT: "─", _DOWN | _RIGHT: "┌", _DOWN | _LEFT: "┐",
    _UP | _RIGHT: "└", _UP | _LEFT: "┘", _UP | _DOWN | _RIGHT: "├", _UP | _DOWN | _LEFT: "┤",
    _LEFT | _RIGHT | _DOWN: "┬", _LEFT | _RIGHT | _UP: "┴", _UP | _DOWN | _LEFT | _RIGHT: "┼",
    _UP: "│", _DOWN: "│", _LEFT: "─", _RIGHT: "─",
}
_GAP = 3
_TRUNK = 2
_Cell = tuple[int, int]


class _Layout(NamedTuple):
    """Where each stage goes: its wave (row) and lane, and where the lanes start."""

    row: dict[int, int]
    sources: list[list[int]]
    outs: list[list[int]]
    lane: dict[int, int]
    widths: dict[int, int]
    lane_x: list[int]

    @property
    def width(self) -> int:
        """The width of the drawing in columns."""
        return (self.lane_x[-1] + self.widths[len(self.lane_x) - 1]) if self.lane_x else 0


def _layout(labels: Sequence[str], deps: Sequence[Sequence[int]],
            waves: Sequence[Sequence[int]]) -> _Layout:
    """Place the stages in rows (waves) and lanes."""
    row = {s: r for r, wave in enumerate(waves) for s in wave}
    sources = [[d for d in deps[s] if d in row and row[d] < row[s]] if s in row else []
               for s in range(len(labels))]
    outs: list[list[int]] = [[] for _ in labels]
    for s, needed in enumerate(sources):
        for d in needed:
            outs[d].append(s)
    lane = _lanes(waves, row, sources, outs)
    widths: dict[int, int] = {}
    for s, ln in lane.items():
        widths[ln] = max(widths.get(ln, 0), len(labels[s]) + 4)
    lane_x = [0] * (max(widths, default=-1) + 1)
    for ln in range(1, len(lane_x)):
        lane_x[ln] = lane_x[ln - 1] + widths[ln - 1] + _GAP
    return _Layout(row, sources, outs, lane, widths, lane_x)


def drawing_width(labels: Sequence[str], deps: Sequence[Sequence[int]],
                  waves: Sequence[Sequence[int]]) -> int:
    """How many columns :func:`draw_graph` needs, without drawing."""
    return _layout(labels, deps, waves).width


def draw_graph(labels: Sequence[str], deps: Sequence[Sequence[int]],
               waves: Sequence[Sequence[int]], highlight: int | None = None) -> str:
    """Draw the stages (``deps[s]`` are the stages ``s`` needs); ``highlight`` gets a double box."""
    layout = _layout(labels, deps, waves)
    row, sources, outs, lane, _, lane_x = layout
    col = {s: lane_x[ln] + _TRUNK for s, ln in lane.items()}

    box_top: dict[int, int] = {}
    arrow_y: dict[int, int] = {}
    turn_y: dict[tuple[int, int], int] = {}
    y = 0
    for r, wave in enumerate(waves):
        if r > 0:
            rows = _pack(r, wave, sources, outs, row, col)
            for k, placed in enumerate(rows):
                for d in placed:
                    turn_y[(d, r)] = y + k
            y += len(rows)
            arrow_y[r] = y
            y += 1
        box_top[r] = y
        y += 3

    bits: dict[_Cell, int] = {}
    joints: set[_Cell] = set()
    for s, targets in enumerate(outs):
        if targets:
            ends = [arrow_y[row[t]] if col[t] == col[s] else turn_y[(s, row[t])]
                    for t in targets]
            _vline(bits, col[s], box_top[row[s]] + 2, max(ends))
    for (s, r), ty in turn_y.items():
        turned = [col[t] for t in outs[s] if row[t] == r and col[t] != col[s]]
        xs = [col[s], *turned]
        _hline(bits, ty, min(xs), max(xs))
        joints.add((col[s], ty))
        for x in turned:
            _vline(bits, x, ty, arrow_y[r])
            joints.add((x, ty))

    grid = [[" "] * layout.width for _ in range(y)]
    for (x, yy), b in bits.items():
        crossing = b == _UP | _DOWN | _LEFT | _RIGHT and (x, yy) not in joints
        grid[yy][x] = "│" if crossing else _LINES[b]
    for t, needed in enumerate(sources):
        if needed:
            grid[arrow_y[row[t]]][col[t]] = "▼"
    for s, ln in lane.items():
        _box(grid, lane_x[ln], box_top[row[s]], labels[s], bool(outs[s]), s == highlight)
    return "\n".join("".join(line).rstrip() for line in grid)


def _lanes(waves: Sequence[Sequence[int]], row: dict[int, int], sources: list[list[int]],
           outs: list[list[int]]) -> dict[int, int]:
    """Give each stage a lane, reusing a lane whose line ends in the stage's box."""
    last = [max((row[t] for t in targets), default=-1) for targets in outs]
    owner: list[int] = []
    lane: dict[int, int] = {}

    def free(ln: int, t: int, r: int) -> bool:
        o = owner[ln]
        if row[o] == r or last[o] > r:
            return False
        if last[o] < r:
            return True
        only_t = all(row[x] != r or x == t for x in outs[o])
        return t in outs[o] and (only_t or sources[t] == [o])

    for r, wave in enumerate(waves):
        for t in wave:
            preferred = [lane[d] for d in sources[t] if owner[lane[d]] == d]
            choice = next((ln for ln in preferred if free(ln, t, r)), None)
            if choice is None:
                choice = next((ln for ln in range(len(owner)) if free(ln, t, r)), len(owner))
            if choice == len(owner):
                owner.append(t)
            else:
                owner[choice] = t
            lane[t] = choice
    return lane


def _pack(r: int, wave: Sequence[int], sources: list[list[int]], outs: list[list[int]],
          row: dict[int, int], col: dict[int, int]) -> list[list[int]]:
    """Connector rows above wave ``r``, each listing the sources that turn on it.

    A source turns on its own span, except that sources whose line ends in one stage of this
    wave share one span into it. Spans on the same row never touch.
    """
    spans: dict[tuple[str, int], tuple[int, int, list[int]]] = {}
    for d in sorted({d for t in wave for d in sources[t]}, key=col.__getitem__):
        turned = [t for t in outs[d] if row[t] == r and col[t] != col[d]]
        if not turned:
            continue
        ending = [t for t in outs[d] if row[t] >= r]
        key = ("into", turned[0]) if ending == turned and len(turned) == 1 else ("from", d)
        xs = [col[d], *(col[t] for t in turned)]
        lo, hi, members = spans.get(key, (min(xs), max(xs), []))
        spans[key] = (min(lo, *xs), max(hi, *xs), [*members, d])
    rows: list[list[tuple[int, int, list[int]]]] = []
    for lo, hi, members in sorted(spans.values()):
        for placed in rows:
            if all(hi + 1 < a or b + 1 < lo for a, b, _ in placed):
                placed.append((lo, hi, members))
                break
        else:
            rows.append([(lo, hi, members)])
    return [[d for _, _, members in placed for d in members] for placed in rows]


def _vline(bits: dict[_Cell, int], x: int, y0: int, y1: int) -> None:
    """A vertical line from row ``y0`` down to row ``y1``."""
    for y in range(y0, y1 + 1):
        bits[(x, y)] = bits.get((x, y), 0) | (_UP if y > y0 else 0) | (_DOWN if y < y1 else 0)


def _hline(bits: dict[_Cell, int], y: int, x0: int, x1: int) -> None:
    """A horizontal line on row ``y`` from column ``x0`` to ``x1``."""
    for x in range(x0, x1 + 1):
        bits[(x, y)] = bits.get((x, y), 0) | (_LEFT if x > x0 else 0) | (_RIGHT if x < x1 else 0)


def _box(grid: list[list[str]], x: int, y: int, label: str, connector: bool,
         double: bool) -> None:
    """Draw a box around ``label`` with its top-left corner at ``(x, y)``."""
    h, v, corners, tee = ("═", "║", "╔╗╚╝", "╤") if double else ("─", "│", "┌┐└┘", "┬")
    inner = len(label) + 2
    top = corners[0] + h * inner + corners[1]
    middle = f"{v} {label} {v}"
    bottom = list(corners[2] + h * inner + corners[3])
    if connector:
        bottom[_TRUNK] = tee
    for dy, text in enumerate((top, middle, "".join(bottom))):
        grid[y + dy][x: x + len(text)] = list(text)
