"""The syntax tree: frozen nodes that cover every line of a Dockerfile."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import field

from ..record import record
from .slots import refuse, setters
from .span import Position, Span

# Spans are built in large numbers (on demand); ``tuple.__new__`` builds these NamedTuples
# without their Python-level constructors, in about half the time.
_new = tuple.__new__

#: Instructions BuildKit knows, upper-cased.
INSTRUCTIONS = (
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
    "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
)


@record
class LogicalLine:
    """An instruction's text with continuations and comment lines removed, mapped to the source.

    ``segments`` holds ``(offset, line, col)`` for each physical piece: logical offset
    ``offset`` corresponds to source position ``(line, col)`` and runs on contiguously.
    """

    text: str
    segments: tuple[tuple[int, int, int], ...]

    def position(self, offset: int) -> Position:
        """Map a logical offset to a source position."""
        segments = self.segments
        if len(segments) == 1:
            start, line, col = segments[0]
        else:
            i = bisect_right(segments, (offset, 1 << 62, 0)) - 1
            start, line, col = segments[max(i, 0)]
        return _new(Position, (line, col + offset - start))

    def span(self, start: int, end: int) -> Span:
        """Map a logical ``[start, end)`` range to a source span."""
        segments = self.segments
        if len(segments) == 1:
            base, line, col = segments[0]
            first = _new(Position, (line, col + start - base))
            if end <= start:
                return _new(Span, (first, first))
            return _new(Span, (first, _new(Position, (line, col + end - base))))
        i = max(bisect_right(segments, (start, 1 << 62, 0)) - 1, 0)
        base, line, col = segments[i]
        first = _new(Position, (line, col + start - base))
        if end <= start:
            return _new(Span, (first, first))
        if i + 1 < len(segments) and end - 1 >= segments[i + 1][0]:
            # the end is just after the last character, which lies in a later piece
            i = bisect_right(segments, (end - 1, 1 << 62, 0)) - 1
            base, line, col = segments[i]
        return _new(Span, (first, _new(Position, (line, col + end - base))))


class Token:
    """A piece of an instruction: its value and where it is written.

    It keeps its offsets into the instruction's logical line; ``span`` is worked out from them
    on first use (most tokens are never located).
    """

    __slots__ = ("_end", "_logical", "_span", "_start", "value")

    value: str
    _logical: LogicalLine
    _start: int
    _end: int
    _span: Span | None

    def __init__(self, value: str, logical: LogicalLine, start: int, end: int) -> None:
        _token_value(self, value)
        _token_logical(self, logical)
        _token_start(self, start)
        _token_end(self, end)
        _token_span(self, None)

    @property
    def span(self) -> Span:
        """Where the token is written."""
        span: Span | None = self._span
        if span is None:
            span = self._logical.span(self._start, self._end)
            _token_span(self, span)
        return span

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Token):
            return NotImplemented
        return self.value == other.value and self.span == other.span

    def __hash__(self) -> int:
        return hash((self.value, self.span))

    def __repr__(self) -> str:
        return f"Token(value={self.value!r}, span={self.span!r})"

    __setattr__ = __delattr__ = refuse


_token_value, _token_logical, _token_start, _token_end, _token_span = setters(
    Token, "value", "_logical", "_start", "_end", "_span")


class Flag:
    """A builder flag such as ``--from=build`` (``name`` is ``from``).

    ``word`` is the flag as BuildKit reads it (quotes removed); the spans are worked out on first
    use from offsets into the instruction's logical line.
    """

    __slots__ = ("_end", "_eq", "_logical", "_start", "name", "value", "word")

    name: str
    value: str | None
    word: str
    _logical: LogicalLine
    _start: int
    _eq: int  # offset of "=" (-1 without a value)
    _end: int

    def __init__(self, name: str, value: str | None, word: str, logical: LogicalLine,
                 start: int, eq: int, end: int) -> None:
        _flag_name(self, name)
        _flag_value(self, value)
        _flag_word(self, word)
        _flag_logical(self, logical)
        _flag_start(self, start)
        _flag_eq(self, eq)
        _flag_end(self, end)

    @property
    def span(self) -> Span:
        """The whole flag, from ``--``."""
        return self._logical.span(self._start, self._end)

    @property
    def name_span(self) -> Span:
        """The name, after ``--`` and before ``=``."""
        eq = self._eq
        return self._logical.span(self._start + 2, self._end if eq < 0 else eq)

    @property
    def value_span(self) -> Span | None:
        """The value after ``=``, or None without one."""
        eq = self._eq
        return None if eq < 0 else self._logical.span(eq + 1, self._end)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Flag):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[object, ...]:
        """What equality compares: the fields and spans a dataclass would."""
        return self.name, self.value, self.word, self.span, self.name_span, self.value_span

    def option_values(self) -> tuple[tuple[str, str | None], ...]:
        """Split a ``--mount=type=cache,target=/x`` value into ``(key, value)`` items (keys
        stripped and lower-cased, ``None`` for a key without ``=``)."""
        if self.value is None:
            return ()
        out: list[tuple[str, str | None]] = []
        for part in self.value.split(","):
            key, sep, val = part.partition("=")
            out.append((key.strip().lower(), val if sep else None))
        return tuple(out)

    def options(self) -> tuple[tuple[str, str | None, Span], ...]:
        """:meth:`option_values` with the span of each item."""
        text, value_span = self.value, self.value_span
        if text is None or value_span is None:
            return ()
        line, col = value_span.start
        single_line = line == value_span.end.line
        out: list[tuple[str, str | None, Span]] = []
        offset = 0
        for part, (key, value) in zip(text.split(","), self.option_values(), strict=True):
            span = Span.of(line, col + offset, line, col + offset + len(part)) \
                if single_line else value_span
            out.append((key, value, span))
            offset += len(part) + 1
        return tuple(out)

    def __repr__(self) -> str:
        return (f"Flag(name={self.name!r}, value={self.value!r}, span={self.span!r}, "
                f"word={self.word!r})")

    __setattr__ = __delattr__ = refuse


_flag_name, _flag_value, _flag_word, _flag_logical, _flag_start, _flag_eq, _flag_end = setters(
    Flag, "name", "value", "word", "_logical", "_start", "_eq", "_end")


@record
class KeyValue:
    """An ``ENV``/``LABEL``/``ARG`` entry; ``value`` keeps BuildKit's raw form (quotes included)."""

    key: Token
    value: Token | None
    legacy: bool = False


@record
class Heredoc:
    """A here-document attached to RUN, COPY or ADD."""

    name: str
    chomp: bool
    expand: bool
    fd: int
    marker: Span
    content: str
    body: Span
    terminator: Span | None

    @property
    def text(self) -> str:
        """The body as the build sees it (leading tabs stripped for ``<<-``)."""
        if not self.chomp:
            return self.content
        return "".join(line.lstrip("\t") for line in self.content.splitlines(keepends=True))


@record
class Instruction:
    """One instruction, from its keyword to the end of its last continuation or heredoc line.

    ``name`` is the upper-cased keyword (``RUN``); ``args_offset`` is where ``args`` starts in
    ``logical.text``.
    """

    keyword: Token
    flags: tuple[Flag, ...]
    args: Token
    logical: LogicalLine
    start_line: int
    end_line: int
    name: str = ""
    args_offset: int = 0
    json: bool = False
    exec_args: tuple[Token, ...] = ()
    words: tuple[Token, ...] = ()
    pairs: tuple[KeyValue, ...] = ()
    heredocs: tuple[Heredoc, ...] = ()
    sub: Instruction | None = None
    comment_lines: tuple[int, ...] = ()
    empty_continuation_lines: tuple[int, ...] = ()

    @property
    def known(self) -> bool:
        """Tell whether BuildKit knows this instruction."""
        return self.name in INSTRUCTIONS

    @property
    def span(self) -> Span:
        """From the keyword to the end of the instruction's text."""
        end = self.args.span.end if self.args.value else self.keyword.span.end
        if self.flags and self.flags[-1].span.end > end:
            end = self.flags[-1].span.end
        if self.heredocs:
            last = self.heredocs[-1]
            end = max(end, (last.terminator or last.body).end)
        return Span(self.keyword.span.start, end)

    @property
    def effective(self) -> Instruction:
        """The instruction that takes effect: the inner one for ``ONBUILD``."""
        return self.sub if self.sub is not None else self

    @property
    def parts(self) -> tuple[Instruction, ...]:
        """The instruction and, for ``ONBUILD``, the instruction it carries."""
        return (self,) if self.sub is None else (self, self.sub)

    def flag(self, name: str) -> Flag | None:
        """The last flag called ``name``, as BuildKit lets the last one win."""
        found = None
        for flag in self.flags:
            if flag.name == name:
                found = flag
        return found

    def flags_named(self, name: str) -> tuple[Flag, ...]:
        """Every flag called ``name`` (``--mount`` may repeat)."""
        return tuple(f for f in self.flags if f.name == name)


@record
class Comment:
    """A comment line (``# ...``) outside any instruction."""

    text: str
    span: Span
    start_line: int
    end_line: int


@record
class Directive:
    """A parser directive (``# syntax=``, ``# escape=``, ``# check=``) honoured by BuildKit."""

    name: str
    value: str
    name_span: Span
    value_span: Span
    start_line: int
    end_line: int


@record
class Blank:
    """A line with nothing but whitespace."""

    start_line: int
    end_line: int


Node = Instruction | Comment | Directive | Blank


@record
class ParseError:
    """A problem the parser found; ``code`` is the rule that reports it."""

    code: str
    message: str
    span: Span


@record
class Dockerfile:
    """A parsed Dockerfile: every line belongs to exactly one node, in order.

    ``instructions`` are the instruction nodes, in order.
    """

    text: str
    lines: tuple[str, ...]
    nodes: tuple[Node, ...]
    escape: str
    errors: tuple[ParseError, ...]
    directives: tuple[Directive, ...] = field(default=())
    instructions: tuple[Instruction, ...] = field(default=())

    def node_text(self, node: Node) -> str:
        """The exact source text of a node, line endings included."""
        return "".join(self.lines[node.start_line: node.end_line + 1])

    def line_text(self, line: int) -> str:
        """A line's text without its line ending."""
        if 0 <= line < len(self.lines):
            return self.lines[line].rstrip("\r\n")
        return ""
