"""Text edits for the layer-bloat fixes, computed from the layer model's shell offsets.

Every helper returns ``None`` when it cannot produce an exact edit (a command inside a pipe, a
condition or a nested shell, an exec-form RUN, a RUN that mixes a command line and heredocs):
a missing fix is better than a wrong one.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from itertools import pairwise

from ...model.analysis import Analysis
from ...model.layers import Layer, LayerPackages, LayerPath, ShellSource
from ...model.shell import SHELLS, Command, Word
from ...patterns import lazy_pattern
from ...syntax.span import Position, Span, TextEdit
from ..base import Fix

#: Characters a path may keep unquoted in an appended command (globs stay globs).
_PLAIN = lazy_pattern(r"[A-Za-z0-9_@%+=:,./*?\[\]~-]+")


def quote(path: str) -> str:
    """Quote a path for the shell unless it is plain (glob characters are kept active)."""
    return path if _PLAIN.fullmatch(path) else shlex.quote(path)


def locate_path(layer: Layer, path: LayerPath) -> tuple[ShellSource, int] | None:
    """The shell source and command index a RUN path effect comes from."""
    effect = path.effect
    for source in layer.sources:
        if effect.command < len(source.script.commands) and source.span(
                effect.start, effect.end) == path.span:
            return source, effect.command
    return None


def locate_op(layer: Layer, package: LayerPackages) -> ShellSource | None:
    """The shell source a package-manager command comes from."""
    op = package.op
    for source in layer.sources:
        if op.command < len(source.script.commands) and source.span(
                *op.manager_span) == package.manager_span:
            return source
    return None


def word_span(source: ShellSource, word: Word) -> Span:
    """A shell word's span in the Dockerfile."""
    return source.span(word.start, word.end)


def _end(source: ShellSource, offset: int) -> Position:
    """The position just after the character before ``offset`` (stays on that line)."""
    if offset <= 0:
        return source.position(0)
    return source.span(offset - 1, offset).end


def disjoint(edits: Sequence[TextEdit]) -> bool:
    """Tell whether edits can be applied together (no two touch the same text)."""
    spans = sorted((e.span for e in edits), key=lambda s: (s.start, s.end))
    return all(a.end <= b.start and not (a.start == a.end == b.start == b.end)
               for a, b in pairwise(spans))


def checked_fix(title: str, edits: Sequence[TextEdit], safe: bool = True) -> Fix | None:
    """A fix, unless its edits overlap (then it could not be applied exactly)."""
    return Fix(title, tuple(edits), safe) if edits and disjoint(edits) else None


def insert_at(position: Position, text: str) -> TextEdit:
    """Insert ``text`` at a position."""
    return TextEdit(Span(position, position), text)


def insert_after(span: Span, text: str) -> TextEdit:
    """Insert ``text`` right after a span."""
    return insert_at(span.end, text)


# -- commands as list elements ---------------------------------------------------------------


def _connector(gap: str, edge: bool = False) -> bool:
    """Tell whether the text between two commands only joins them (``&&``, ``;``, newline)."""
    core = gap.replace("\\\n", " ")
    stripped = core.strip()
    if edge:
        return stripped in ("", ";")
    return stripped in ("&&", ";") or (stripped == "" and "\n" in core)


def outer_command(source: ShellSource, index: int) -> int | None:
    """The command as written at top level: a wrapped command's ``sudo``/``env``, if any.

    None when it runs in a nested shell, a pipe, a subshell or a condition.
    """
    commands = source.script.commands
    while True:
        command = commands[index]
        if command.parent is None:
            break
        parent = commands[command.parent]
        if parent.program in SHELLS:
            return None
        index = command.parent
    command = commands[index]
    if (command.scope or command.in_subshell or command.in_condition or command.negated
            or command.pipe_in or command.pipe_out):
        return None
    return index


def _neighbours(source: ShellSource, command: Command) -> tuple[Command | None, Command | None]:
    """The nearest commands written before and after ``command`` (outside its own text)."""
    before = [c for c in source.script.commands if c.end <= command.start and c.end > c.start]
    after = [c for c in source.script.commands if c.start >= command.end and c.end > c.start]
    prev = max(before, key=lambda c: c.end) if before else None
    nxt = min(after, key=lambda c: c.start) if after else None
    return prev, nxt


def _pure(source: ShellSource) -> str | None:
    """``line`` for a command-line script, ``heredoc`` for a heredoc script, else None."""
    if source.logical is None and source.split == 0:
        return "heredoc"
    if source.logical is not None and source.split == len(source.text) + 1:
        return "line"
    return None


def _only_setup(commands: Sequence[Command], keep: Command) -> bool:
    """Tell whether every command but ``keep`` (and what it wraps) is a ``set`` builtin."""
    for command in commands:
        if keep.start <= command.start and command.end <= keep.end:
            continue
        if command.program != "set":
            return False
    return True


def delete_command(analysis: Analysis, layer: Layer, source: ShellSource,
                   index: int) -> tuple[TextEdit, ...] | None:
    """Delete one command from a RUN, with its connector; the whole RUN if nothing remains."""
    top = outer_command(source, index)
    if top is None or _pure(source) is None:
        return None
    command = source.script.commands[top]
    if len(layer.sources) == 1 and _only_setup(source.script.commands, command):
        return (delete_instruction(analysis, layer.instruction),)
    text = source.text
    prev, nxt = _neighbours(source, command)
    head = text[:command.start] if prev is None else text[prev.end:command.start]
    tail = text[command.end:] if nxt is None else text[command.end:nxt.start]
    if not _connector(head, prev is None) or not _connector(tail, nxt is None):
        return None
    if nxt is not None:
        start, end = source.position(command.start), _end(source, nxt.start)
    elif prev is not None:
        start, end = _end(source, prev.end), _end(source, command.end)
    else:
        return None
    return (TextEdit(Span(start, end), ""),)


def delete_word(source: ShellSource, command: Command, word: Word) -> TextEdit | None:
    """Delete one argument of a command, with the blank before it."""
    words = [command.name, *command.args]
    at = next((i for i, w in enumerate(words) if w.start == word.start), None)
    if at is None or at == 0:
        return None
    return TextEdit(Span(_end(source, words[at - 1].end), _end(source, word.end)), "")


def drop_operand(analysis: Analysis, layer: Layer, source: ShellSource, index: int,
                 word: Word, operands: Sequence[Word]) -> tuple[TextEdit, ...] | None:
    """Remove ``word`` from a command's operands, or the command when it is the only one."""
    if len(operands) > 1:
        if outer_command(source, index) is None:
            return None
        edit = delete_word(source, source.script.commands[index], word)
        return None if edit is None else (edit,)
    return delete_command(analysis, layer, source, index)


def delete_instruction(analysis: Analysis, index: int) -> TextEdit:
    """Delete an instruction's lines."""
    inst = analysis.instructions[index]
    lines = analysis.dockerfile.lines
    first, last = inst.start_line, inst.end_line
    if last + 1 < len(lines) or lines[last].endswith(("\n", "\r")):
        return TextEdit(Span.of(first, 0, last + 1, 0), "")
    if first > 0:
        before = lines[first - 1].rstrip("\r\n")
        return TextEdit(Span.of(first - 1, len(before), last, len(lines[last])), "")
    return TextEdit(Span.of(first, 0, last, len(lines[last])), "")


def append_command(analysis: Analysis, layer: Layer, command: str) -> TextEdit | None:
    """Run ``command`` at the end of a RUN: `` && command`` on its line, or a heredoc line."""
    inst = analysis.instructions[layer.instruction]
    if layer.name != "RUN" or inst.json or not layer.sources:
        return None
    source = layer.sources[-1]
    kind = _pure(source)
    text = source.text
    if kind == "heredoc":
        if not text.endswith("\n"):
            return None
        return insert_at(source.position(len(text)), command + "\n")
    if kind != "line" or len(layer.sources) != 1:
        return None
    size = len(text.rstrip())
    last = max((c.end for c in source.script.commands), default=0)
    if size == 0 or "#" in text[last:size] or source.script.has_error:
        return None
    ending = text[:size]
    if ending.endswith(("&&", "||", "|", "\\")) or (ending.endswith("&") and not ending.endswith(
            "&&")):
        return None
    joiner = " " if ending.endswith(";") else " && "
    return insert_at(_end(source, size), joiner + command)


def insert_before_command(source: ShellSource, index: int, text: str) -> TextEdit | None:
    """Insert ``text`` (a command and its connector) before a top-level command."""
    top = outer_command(source, index)
    if top is None or _pure(source) is None:
        return None
    return insert_at(source.position(source.script.commands[top].start), text)


def command_text(source: ShellSource, index: int) -> str | None:
    """The source text of a top-level command, when it is one line without redirects."""
    top = outer_command(source, index)
    if top is None:
        return None
    command = source.script.commands[top]
    text = source.text[command.start:command.end]
    if "\n" in text or command.redirects:
        return None
    return text
