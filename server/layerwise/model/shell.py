"""The shell inside a RUN instruction: which commands run, with their words and redirects.

Built on tree-sitter-bash. Offsets are code points into the text given to :func:`parse_script`,
also for commands found in nested shells (``sh -c '…'``, ``bash <<EOF``).
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import lru_cache
from typing import NamedTuple

import tree_sitter
import tree_sitter_bash
from tree_sitter import Node

from ..record import record, replace

_LANGUAGE = tree_sitter.Language(tree_sitter_bash.language())
_PARSER = tree_sitter.Parser(_LANGUAGE)


def _kind(name: str, named: bool = True) -> int:
    """The symbol id (``Node.kind_id``) of a node type: cheaper to read and compare than
    ``Node.type``."""
    kind = _LANGUAGE.id_for_node_kind(name, named)
    if kind is None:
        raise LookupError(f"tree-sitter-bash has no node type {name!r}")
    return kind


SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
_ERROR = _kind("ERROR")
_WORD = _kind("word")
_COMMAND_NAME = _kind("command_name")
_ASSIGNMENT = _kind("variable_assignment")
_COMMENT = _kind("comment")
_LIST = _kind("list")
_PIPELINE = _kind("pipeline")
_STRING = _kind("string")
_DO_GROUP = _kind("do_group")
_FILE_DESCRIPTOR = _kind("file_descriptor")
_VARIABLE_NAME = _kind("variable_name")
_HEREDOC_REDIRECT = _kind("heredoc_redirect")
_HEREDOC_START = _kind("heredoc_start")
_HEREDOC_BODY = _kind("heredoc_body")
_QUOTE = _kind('"', False)
_APPEND = _kind("+=", False)
_OR = _kind("||", False)
_PIPE = _kind("|", False)
_WRITES_IN = _kind(">(", False)
_HEREDOC_OPS = {_kind(op, False): op for op in ("<<", "<<-")}
_SEPARATORS = {_kind(op, False): op for op in ("&&", "||", ";", "&")}
_DYNAMIC = frozenset(map(_kind, (
    "simple_expansion", "expansion", "command_substitution", "process_substitution",
    "arithmetic_expansion", "brace_expression", "array", "ERROR")))
_EXPANSIONS = frozenset(map(_kind, ("simple_expansion", "expansion")))
_REDIRECTS = frozenset(map(_kind, ("file_redirect", "heredoc_redirect", "herestring_redirect")))
_SUBSTITUTIONS = frozenset(map(_kind, ("command_substitution", "process_substitution")))
#: Named node types (``Node.is_named``), and those but comments: the words of a command.
_NAMED = frozenset(
    kind for kind in range(_LANGUAGE.node_kind_count) if _LANGUAGE.node_kind_is_named(kind)
) | {_ERROR}
_ARGUMENTS = _NAMED - {_COMMENT}
_HEREDOC_SKIPPED = frozenset(map(_kind, ("heredoc_end", "heredoc_content", "comment")))
_QUOTING = frozenset("'\"\\$")
# wrapper -> (short options taking a value, operands before the wrapped command)
_WRAPPERS: dict[str, tuple[str, int]] = {
    "sudo": ("ugCDhprtUTR", 0),
    "doas": ("uC", 0),
    "env": ("uCS", 0),
    "exec": ("a", 0),
    "command": ("", 0),
    "builtin": ("", 0),
    "nohup": ("", 0),
    "time": ("fo", 0),
    "nice": ("n", 0),
    "ionice": ("cnp", 0),
    "stdbuf": ("ioe", 0),
    "timeout": ("sk", 1),
    "xargs": ("InPdLsEa", 0),
    "eatmydata": ("", 0),
    "gosu": ("", 1),
    "su-exec": ("", 1),
}
_ANSI_C = dict(zip("ntrabeEfv\\'\"?", "\n\t\r\a\b\x1b\x1b\f\v\\'\"?", strict=True))


@record
class Word:
    """One shell word: source text, static value (None when it expands) and code-point span."""

    raw: str
    value: str | None
    start: int
    end: int
    # a non-static word made only of literals and plain $VAR / ${VAR}: (text, is_variable) pieces
    parts: tuple[tuple[str, bool], ...] = ()


@record
class Redirect:
    """A redirection such as ``> F``, ``2>&1``, ``<<EOF`` or ``<<< s``."""

    op: str  # with its descriptor: ">", ">>", "2>", "&>", "2>&", "<", "<<", "<<-", "<<<", ...
    target: Word | None  # file, descriptor, heredoc delimiter or here-string; None for "2>&-"
    start: int
    end: int
    body: Word | None = None  # heredoc body; its value honours quoting and "<<-"


@record
class Command:
    """One simple command with the context it runs in."""

    name: Word  # empty for a bare assignment or a bare redirection
    args: tuple[Word, ...]
    redirects: tuple[Redirect, ...]
    assignments: tuple[tuple[str, str | None], ...]
    start: int
    end: int
    pipe_in: bool = False  # stdin comes from a pipe
    pipe_out: bool = False  # stdout goes into a pipe (or a command substitution)
    in_subshell: bool = False  # in ( ), $( ) or a nested sh -c
    in_condition: bool = False  # may not run: if/while/case, or after ||
    negated: bool = False
    scope: tuple[int, ...] = ()  # shell process path: ( ), $( ), pipe parts, sh -c nest
    parent: int | None = None  # index of the wrapper (sudo, env, …) or sh -c that runs it

    @property
    def program(self) -> str | None:
        """The command name without its directory, or None when it is not static."""
        value = self.name.value
        return None if value is None else value.rpartition("/")[2]


@record
class Script:
    """A parsed RUN script: its commands in execution order and whether the parse was clean."""

    text: str
    commands: tuple[Command, ...]
    has_error: bool


@record
class Option:
    """A command-line option and its value, if it takes one."""

    name: str  # "-o", "--output"
    word: Word  # the word that holds the option
    value: Word | None = None


class _Ctx(NamedTuple):
    """What the enclosing syntax tells about the commands inside it."""

    pipe_in: bool = False
    pipe_out: bool = False
    in_subshell: bool = False
    in_condition: bool = False
    negated: bool = False
    scope: tuple[int, ...] = ()
    parent: int | None = None


def parse_script(text: str) -> Script:
    """Parse a RUN script into its commands; never raises."""
    out: list[Command] = []
    error = _Walker(text, out, itertools.count(1), None).run(_Ctx())
    return Script(text, tuple(out), error)


@lru_cache(maxsize=4096)
def cached_script(text: str) -> Script:
    """:func:`parse_script`, memoised by text so that unchanged RUNs are not re-parsed."""
    return parse_script(text)


def script_language(text: str) -> str:
    """The interpreter a shebang asks for: "sh" for shells or no shebang, else e.g. "python3"."""
    if not text.startswith("#!"):
        return "sh"
    words = text[2:].partition("\n")[0].split()
    if words and words[0].rpartition("/")[2] == "env":
        words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    name = words[0].rpartition("/")[2] if words else "sh"
    return "sh" if name in SHELLS or name == "busybox" else name


def getopt(
    args: Sequence[Word],
    short: str = "",
    long: Collection[str] = (),
    *,
    optional: str = "",
    clusters: bool = True,
    posix: bool = False,
) -> tuple[tuple[Option, ...], tuple[Word, ...]]:
    """Split ``args`` into options and operands.

    ``short``/``long`` name the options that take a value; ``optional`` the short ones whose value
    can only be attached (``sed -i.bak``). Without ``clusters`` single-dash words are whole options
    (``go build -o``); ``posix`` stops at the first operand.
    """
    opts: list[Option] = []
    operands: list[Word] = []
    rest = iter(args)
    for word in rest:
        head = word.value
        if head is None:
            head = _head(word)
        if head[:1] != "-" or head == "-":
            operands.append(word)
            if posix:
                operands.extend(rest)
                break
            continue
        if head == "--":
            operands.extend(rest)
            break
        if head[1] == "-" or not clusters:
            name, eq, _ = head.partition("=")
            value = _tail(word, len(name) + 1) if eq else None
            if value is None and name in long:
                value = next(rest, None)
            opts.append(Option(name, word, value))
            continue
        for k in range(1, len(head)):
            letter = head[k]
            if letter in short or letter in optional:
                value = _tail(word, k + 1) if k + 1 < len(head) else None
                if value is None and letter in short:
                    value = next(rest, None)
                opts.append(Option("-" + letter, word, value))
                break
            opts.append(Option("-" + letter, word))
    return tuple(opts), tuple(operands)


def shell_argv(command: Command) -> tuple[bool, Word | None] | None:
    """For a shell command: whether it has ``-c`` and its first operand; None for other commands."""
    if command.program not in SHELLS:
        return None
    has_c = False
    args = command.args
    i = 0
    while i < len(args):
        value = args[i].value
        if value is None or len(value) < 2 or value[0] not in "-+" or value == "--":
            i += value == "--"
            break
        i += 1
        if value.startswith("--"):
            i += value in ("--rcfile", "--init-file")
            continue
        has_c = has_c or (value[0] == "-" and "c" in value)
        i += value.count("o") + value.count("O")
    return has_c, args[i] if i < len(args) else None


def _head(word: Word) -> str:
    """The static start of a word, used to recognise options (``--output=$F`` → ``--output=``)."""
    if word.value is not None:
        return word.value
    if word.parts:
        return "" if word.parts[0][1] else word.parts[0][0]
    stop = next((i for i, c in enumerate(word.raw) if c in "$`\"'"), len(word.raw))
    return word.raw[:stop]


def _tail(word: Word, k: int) -> Word | None:
    """The rest of ``word`` after its first ``k`` characters (an attached option value)."""
    exact = len(word.raw) == word.end - word.start
    if word.value is not None:
        if k >= len(word.value):
            return None
        if exact and word.raw == word.value:
            return Word(word.raw[k:], word.value[k:], word.start + k, word.end)
        return Word(word.raw, word.value[k:], word.start, word.end)
    text = _head(word)
    parts = ((((text[k:], False),) if text[k:] else ()) + word.parts[1:]) if word.parts else ()
    start = word.start + k if exact and word.raw.startswith(text[:k]) else word.start
    return Word(word.raw[start - word.start :], None, start, word.end, parts)


def _assignment(word: Word) -> tuple[str, str | None] | None:
    """``NAME=value`` as a pair, for the operands of ``env`` and ``sudo``."""
    name, eq, value = _head(word).partition("=")
    if not eq or not name.isidentifier():
        return None
    return name, value if word.value is not None else None


def _unwrap(command: Command, index: int) -> Command | None:
    """The command that a wrapper such as ``sudo``, ``env`` or ``xargs`` runs."""
    spec = _WRAPPERS.get(command.program or "")
    if spec is None:
        return None
    opts, operands = getopt(command.args, spec[0], posix=True)
    if command.program == "command" and any(o.name in ("-v", "-V") for o in opts):
        return None
    rest = list(operands)
    pairs = []
    while rest and (pair := _assignment(rest[0])) is not None:
        pairs.append(pair)
        rest.pop(0)
    rest = rest[spec[1] :]
    if not rest:
        return None
    return replace(
        command,
        name=rest[0],
        args=tuple(rest[1:]),
        redirects=(),
        assignments=tuple(pairs),
        start=rest[0].start,
        parent=index,
    )


def _unquote(raw: str, dquote: bool = False) -> str:
    """Quote removal and escape processing for a word without expansions."""
    if _QUOTING.isdisjoint(raw):
        return raw
    if not dquote and len(raw) > 1 and raw[0] == raw[-1] == "'" and "'" not in raw[1:-1]:
        return raw[1:-1]
    return _unquote_map(raw, dquote)[0]


def _unquote_map(raw: str, dquote: bool = False) -> tuple[str, list[int]]:
    """Quote removal that also tells, for each resulting character, its index in ``raw``."""
    out: list[str] = []
    pos: list[int] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "\\" and i + 1 < n and (not dquote or raw[i + 1] in '$`"\\\n'):
            if raw[i + 1] != "\n":
                out.append(raw[i + 1])
                pos.append(i + 1)
            i += 2
        elif c == '"':
            dquote = not dquote
            i += 1
        elif c == "'" and not dquote:
            j = raw.find("'", i + 1)
            j = n if j < 0 else j
            out.extend(raw[i + 1 : j])
            pos.extend(range(i + 1, j))
            i = j + 1
        elif c == "$" and not dquote and raw.startswith("$'", i):
            i = _ansi_c(raw, i + 2, out, pos)
        elif c == "$" and not dquote and raw.startswith('$"', i):
            i += 1
        else:
            out.append(c)
            pos.append(i)
            i += 1
    return "".join(out), pos


def _ansi_c(raw: str, i: int, out: list[str], pos: list[int]) -> int:
    """Decode a ``$'…'`` body starting at ``i``; return the index after its closing quote."""
    n = len(raw)
    while i < n and raw[i] != "'":
        start = i
        if raw[i] == "\\" and i + 1 < n:
            char, i = _ansi_escape(raw, i + 1)
        else:
            char, i = raw[i], i + 1
        out.append(char)
        pos.extend([start] * len(char))
    return i + 1


def _ansi_escape(raw: str, i: int) -> tuple[str, int]:
    """Decode the escape whose letter is at ``raw[i]``; return it and the index after it."""
    letter = raw[i]
    if letter in _ANSI_C:
        return _ANSI_C[letter], i + 1
    if letter in "xuU":
        base, width, j = 16, {"x": 2, "u": 4, "U": 8}[letter], i + 1
    else:
        base, width, j = 8, 3, i
    k = j
    while k < min(len(raw), j + width) and _is_digit(raw[k], base):
        k += 1
    if k == j:
        return "\\" + letter, i + 1
    return chr(min(int(raw[j:k], base), 0x10FFFF)), k


def _is_digit(c: str, base: int) -> bool:
    """Tell whether ``c`` is a digit in base 8 or 16."""
    return c in ("01234567" if base == 8 else "0123456789abcdefABCDEF")


def _unescape_heredoc(raw: str) -> str:
    """Backslash processing of an unquoted heredoc body."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i = 0
    while (j := raw.find("\\", i)) >= 0 and j + 1 < len(raw):
        out.append(raw[i:j])
        nxt = raw[j + 1]
        out.append("" if nxt == "\n" else nxt if nxt in "$`\\" else "\\" + nxt)
        i = j + 2
    out.append(raw[i:])
    return "".join(out)


def _static(node: Node) -> bool:
    """Tell whether a word node has no expansions (globs and braces count as literal)."""
    return node.kind_id not in _DYNAMIC and (
        node.child_count == 0 or all(map(_static, node.children)))


def _plain_variable(node: Node) -> str | None:
    """The name in ``$NAME`` or ``${NAME}``, else None."""
    names = node.named_children
    if len(names) != 1 or names[0].kind_id != _VARIABLE_NAME or node.child_count > 3:
        return None
    name = names[0].text.decode("utf-8", "replace") if names[0].text else ""
    return name if name.isidentifier() else None


def _byte_to_char(text: str) -> list[int]:
    """Map each UTF-8 byte offset of ``text`` to its code-point offset."""
    table: list[int] = []
    for i, ch in enumerate(text):
        n = ord(ch)
        table.extend([i] * (1 if n < 0x80 else 2 if n < 0x800 else 3 if n < 0x10000 else 4))
    table.append(len(text))
    return table


class _Walker:
    """Flattens one tree-sitter-bash tree into commands appended to a shared list."""

    def __init__(
        self, text: str, out: list[Command], ids: Iterator[int], pos: list[int] | None
    ) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self.b2c = None if len(self.data) == len(text) else _byte_to_char(text)
        self.out = out
        self.ids = ids
        self.pos = pos  # own offset -> offset in the outermost text (nested shells)
        self.plain = self.b2c is None and pos is None  # byte offsets are outermost offsets
        self.error = False
        self.last = -1  # index of the last command emitted at the current level
        self.substitutes = "(" in text or "`" in text  # else no $( ), <( ) or backticks to look for

    def run(self, ctx: _Ctx) -> bool:
        """Walk the whole text; return whether anything failed to parse."""
        root = _PARSER.parse(self.data).root_node
        self.error = root.has_error
        self._walk(root, ctx)
        return self.error

    # -- positions and words -------------------------------------------------------------------

    def _own(self, node: Node) -> tuple[int, int]:
        """A node's span in code points of this walker's text."""
        if self.b2c is None:
            return node.start_byte, node.end_byte
        return self.b2c[node.start_byte], self.b2c[node.end_byte]

    def _span(self, node: Node) -> tuple[int, int]:
        """A node's span in the outermost text."""
        s, e = node.start_byte, node.end_byte
        if self.plain:
            return s, e
        if self.b2c is not None:
            s, e = self.b2c[s], self.b2c[e]
        return (s, e) if self.pos is None else self._abs(s, e)

    def _abs(self, start: int, end: int) -> tuple[int, int]:
        """Map an own span to the outermost text."""
        pos = self.pos
        if pos is None:
            return start, end
        a = pos[start] if start < len(pos) else (pos[-1] + 1 if pos else 0)
        return a, (pos[end - 1] + 1 if end > start else a)

    def _text(self, node: Node) -> str:
        """A node's source text."""
        s, e = self._own(node)
        return self.text[s:e]

    def _word(self, node: Node) -> Word:
        """Build a Word from a word-like node."""
        kind = node.kind_id
        if kind == _COMMAND_NAME and node.child_count == 1:
            node = node.children[0]
            kind = node.kind_id
        a = s = node.start_byte
        b = e = node.end_byte
        if not self.plain:
            if self.b2c is not None:
                s, e = self.b2c[s], self.b2c[e]
            a, b = self._abs(s, e)
        raw = self.text[s:e]
        # a word token has no children
        if kind == _WORD or (kind != _ERROR and node.child_count == 0) or _static(node):
            return Word(raw, raw if _QUOTING.isdisjoint(raw) else _unquote(raw), a, b)
        parts: list[tuple[str, bool]] = []
        return Word(raw, None, a, b, tuple(parts) if self._parts(node, False, parts) else ())

    def _parts(self, node: Node, dquote: bool, out: list[tuple[str, bool]]) -> bool:
        """Collect literal and plain-variable pieces; False when something else expands."""
        kind = node.kind_id
        if kind in _EXPANSIONS:
            name = _plain_variable(node)
            if name is not None:
                out.append((name, True))
            return name is not None
        if _static(node):
            s, e = self._own(node)
            if kind != _QUOTE:
                out.append((_unquote(self.text[s:e], dquote), False))
            return True
        if kind in _DYNAMIC:
            return False
        inner = dquote or kind == _STRING
        return all(self._parts(c, inner, out) for c in node.children)

    def _empty(self, node: Node) -> Word:
        """A zero-width word at the start of ``node`` (name of an assignment-only command)."""
        a, _ = self._span(node)
        return Word("", "", a, a)

    # -- statements ----------------------------------------------------------------------------

    def _walk(self, node: Node, ctx: _Ctx) -> None:
        """Dispatch on the node type; containers and unknown nodes walk their children."""
        handler = _HANDLERS.get(node.kind_id)
        if handler is not None:
            handler(self, node, ctx)
            return
        for child in node.named_children:
            self._walk(child, ctx)

    def _emit(self, command: Command) -> int:
        """Append a command, then what it runs (wrapped command or ``sh -c`` script)."""
        index = len(self.out)
        self.out.append(command)
        program = command.program
        inner = _unwrap(command, index) if program in _WRAPPERS else None
        if inner is not None:
            self._emit(inner)
        elif program in SHELLS:
            argv = shell_argv(command)
            script = argv[1] if argv is not None and argv[0] else None
            if script is not None and (script.value is not None or script.parts):
                # plain $VAR references stay in the text: the nested shell sees them as expansions
                value, pos = _unquote_map(script.raw)
                self._nested(value, pos, self._own_offset(script.start), command, index)
        self.last = index
        return index

    def _own_offset(self, absolute: int) -> int:
        """Invert :meth:`_abs` for a start offset."""
        return absolute if self.pos is None else bisect_left(self.pos, absolute)

    def _nested(
        self, text: str, pos: Sequence[int], base: int, command: Command, index: int
    ) -> None:
        """Parse a nested shell script whose character k sits at own offset ``base + pos[k]``."""
        outer = [self._abs(base + p, base + p + 1)[0] for p in pos]
        scope = (*command.scope, next(self.ids))
        ctx = _Ctx(
            command.pipe_in, command.pipe_out, True, command.in_condition, False, scope, index
        )
        sub = _Walker(text, self.out, self.ids, outer)
        self.error |= sub.run(ctx)

    def _command(self, node: Node, ctx: _Ctx) -> None:
        """A simple command with its assignments, arguments and inline redirects."""
        if self.substitutes:
            self._substitutions(node, ctx)
        name: Word | None = None
        args: list[Word] = []
        redirects: list[Redirect] = []
        pairs: list[tuple[str, str | None]] = []
        for child in node.children:
            kind = child.kind_id
            if kind == _COMMAND_NAME:
                name = self._word(child)
            elif kind == _ASSIGNMENT and name is None:
                pairs.append(self._pair(child))
            elif kind in _REDIRECTS:
                self._redirect(child, ctx, redirects, [])
            elif kind == _ERROR:
                self.error = True
            elif kind in _ARGUMENTS:
                args.append(self._word(child))
        s, e = self._span(node)
        self._emit(
            Command(
                name or self._empty(node), tuple(args), tuple(redirects), tuple(pairs), s, e, *ctx
            )
        )

    def _pair(self, node: Node) -> tuple[str, str | None]:
        """``NAME=value`` of an assignment node; the value is None when not static."""
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        key = self._text(name) if name is not None else ""
        if any(c.kind_id == _APPEND for c in node.children):
            return key, None
        return key, "" if value is None else self._word(value).value

    def _assignments(self, node: Node, ctx: _Ctx) -> None:
        """Bare ``X=1 Y=2``: an assignment-only command."""
        self._substitutions(node, ctx)
        nodes = [node] if node.kind_id == _ASSIGNMENT else node.named_children
        pairs = tuple(self._pair(n) for n in nodes if n.kind_id == _ASSIGNMENT)
        s, e = self._span(node)
        self._emit(Command(self._empty(node), (), (), pairs, s, e, *ctx))

    def _declaration(self, node: Node, ctx: _Ctx) -> None:
        """``export``/``declare``/``local``/``readonly``/``unset`` as a command with assignments."""
        self._substitutions(node, ctx)
        keyword, *rest = node.children
        pairs = tuple(self._pair(c) for c in rest if c.kind_id == _ASSIGNMENT)
        args = tuple(
            self._word(c) for c in rest if c.kind_id in _ARGUMENTS and c.kind_id != _ASSIGNMENT
        )
        s, e = self._span(node)
        self._emit(Command(self._word(keyword), args, (), pairs, s, e, *ctx))

    def _list(self, node: Node, ctx: _Ctx, first: _Ctx | None = None) -> None:
        """``a && b``, ``a || b``: the right side of ``||`` may not run."""
        left, *rest = node.children
        self._first(left, ctx, first or ctx)
        for child in rest:
            kind = child.kind_id
            if kind == _OR:
                ctx = ctx._replace(in_condition=True)
            elif kind in _NAMED:
                self._walk(child, ctx)

    def _first(self, node: Node, ctx: _Ctx, first: _Ctx) -> None:
        """Walk ``node`` giving ``first`` to its leading command only (a pipe after a heredoc)."""
        kind = node.kind_id
        if kind == _LIST:
            self._list(node, ctx, first)
        elif kind == _PIPELINE:
            self._pipeline(node, first)
        else:
            self._walk(node, first)

    def _pipeline(self, node: Node, ctx: _Ctx) -> None:
        """``a | b``: each part runs in its own process."""
        parts = [c for c in node.children if c.kind_id in _ARGUMENTS]
        last = len(parts) - 1
        for i, part in enumerate(parts):
            scope = (*ctx.scope, next(self.ids)) if last else ctx.scope
            sub = ctx._replace(
                pipe_in=ctx.pipe_in or i > 0, pipe_out=ctx.pipe_out or i < last, scope=scope
            )
            self._walk(part, sub)

    def _negated(self, node: Node, ctx: _Ctx) -> None:
        """``! cmd``."""
        for child in node.named_children:
            self._walk(child, ctx._replace(negated=True))

    def _subshell(self, node: Node, ctx: _Ctx) -> None:
        """``( … )``."""
        sub = ctx._replace(in_subshell=True, scope=(*ctx.scope, next(self.ids)))
        for child in node.named_children:
            self._walk(child, sub)

    def _substitution(self, node: Node, ctx: _Ctx) -> None:
        """``$( … )``, backticks, ``<( … )`` and ``>( … )``: commands whose output is captured."""
        last = self.last
        writes_in = node.child_count > 0 and node.children[0].kind_id == _WRITES_IN
        sub = _Ctx(
            writes_in, not writes_in, True, ctx.in_condition, False, (*ctx.scope, next(self.ids))
        )
        for child in node.named_children:
            self._walk(child, sub)
        self.last = last

    def _substitutions(self, node: Node, ctx: _Ctx) -> None:
        """Walk the command substitutions in ``node`` (but not in its redirects)."""
        if not self.substitutes:
            return
        if node.kind_id in _SUBSTITUTIONS:
            self._substitution(node, ctx)
            return
        for child in node.children:
            if child.child_count and child.kind_id not in _REDIRECTS:
                self._substitutions(child, ctx)

    def _conditional(self, node: Node, ctx: _Ctx) -> None:
        """``if``, ``while``/``until`` and ``case``: all their commands may not run."""
        sub = ctx._replace(in_condition=True)
        for child in node.named_children:
            self._walk(child, sub)

    def _for(self, node: Node, ctx: _Ctx) -> None:
        """``for x in words; do …; done``."""
        for child in node.named_children:
            if child.kind_id == _DO_GROUP:
                self._walk(child, ctx)
            else:
                self._substitutions(child, ctx)

    def _body(self, node: Node, ctx: _Ctx) -> None:
        """Walk only the body of a C-style for loop or a function definition."""
        body = node.child_by_field_name("body")
        if body is not None:
            self._walk(body, ctx)

    # -- redirections --------------------------------------------------------------------------

    def _redirected(self, node: Node, ctx: _Ctx) -> None:
        """A statement with redirects; they belong to the last command of a list or pipeline."""
        self.last = -1
        body = node.child_by_field_name("body")
        if body is not None:
            self._walk(body, ctx)
        redirects: list[Redirect] = []
        tails: list[tuple[str, Node]] = []
        for child in node.children:
            if child.kind_id in _REDIRECTS:
                self._redirect(child, ctx, redirects, tails)
        index = self.last
        if index < 0:
            s, e = self._span(node)
            index = self._emit(Command(self._empty(node), (), (), (), s, e, *ctx))
        command = self.out[index]
        end = max([command.end, *(r.end for r in redirects)])
        piped = any(op == "|" for op, _ in tails)
        redirects = [*command.redirects, *redirects]
        command = replace(
            command, redirects=tuple(redirects), end=end, pipe_out=command.pipe_out or piped
        )
        self.out[index] = command
        self._heredoc_shell(command, index)
        self.last = index
        for op, tail in tails:
            if op == "|":
                self._first(tail, ctx, ctx._replace(pipe_in=True))
            else:
                self._walk(tail, ctx._replace(in_condition=True) if op == "||" else ctx)

    def _heredoc_shell(self, command: Command, index: int) -> None:
        """``bash <<EOF … EOF``: parse the body as the shell's script."""
        argv = shell_argv(command)
        if argv is None or argv[0] or argv[1] is not None:
            return
        for redirect in command.redirects:
            if redirect.body is not None and redirect.op in ("<<", "<<-"):
                body = redirect.body
                base = self._own_offset(body.start)
                self._nested(body.raw, range(len(body.raw)), base, command, index)

    def _redirect(
        self, node: Node, ctx: _Ctx, out: list[Redirect], tails: list[tuple[str, Node]]
    ) -> None:
        """Collect a redirect (and, for heredocs, what tree-sitter nests inside it)."""
        if node.kind_id == _HEREDOC_REDIRECT:
            self._heredoc(node, ctx, out, tails)
            return
        op = ""
        target: Word | None = None
        for child in node.children:
            kind = child.kind_id
            if kind == _ERROR:
                self.error = True
            elif kind in _NAMED and kind != _FILE_DESCRIPTOR:
                self._substitutions(child, ctx)
                target = target or self._word(child)
            else:
                op += self._text(child)
        s, e = self._span(node)
        out.append(Redirect(op, target, s, e))

    def _heredoc(
        self, node: Node, ctx: _Ctx, out: list[Redirect], tails: list[tuple[str, Node]]
    ) -> None:
        """``<<EOF`` with its body, plus redirects, pipes and lists that follow it on its line."""
        op = "<<"
        delimiter: Word | None = None
        body: Node | None = None
        extra: list[Redirect] = []
        pending = ""
        for child in node.children:
            kind = child.kind_id
            if kind in _HEREDOC_OPS:
                op = _HEREDOC_OPS[kind]
            elif kind == _HEREDOC_START:
                delimiter = self._word(child)
            elif kind == _HEREDOC_BODY:
                body = child
            elif kind in _REDIRECTS:
                self._redirect(child, ctx, extra, tails)
            elif kind == _PIPELINE and child.child_count and child.children[0].kind_id == _PIPE:
                tails.extend(("|", c) for c in child.named_children)
            elif kind in _SEPARATORS:
                pending = _SEPARATORS[kind]
            elif kind == _ERROR:
                self.error = True
            elif kind in _NAMED and kind not in _HEREDOC_SKIPPED:
                tails.append((pending, child))
        start = self._span(node)[0]
        end = delimiter.end if delimiter is not None else start + len(op)
        out.append(Redirect(op, delimiter, start, end, self._body_word(body, delimiter, op, ctx)))
        out.extend(extra)

    def _body_word(
        self, node: Node | None, delimiter: Word | None, op: str, ctx: _Ctx
    ) -> Word | None:
        """The heredoc body as a Word; static unless an unquoted body expands."""
        if node is None:
            return None
        s, e = self._own(node)
        raw = self.text[s:e]
        a, b = self._abs(s, e)
        quoted = delimiter is not None and delimiter.raw != delimiter.value
        if quoted:
            value: str | None = raw
        elif any(c.kind_id in _DYNAMIC for c in node.children):
            self._substitutions(node, ctx)
            value = None
        else:
            value = _unescape_heredoc(raw)
        if value is not None and op == "<<-":
            value = "\n".join(line.lstrip("\t") for line in value.split("\n"))
        return Word(raw, value, a, b)


_HANDLERS: dict[int, Callable[[_Walker, Node, _Ctx], None]] = {
    _kind(name): handler
    for name, handler in (
        ("command", _Walker._command),
        ("list", _Walker._list),
        ("pipeline", _Walker._pipeline),
        ("redirected_statement", _Walker._redirected),
        ("negated_command", _Walker._negated),
        ("subshell", _Walker._subshell),
        ("command_substitution", _Walker._substitution),
        ("process_substitution", _Walker._substitution),
        ("variable_assignment", _Walker._assignments),
        ("variable_assignments", _Walker._assignments),
        ("declaration_command", _Walker._declaration),
        ("unset_command", _Walker._declaration),
        ("if_statement", _Walker._conditional),
        ("while_statement", _Walker._conditional),
        ("case_statement", _Walker._conditional),
        ("for_statement", _Walker._for),
        ("c_style_for_statement", _Walker._body),
        ("function_definition", _Walker._body),
        ("test_command", _Walker._substitutions),
    )
}
