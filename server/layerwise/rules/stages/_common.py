"""Facts about stages and stage references that several LW1xx rules share.

Everything here reads the analysis; nothing re-parses the document.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

from ...memo import IdentityMemo
from ...model.analysis import Analysis
from ...model.stages import Stage, StageRef
from ...model.variables import references
from ...syntax.nodes import Blank, Comment, Instruction, Node
from ...syntax.span import Position, Span, TextEdit

T = TypeVar("T")

#: Characters that make a ``--from``/``FROM`` value an image reference rather than a bare name.
IMAGE_MARKERS = frozenset("/:@.")

#: Popular Docker Official Images: a bare ``FROM node`` or ``--from=nginx`` means the image,
#: never a misspelt stage, however close it is to a stage name.
OFFICIAL_IMAGES = frozenset({
    "adminer", "alpine", "almalinux", "amazoncorretto", "amazonlinux", "archlinux", "bash",
    "buildpack-deps", "busybox", "caddy", "cassandra", "centos", "clearlinux", "clojure",
    "composer", "consul", "couchdb", "dart", "debian", "docker", "drupal", "eclipse-mosquitto",
    "eclipse-temurin", "elasticsearch", "elixir", "erlang", "fedora", "flink", "fluentd", "gcc",
    "ghost", "golang", "gradle", "grafana", "groovy", "haproxy", "haskell", "hello-world",
    "httpd", "ibmjava", "influxdb", "jenkins", "jetty", "joomla", "julia", "kibana", "kong",
    "liquibase", "logstash", "mariadb", "maven", "mediawiki", "memcached", "mongo",
    "mongo-express", "mono", "mysql", "nats", "neo4j", "nextcloud", "nginx", "node", "odoo",
    "openjdk", "oraclelinux", "percona", "perl", "photon", "php", "phpmyadmin", "postgres",
    "pypy", "python", "r-base", "rabbitmq", "redis", "redmine", "registry", "rockylinux", "ros",
    "ruby", "rust", "sapmachine", "solr", "sonarqube", "spark", "swift", "telegraf", "tomcat",
    "tomee", "traefik", "ubuntu", "unit", "varnish", "vault", "wordpress", "zookeeper",
})


def is_bare_name(text: str) -> bool:
    """Tell whether a reference is a bare word: no registry, path, tag, digest or dot."""
    return bool(text) and not IMAGE_MARKERS.intersection(text)


def has_variable(text: str) -> bool:
    """Tell whether a reference depends on build variables."""
    return "$" in text


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, swaps."""
    if a == b:
        return 0
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _allowed_distance(name: str) -> int:
    """How many edits still count as a typo: none below 3 letters, 1 up to 5, else 2."""
    if len(name) < 3:
        return 0
    return 1 if len(name) <= 5 else 2


def near_miss(name: str, candidates: Iterable[str]) -> str | None:
    """The stage name ``name`` most likely misspells (distance ≤ 2), if any."""
    if name in OFFICIAL_IMAGES or not name:
        return None
    best: tuple[int, str] | None = None
    for candidate in candidates:
        if candidate == name:
            continue
        limit = min(_allowed_distance(name), _allowed_distance(candidate))
        distance = edit_distance(name, candidate)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None


def display_line(line: int) -> int:
    """A 0-based line as people count it."""
    return line + 1


_INSTRUCTIONS: tuple[object, tuple[Instruction, ...]] = (None, ())


def instructions_of(analysis: Analysis) -> tuple[Instruction, ...]:
    """The analysis's instructions, computed once per document.

    ``Analysis.instructions`` rebuilds the tuple from the syntax nodes on every access, which
    turns per-instruction loops quadratic; this keeps the last document's tuple.
    """
    global _INSTRUCTIONS
    cached = _INSTRUCTIONS
    if cached[0] is analysis.dockerfile:
        return cached[1]
    instructions = analysis.instructions
    _INSTRUCTIONS = (analysis.dockerfile, instructions)
    return instructions


def from_instruction(analysis: Analysis, stage: Stage) -> Instruction:
    """The ``FROM`` instruction that opens a stage."""
    return instructions_of(analysis)[stage.from_index]


def stage_anchor(analysis: Analysis, stage: Stage) -> Span:
    """Where to point at a stage: its name, or the ``FROM`` keyword of an unnamed stage."""
    if stage.name_token is not None:
        return stage.name_token.span
    return from_instruction(analysis, stage).keyword.span


def stage_title(stage: Stage) -> str:
    """``stage 'builder'`` for named stages, ``stage 2`` for unnamed ones."""
    return f"stage '{stage.name}'" if stage.name else f"stage {stage.index}"


def match_case(word: str, like: str) -> str:
    """``word`` in the case of ``like`` (lower if ``like`` is all lower, else upper)."""
    return word.lower() if like == like.lower() else word.upper()


def line_ending(analysis: Analysis, line: int) -> str:
    """The line ending a line uses (``\\r\\n`` or ``\\n``)."""
    lines = analysis.dockerfile.lines
    if 0 <= line < len(lines) and lines[line].endswith("\r\n"):
        return "\r\n"
    return "\n"


def ref_is_editable(ref: StageRef) -> bool:
    """Tell whether replacing the reference's span with a new name is an exact edit."""
    span = ref.span
    if span.start.line != span.end.line or has_variable(ref.text):
        return False
    return ref.kind != "mount" or span.end.col - span.start.col == len(ref.text)


def stage_block(analysis: Analysis, stage: Stage) -> tuple[int, int]:
    """The lines a stage owns for moving or removing it, as ``(first, last)`` inclusive.

    That is the comment lines directly above its ``FROM``, its instructions, and the blank
    lines that follow it.
    """
    nodes = analysis.dockerfile.nodes
    first = stage.start_line
    last = stage.end_line
    k = bisect_left(nodes, first, key=_start) - 1
    while k >= 0 and isinstance(nodes[k], Comment) and nodes[k].end_line == first - 1:
        first = nodes[k].start_line
        k -= 1
    k = bisect_right(nodes, last, key=_start)
    while k < len(nodes) and isinstance(nodes[k], Blank):
        last = nodes[k].end_line
        k += 1
    return first, last


def _start(node: Node) -> int:
    return node.start_line


def block_text(analysis: Analysis, first: int, last: int) -> str:
    """The exact source text of lines ``first..last``."""
    return "".join(analysis.dockerfile.lines[first: last + 1])


def whole_lines(first: int, last: int) -> Span:
    """A span covering lines ``first..last`` and their line endings."""
    return Span(Position(first, 0), Position(last + 1, 0))


def move_stage_edits(analysis: Analysis, moved: Stage,
                     before: Stage) -> tuple[TextEdit, ...] | None:
    """Edits that move stage ``moved`` above stage ``before``, or None when that is not exact.

    The move is refused when it would change what the file builds or how it resolves: the
    moved stage is the last one (the default target), numeric references exist (indexes
    shift), or the moved stage needs a stage that would then come after it.
    """
    stages = analysis.stages
    if moved.index <= before.index or moved.index == len(stages) - 1:
        return None
    if any(ref.resolution in ("index", "bad-index") for ref in analysis.refs):
        return None
    if any(dep >= before.index and dep != moved.index for dep in analysis.graph.deps[moved.index]):
        return None
    first, last = stage_block(analysis, moved)
    lines = analysis.dockerfile.lines
    if last + 1 >= len(lines) and not lines[last].endswith("\n"):
        return None
    target_first, _ = stage_block(analysis, before)
    text = block_text(analysis, first, last)
    insert = Position(target_first, 0)
    return (TextEdit(Span(insert, insert), text), TextEdit(whole_lines(first, last), ""))


@lru_cache(maxsize=1024)
def name_pattern(text: str) -> re.Pattern[str] | None:
    """A pattern for the stage names a reference with variables may expand to.

    ``exit-${ARCH}`` becomes ``exit-.*``: every stage it can select counts as used.
    """
    refs = references(text)
    if not refs:
        return None
    parts: list[str] = []
    pos = 0
    for ref in refs:
        parts.append(re.escape(text[pos:ref.start].lower()))
        parts.append(".*")
        pos = ref.end
    parts.append(re.escape(text[pos:].lower()))
    return re.compile("".join(parts))


def used_stages(analysis: Analysis) -> frozenset[int]:
    """The stages that references from other stages name (resolved or selected by variables).

    A ``FROM x`` written above stage ``x`` counts too: the author means the stage (LW102
    reports that it resolves to an image).
    """
    return by_structure(analysis, "used-stages", _used_stages)


def by_structure(analysis: Analysis, key: Hashable, compute: Callable[..., T], *args: Any,
                 also: tuple[object, ...] = ()) -> T:
    """``compute(analysis, *args)``, reused while the structure holds (the revision's structure
    token) and the objects ``also`` (more revision tokens) are the same: for values made of
    stages, references, scopes and the graph, and of the parts ``also`` stands for."""
    return _STRUCTURAL.get(analysis.revision.structure, key, compute, analysis, *args,
                           also=also)


#: Per structure token and key: :func:`by_structure`.
_STRUCTURAL: IdentityMemo[Any] = IdentityMemo(256)


def _used_stages(analysis: Analysis) -> frozenset[int]:
    """Compute :func:`used_stages` in one pass over the references."""
    used: set[int] = set()
    named: dict[str, list[int]] = {}
    for stage in analysis.stages:
        if stage.name:
            named.setdefault(stage.name, []).append(stage.index)
    for ref in analysis.refs:
        if ref.target is not None and ref.target != ref.stage:
            used.add(ref.target)
        if ref.resolution == "image":
            used.update(i for i in named.get(ref.name, ()) if i != ref.stage)
        if ref.kind != "copy" and has_variable(ref.text):
            pattern = name_pattern(ref.text)
            if pattern is None:
                continue
            used.update(stage.index for stage in analysis.stages
                        if stage.name and stage.index != ref.stage
                        and (ref.kind != "from" or stage.index < ref.stage)
                        and pattern.fullmatch(stage.name))
    return frozenset(used)


def later_stage_named(analysis: Analysis, name: str, after: int) -> Stage | None:
    """The first stage called ``name`` that comes after stage index ``after``."""
    return next((s for s in analysis.stages if s.index > after and s.name == name), None)
