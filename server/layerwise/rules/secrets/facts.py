"""What the secret rules share about one analysis: RUN scripts, mounts, working directories,
where a value ends up, and variable references.

Everything is read from the analysis (syntax nodes, scopes, graph) and the shell model; no
Dockerfile text is parsed again. Results are memoised per analysis, because all eight LW3xx
rules ask the same questions.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ...memo import IdentityMemo
from ...model.analysis import Analysis
from ...model.effects import Effects, script_effects
from ...model.scopes import Scope
from ...model.shell import Command, Script, Word, cached_script, script_language
from ...model.stages import Stage, from_chain
from ...record import record
from ...syntax.nodes import Flag, Heredoc, Instruction, LogicalLine
from ...syntax.span import Position, Span
from ..base import Severity

if TYPE_CHECKING:
    from .layers import Layer

#: Where secret mounts appear when no ``target`` is given.
SECRETS_DIR = "/run/secrets"


# --------------------------------------------------------------------------- severities

def lower(severity: Severity) -> Severity:
    """One step down, for findings whose value does not reach the image (never below Info)."""
    return {Severity.ERROR: Severity.WARNING,
            Severity.WARNING: Severity.INFORMATION}.get(severity, severity)


# --------------------------------------------------------------------------- mapped text

@record
class _Piece:
    start: int
    end: int
    to_position: Callable[[int], Position]  # offset within the piece -> source position


@record
class MappedText:
    """Text assembled from pieces of an instruction, each offset mapped back to the source."""

    text: str
    pieces: tuple[_Piece, ...]

    def position(self, offset: int) -> Position:
        """The source position of a text offset (clamped to the nearest piece)."""
        starts = [p.start for p in self.pieces]
        k = max(bisect_right(starts, offset) - 1, 0)
        piece = self.pieces[k]
        if offset >= piece.end and piece.end > piece.start:
            return _advance(piece.to_position(piece.end - piece.start - 1))
        return piece.to_position(max(offset - piece.start, 0))

    def span(self, start: int, end: int) -> Span:
        """The source span of ``text[start:end]``."""
        first = self.position(start)
        if end <= start:
            return Span(first, first)
        return Span(first, _advance(self.position(end - 1)))


def _advance(pos: Position) -> Position:
    return Position(pos.line, pos.col + 1)


def logical_offset(logical: LogicalLine, pos: Position) -> int | None:
    """The logical offset of a source position (inverse of ``LogicalLine.position``)."""
    segments = logical.segments
    for k, (offset, line, col) in enumerate(segments):
        length = (segments[k + 1][0] if k + 1 < len(segments) else len(logical.text)) - offset
        if line == pos.line and col <= pos.col <= col + length:
            return offset + pos.col - col
    return None


def _logical_piece(logical: LogicalLine, base: int, start: int, length: int) -> _Piece:
    return _Piece(start, start + length, lambda k: logical.position(base + k))


def _heredoc_piece(doc: Heredoc, start: int) -> _Piece:
    content = doc.content
    line_starts = [0] + [i + 1 for i, ch in enumerate(content) if ch == "\n"]
    first = doc.body.start

    def to_position(k: int) -> Position:
        row = bisect_right(line_starts, k) - 1
        col = k - line_starts[row]
        return Position(first.line + row, (first.col if row == 0 else 0) + col)

    return _Piece(start, start + len(content), to_position)


def heredoc_text(doc: Heredoc) -> MappedText:
    """A heredoc body as mapped text."""
    return MappedText(doc.content, (_heredoc_piece(doc, 0),))


def command_text(inst: Instruction) -> MappedText:
    """The instruction's argument text (after keyword and flags) as mapped text."""
    logical = inst.logical
    value = inst.args.value
    base = inst.args_offset
    if logical.text[base: base + len(value)] != value:
        found = logical_offset(logical, inst.args.span.start)
        if found is None or logical.text[found: found + len(value)] != value:
            found = logical.text.rfind(value) if value else -1
        base = found if found >= 0 else len(logical.text)
    return MappedText(value, (_logical_piece(logical, base, 0, len(value)),))


def only_heredocs(inst: Instruction) -> bool:
    """Tell whether a RUN's command line is nothing but heredoc markers (``RUN <<EOF``)."""
    parts = inst.args.value.split()
    return bool(inst.heredocs) and bool(parts) and all(
        p.lstrip("0123456789").startswith("<<") for p in parts)


def run_text(inst: Instruction) -> MappedText:
    """The shell script of a RUN: its command line followed by its heredocs, as the shell
    reads them; for ``RUN <<EOF`` the heredoc body itself."""
    if only_heredocs(inst) and len(inst.heredocs) == 1:
        return heredoc_text(inst.heredocs[0])
    head = command_text(inst)
    if not inst.heredocs:
        return head
    parts = [head.text]
    pieces = list(head.pieces)
    pos = len(head.text)
    parts.append("\n")
    pieces.append(_Piece(pos, pos + 1, _constant(pieces[-1])))
    pos += 1
    for doc in inst.heredocs:
        piece = _heredoc_piece(doc, pos)
        parts.append(doc.content)
        pieces.append(piece)
        pos += len(doc.content)
        tail = doc.name + "\n"
        parts.append(tail)
        end = doc.terminator or doc.body
        pieces.append(_Piece(pos, pos + len(tail), _fixed(end.start)))
        pos += len(tail)
    return MappedText("".join(parts), tuple(pieces))


def _fixed(at: Position) -> Callable[[int], Position]:
    return lambda k: at


def _constant(previous: _Piece) -> Callable[[int], Position]:
    last = max(previous.end - previous.start - 1, 0)
    return lambda k: _advance(previous.to_position(last))


# --------------------------------------------------------------------------- mounts

@record
class Mount:
    """One ``RUN --mount=…``."""

    type: str
    id: str | None
    target: str | None  # where a file appears (None for an env-only secret)
    env: str | None
    flag: Flag
    options: dict[str, tuple[str | None, Span]] = field(default_factory=dict)

    @property
    def span(self) -> Span:
        """The ``--mount=…`` flag."""
        return self.flag.span


def mounts(inst: Instruction) -> tuple[Mount, ...]:
    """The mounts of a RUN, with BuildKit's defaults for secret ids and targets."""
    out: list[Mount] = []
    for flag in inst.flags_named("mount"):
        options: dict[str, tuple[str | None, Span]] = {}
        for key, value, span in flag.options():
            options[key] = (value, span)
        kind = (options.get("type", ("bind", None))[0] or "bind").lower()
        target = options.get("target") or options.get("dst") or options.get("destination")
        target_value = target[0] if target else None
        ident = options.get("id", (None, None))[0]
        env = options.get("env", (None, None))[0]
        if kind == "secret":
            if not ident and target_value:
                ident = posixpath.basename(target_value.rstrip("/"))
            if not target_value and (env is None) and ident:
                target_value = f"{SECRETS_DIR}/{ident}"
        out.append(Mount(kind, ident, target_value, env, flag, options))
    return tuple(out)


# --------------------------------------------------------------------------- RUN facts

_SECRET_READ = re.compile(r"/run/secrets/")


@dataclass(frozen=True)
class RunFacts:
    """A RUN instruction seen by the secret rules."""

    index: int
    inst: Instruction
    stage: int
    cwd: str
    env: dict[str, str]
    mounts: tuple[Mount, ...]
    text: MappedText | None  # None for the JSON form
    language: str  # "sh", or the interpreter of a ``RUN <<EOF`` shebang

    @cached_property
    def script(self) -> Script | None:
        """The parsed shell script (None for JSON form and non-shell heredocs)."""
        if self.text is None or self.language != "sh":
            return None
        return cached_script(self.text.text)

    @cached_property
    def effects(self) -> Effects | None:
        """File effects of the script."""
        script = self.script
        return None if script is None else script_effects(script, self.cwd, self.env)

    @property
    def secret_mounts(self) -> tuple[Mount, ...]:
        """Mounts of type secret."""
        return tuple(m for m in self.mounts if m.type == "secret")

    @property
    def secret_envs(self) -> frozenset[str]:
        """Variables that secret mounts set (``env=NAME``)."""
        return frozenset(m.env for m in self.secret_mounts if m.env)

    @property
    def secret_paths(self) -> tuple[str, ...]:
        """Where secret files are mounted."""
        return tuple(m.target for m in self.secret_mounts if m.target)

    def mount_for_path(self, path: str) -> Mount | None:
        """The secret or ssh mount whose target holds ``path``."""
        for m in self.mounts:
            if m.type in ("secret", "ssh") and m.target and _under(path, m.target):
                return m
        return None

    def transient(self, path: str) -> bool:
        """Tell whether ``path`` lies on a mount (cache, tmpfs, bind, secret): not in the layer."""
        return any(m.target and _under(path, self.absolute(m.target)) for m in self.mounts)

    def absolute(self, path: str) -> str:
        """A path relative to the RUN's working directory made absolute."""
        return posixpath.normpath(posixpath.join(self.cwd, path))

    def reads_secret(self, text: str) -> bool:
        """Tell whether shell text reads a secret file (``$(cat /run/secrets/x)``)."""
        if _SECRET_READ.search(text):
            return True
        return any(p in text for p in self.secret_paths)

    def span(self, start: int, end: int) -> Span:
        """Source span of script offsets."""
        assert self.text is not None
        return self.text.span(start, end)

    def word_span(self, word: Word, start: int = 0, end: int | None = None) -> Span:
        """The span of a word, or of ``raw[start:end]`` when the word maps exactly."""
        if end is None or len(word.raw) != word.end - word.start:
            return self.span(word.start, word.end)
        return self.span(word.start + start, word.start + end)

    def commands(self) -> tuple[Command, ...]:
        """The script's commands (none for JSON form)."""
        script = self.script
        return () if script is None else script.commands


def _under(path: str, root: str) -> bool:
    root = root.rstrip("/") or "/"
    return path == root or path.startswith(root + "/") or root == "/"


# --------------------------------------------------------------------------- analysis facts

_REFERENCE = "\\$(?:{name}(?![A-Za-z0-9_])|\\{{{name}(?=[}}:?+=-]))"


class Facts:
    """Shared facts of one analysis (build with :func:`facts`); everything is computed on first
    use, so a rule that looks at one stage pays for that stage only."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.escape = analysis.dockerfile.escape
        self.cwd = analysis.workdirs
        self.runs: Mapping[int, RunFacts] = _Runs(analysis)
        self.layers: dict[int, Layer | None] = {}
        """The secret layers made so far (see :func:`layers.layer_at`)."""
        self._children: list[list[int]] | None = None

    # ----------------------------------------------------------------- stages

    def stage(self, index: int) -> Stage | None:
        """The stage of instruction ``index`` (None before the first FROM)."""
        s = self.analysis.stage_of[index]
        return self.analysis.stages[s] if s >= 0 else None

    def in_image(self, index: int) -> bool:
        """Tell whether instruction ``index`` belongs to a stage of the image chain."""
        s = self.analysis.stage_of[index]
        return s >= 0 and self.analysis.graph.in_image(s)

    def severity(self, severity: Severity, index: int) -> Severity:
        """The severity for a finding at instruction ``index``: lower outside the image."""
        return severity if self.in_image(index) else lower(severity)

    def chain(self, stage: int) -> list[int]:
        """``stage`` and its ``FROM <stage>`` ancestors, oldest first."""
        return from_chain(self.analysis.stages, stage)[::-1]

    def descendants(self, stage: int) -> list[int]:
        """Stages built ``FROM`` this one (directly or not), this one included, in order."""
        children = self._children
        if children is None:
            stages = self.analysis.stages
            children = self._children = [[] for _ in stages]
            for s in stages:
                if s.base_stage is not None:
                    children[s.base_stage].append(s.index)
        seen = {stage}
        todo = [stage]
        while todo:
            for child in children[todo.pop()]:
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return sorted(seen)

    def indexes(self, stage: int) -> Sequence[int]:
        """The instructions of ``stage``; for -1 those before the first FROM."""
        stages = self.analysis.stages
        if stage >= 0:
            return stages[stage].instructions
        return range(stages[0].instructions[0] if stages else len(self.analysis.instructions))

    # ----------------------------------------------------------------- variables

    def references(self, index: int, name: str) -> list[Span]:
        """Where instruction ``index`` expands ``$name`` (RUN text, ENV/LABEL/other words)."""
        inst = self.analysis.instructions[index]
        pattern = re.compile(_REFERENCE.format(name=re.escape(name)))
        if inst.name == "RUN":
            run = self.runs[index]
            if run.text is None:
                return [t.span for t in inst.exec_args if pattern.search(t.value)]
            return [run.text.span(m.start(), m.end()) for m in pattern.finditer(run.text.text)]
        if inst.name in ("ARG", "FROM"):
            return []
        text = command_text(inst)
        return [text.span(m.start(), m.end()) for m in pattern.finditer(text.text)]

    def uses(self, decl: int, name: str) -> Iterator[int]:
        """Instructions after declaration ``decl`` that see it and expand ``$name``.

        ARGs are visible in their own stage; ENV also in stages built ``FROM`` it.
        """
        analysis = self.analysis
        inst = analysis.instructions[decl]
        stage = analysis.stage_of[decl]
        if stage < 0:
            return
        stages = [stage] if inst.name == "ARG" else self.descendants(stage)
        found = sorted(i for s in stages for i in analysis.stages[s].instructions if i > decl)
        for i in found:
            var = analysis.scopes[i].get(name)
            if var is None or var.instruction != decl:
                continue
            if self.references(i, name):
                yield i

    def variable_kind(self, index: int, name: str) -> str | None:
        """Where ``$name`` comes from in a RUN: ``secret``, ``arg``, ``env`` or None (unknown)."""
        run = self.runs.get(index)
        if run is not None and name in run.secret_envs:
            return "secret"
        var = self.analysis.scopes[index].get(name)
        if var is None:
            return None
        if var.kind in ("arg", "global-arg"):
            return "arg"
        if var.kind == "env":
            return "env"
        return None

    def declaration(self, index: int, name: str) -> int | None:
        """The ARG/ENV instruction that defines ``name`` as seen by instruction ``index``."""
        var = self.analysis.scopes[index].get(name)
        if var is None or var.instruction < 0:
            return None
        return var.instruction


class _Runs(Mapping[int, RunFacts]):
    """The RunFacts of each RUN by instruction index, each made on first access (it holds the
    analysis, not the facts: no reference cycle keeps an old version alive)."""

    def __init__(self, analysis: Analysis) -> None:
        self._analysis = analysis
        self._made: dict[int, RunFacts] = {}
        self._indexes: list[int] | None = None

    def __getitem__(self, index: int) -> RunFacts:
        run = self._made.get(index)
        if run is None:
            if index not in self:
                raise KeyError(index)
            run = self._made[index] = self._make(index)
        return run

    def _make(self, index: int) -> RunFacts:
        """The RunFacts of a RUN, reused across analyses: they are made of the instruction,
        its index, stage, working directory and known variable values only."""
        analysis = self._analysis
        scope = analysis.scopes[index]
        env, env_key = _ENVS.get(scope, None, _known_values, scope)
        inst = analysis.instructions[index]
        stage, cwd = analysis.stage_of[index], analysis.workdirs[index]
        return _RUNS.get(inst, (index, stage, cwd, env_key), _run_facts, index, inst, stage, cwd,
                         env)

    def __contains__(self, index: object) -> bool:
        instructions = self._analysis.instructions
        return (isinstance(index, int) and 0 <= index < len(instructions)
                and instructions[index].name == "RUN")

    def __iter__(self) -> Iterator[int]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def _all(self) -> list[int]:
        """The indexes of every RUN (a scan of the document: iterating is not incremental)."""
        if self._indexes is None:
            self._indexes = [i for i, inst in enumerate(self._analysis.instructions)
                             if inst.name == "RUN"]
        return self._indexes


def _known_values(scope: Scope) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """The known ARG/ENV values of a scope and their sorted items."""
    env = {name: var.value for name, var in scope.items()
           if var.value is not None and var.kind in ("env", "arg", "global-arg")}
    return env, tuple(sorted(env.items()))


#: Known values by scope object (re-analysis keeps scopes that an edit did not change).
_ENVS: IdentityMemo[tuple[dict[str, str], tuple[tuple[str, str], ...]]] = IdentityMemo(4096)
_FACTS: IdentityMemo[Facts] = IdentityMemo(8)
#: RunFacts by (instruction identity, index, stage, working directory, known values); an entry
#: holds its instruction, so the identity is not reused while it lives.
_RUNS: IdentityMemo[RunFacts] = IdentityMemo(8192)


def _run_facts(index: int, inst: Instruction, stage: int, cwd: str,
               env: dict[str, str]) -> RunFacts:
    """Read a RUN's shell text, mounts and language."""
    text = None if inst.json else run_text(inst)
    language = "sh"
    if text is not None and only_heredocs(inst) and len(inst.heredocs) == 1:
        language = script_language(inst.heredocs[0].text)
    return RunFacts(index, inst, stage, cwd, env, mounts(inst), text, language)


def facts(analysis: Analysis) -> Facts:
    """The memoised facts of an analysis (of the last few)."""
    return _FACTS.get(analysis, None, Facts, analysis)
