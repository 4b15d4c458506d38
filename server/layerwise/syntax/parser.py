"""Text → lossless syntax tree, agreeing with BuildKit's parser; never raises."""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from functools import lru_cache
from operator import eq

from ..record import replace
from .directives import match_directive
from .nodes import (
    Blank,
    Comment,
    Directive,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    KeyValue,
    LogicalLine,
    Node,
    ParseError,
    Token,
)
from .span import Span
from .words import (
    SPACE_CHARS,
    SPACES,
    extract_flags,
    heredoc_marker,
    lstrip_go,
    parse_words,
    shell_words,
    split_whitespace,
    strip_bounds,
)

_MAYBE_JSON = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL"})
_MAYBE_JSON_LIST = frozenset({"ADD", "COPY", "VOLUME"})
_WHITESPACE_LIST = frozenset({"FROM", "EXPOSE"})
_NAME_VALUE = frozenset({"ENV", "LABEL"})
_HEREDOC_HOSTS = frozenset({"ADD", "COPY", "RUN"})
_KEYWORD_END = re.compile(r"[\t\v\f\r ]")
# a keyword (up to a regex-whitespace character) and the Go blanks after it
_KEYWORD = re.compile(rf"([^\t\v\f\r ]*)[{re.escape(SPACE_CHARS)}]*")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_INSTRUCTION_LINE = re.compile(
    r"(?:ADD|ARG|CMD|COPY|ENTRYPOINT|ENV|EXPOSE|FROM|HEALTHCHECK|LABEL|MAINTAINER|ONBUILD|RUN"
    r"|SHELL|STOPSIGNAL|USER|VOLUME|WORKDIR)(?:[ \t]|$)"
)

# A head is an instruction without its heredoc bodies plus its heredoc markers.
_Marker = tuple[int, bool, str, bool, Span]
_Head = tuple[Instruction, tuple[_Marker, ...], tuple[ParseError, ...]]


def split_lines(text: str) -> tuple[str, ...]:
    """Split on ``\\n`` only (as BuildKit does), keeping line endings."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return tuple(lines)


def parse(text: str, previous: Dockerfile | None = None) -> Dockerfile:
    """Parse Dockerfile text into a lossless tree with positions; never raises.

    With the parse of an earlier version of the same document, the nodes before the first changed
    line (and, when no line was added or removed, after the last one) are reused as they are, so
    an edit re-parses only the instructions it touches.
    """
    return _Parser(text).run(previous)


class _Parser:
    """One pass over the lines; instruction heads are cached across calls."""

    nodes: list[Node]
    errors: list[ParseError]

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = split_lines(text)
        self.escape = "\\"
        self.nodes: list[Node] = []
        self.errors: list[ParseError] = []
        self.directives: list[Directive] = []

    def run(self, previous: Dockerfile | None = None) -> Dockerfile:
        """Walk every line and group them into nodes, reusing ``previous`` where it is unchanged."""
        lines = self.lines
        n = len(lines)
        i = self._directives()
        reuse = _Reuse.plan(previous, self, i) if previous is not None else None
        if reuse is not None:
            i = reuse.take_prefix(self)
        nodes = self.nodes
        while i < n:
            if reuse is not None and reuse.take_suffix(self, i):
                break
            content = lines[i].rstrip("\r\n")
            stripped = content.lstrip(SPACE_CHARS)
            if i == 0 and stripped.startswith("\ufeff"):
                stripped = stripped[1:].lstrip(SPACE_CHARS)
            if not stripped:
                nodes.append(Blank(i, i))
                i += 1
            elif stripped[0] == "#":
                col = len(content) - len(stripped)
                nodes.append(Comment(stripped, Span.of(i, col, i, len(content)), i, i))
                i += 1
            else:
                i = self._instruction(i, stripped)
        instructions = tuple([node for node in nodes if node.__class__ is Instruction])
        if not instructions:
            last = max(n - 1, 0)
            self.errors.append(ParseError(
                "LW001", "the file has no instructions; a Dockerfile needs at least a FROM",
                Span.of(last, 0, last, len(self.lines[last].rstrip("\r\n")) if n else 0)))
        return Dockerfile(self.text, lines, tuple(nodes), self.escape, tuple(self.errors),
                          tuple(self.directives), instructions)

    def _directives(self) -> int:
        """Read the directive block at the top; return the first line after it."""
        seen: set[str] = set()
        for i, raw in enumerate(self.lines):
            content = raw.rstrip("\r\n")
            stripped = lstrip_go(content.lstrip("\ufeff") if i == 0 else content)
            found = match_directive(stripped)
            if found is None:
                return i
            name, value, name_col, value_col, value_end = found
            base = len(content) - len(stripped)
            name_span = Span.of(i, base + name_col, i, base + name_col + len(name))
            value_span = Span.of(i, base + value_col, i, base + value_end)
            if name in seen:
                self.errors.append(ParseError(
                    "LW001", f"only one {name} parser directive can be used", name_span))
            seen.add(name)
            if name == "escape":
                if value in ("\\", "`"):
                    self.escape = value
                else:
                    self.errors.append(ParseError(
                        "LW001", f"invalid escape token '{value}': use ` or \\", value_span))
            directive = Directive(name, value, name_span, value_span, i, i)
            self.directives.append(directive)
            self.nodes.append(directive)
        return len(self.lines)

    def _instruction(self, start: int, first: str) -> int:
        """Group the lines of the instruction that starts with ``first`` (its first line, without
        the leading blanks), parse it, and return the next line index."""
        lines = self.lines
        n = len(lines)
        i = start + 1
        escape = self.escape
        if i < n and _continued(first, escape):
            while True:
                content = lines[i].rstrip("\r\n")
                probe = lstrip_go(content)
                i += 1
                if (probe and probe[0] != "#" and not _continued(content, escape)) or i >= n:
                    break
            head_text = "".join(lines[start:i])
        else:
            head_text = lines[start]
        inst, markers, errors = _head(head_text, start, escape)
        if errors:
            self.errors.extend(errors)
        if markers:
            inst, i = self._heredocs(inst, markers, i)
        self.nodes.append(inst)
        return i

    def _heredocs(self, inst: Instruction, markers: tuple[_Marker, ...],
                  i: int) -> tuple[Instruction, int]:
        """Read the heredoc bodies that follow an instruction's head."""
        lines = self.lines
        n = len(lines)
        docs: list[Heredoc] = []
        for fd, chomp, name, expand, marker in markers:
            body_start = i
            terminator: Span | None = None
            while i < n:
                candidate = lines[i].rstrip("\r\n")
                if (candidate.lstrip("\t") if chomp else candidate) == name:
                    terminator = Span.of(i, 0, i, len(candidate))
                    break
                if inst.known and _INSTRUCTION_LINE.match(candidate) and i > body_start and \
                        not _terminated_later(lines, i, name, chomp):
                    break
                i += 1
            content = "".join(lines[body_start:i])
            end_line = max(i - 1, body_start)
            body = Span.of(body_start, 0, end_line, len(lines[end_line].rstrip("\r\n"))) \
                if i > body_start else Span.of(body_start, 0, body_start, 0)
            if terminator is None:
                self.errors.append(ParseError(
                    "LW006", f"unterminated heredoc: no line '{name}' ends it", marker))
            else:
                i += 1
            docs.append(Heredoc(name, chomp, expand, fd, marker, content, body, terminator))
        end_line = max(i - 1, inst.end_line)
        return replace(inst, heredocs=tuple(docs), end_line=end_line), i


class _Reuse:
    """Which nodes of the previous parse of a document can be kept for the new text."""

    def __init__(self, previous: Dockerfile, prefix_end: int, suffix_start: int, delta: int,
                 body: int) -> None:
        self.previous = previous
        self.prefix_end = prefix_end  # new lines before this one are unchanged
        self.suffix_start = suffix_start  # new lines from this one on are unchanged
        self.delta = delta  # lines added (positive) or removed by the edit
        self.body = body  # index of the first node after the directives in ``previous``

    @classmethod
    def plan(cls, previous: Dockerfile, parser: _Parser, first: int) -> _Reuse | None:
        """Compare the lines of both versions; ``None`` when nothing can be reused."""
        old, new = previous.lines, parser.lines
        if (previous.escape != parser.escape or not previous.instructions
                or len(parser.directives) != len(previous.directives)):
            return None
        limit = min(len(old), len(new))
        p = first + _same_run(old[first:limit], new[first:limit])
        m = limit - p
        s = _same_run(old[len(old) - m:][::-1], new[len(new) - m:][::-1])
        body = len(previous.directives)
        return cls(previous, p, len(new) - s, len(new) - len(old), body)

    def take_prefix(self, parser: _Parser) -> int:
        """Append the unchanged nodes before the edit; return the line to parse from."""
        previous = self.previous
        nodes = previous.nodes
        # the last node may run to the end of the file only because the file ended there, and
        # an unterminated heredoc ends where a later line looks like an instruction
        limit = min(self.prefix_end, len(previous.lines) - 1)
        for error in previous.errors:
            if error.code == "LW006":
                limit = min(limit, error.span.start.line)
        k = bisect_left(nodes, limit, lo=self.body, key=_end_line)
        resume = nodes[k].start_line if k < len(nodes) else nodes[-1].end_line + 1
        parser.nodes.extend(nodes[self.body:k])
        parser.errors.extend(e for e in previous.errors
                             if len(parser.directives) <= e.span.start.line < resume)
        return resume

    def take_suffix(self, parser: _Parser, line: int) -> bool:
        """At a node boundary in the unchanged tail, append the rest of the previous nodes."""
        if self.delta or line < self.suffix_start or line < self.prefix_end:
            return False
        nodes = self.previous.nodes
        k = bisect_left(nodes, line, lo=self.body, key=_start_line)
        if k == len(nodes) or nodes[k].start_line != line:
            return False
        parser.nodes.extend(nodes[k:])
        parser.errors.extend(e for e in self.previous.errors if e.span.start.line >= line)
        return True


def _same_run(old: tuple[str, ...], new: tuple[str, ...]) -> int:
    """How many lines at the start of ``old`` and ``new`` are equal (compared in C)."""
    same = list(map(eq, old, new))
    return same.index(False) if False in same else len(same)


def _start_line(node: Node) -> int:
    """The first line of a node (a sort key of a node list)."""
    return node.start_line


def _end_line(node: Node) -> int:
    """The last line of a node (a sort key of a node list)."""
    return node.end_line


def _terminated_later(lines: tuple[str, ...], i: int, name: str, chomp: bool) -> bool:
    """Tell whether a heredoc terminator appears at or after line ``i``."""
    for line in lines[i:]:
        candidate = line.rstrip("\r\n")
        if (candidate.lstrip("\t") if chomp else candidate) == name:
            return True
    return False


@lru_cache(maxsize=65536)
def _head(head_text: str, start: int, escape: str) -> _Head:
    """Parse an instruction's own lines (cached by text, position and escape)."""
    logical, comments, empties, end = _logical(head_text, start, escape)
    errors: list[ParseError] = []
    text = logical.text
    lo = len(text) - len(text.lstrip(SPACE_CHARS))
    hi = max(len(text.rstrip(SPACE_CHARS)), lo)
    inst = _build(logical, lo, hi, start, end, escape, errors, comments, empties)
    markers: tuple[_Marker, ...] = ()
    if "<<" in text:
        target = inst.sub if inst.sub is not None else inst
        if target.name in _HEREDOC_HOSTS and not target.json:
            markers = _markers(logical)
    return inst, markers, tuple(errors) if errors else ()


def _logical(head_text: str, start: int, escape: str) -> tuple[
        LogicalLine, tuple[int, ...], tuple[int, ...], int]:
    """Join continuation lines the way BuildKit does, remembering where each piece came from."""
    newline = head_text.find("\n")
    single = newline < 0 or newline == len(head_text) - 1
    content = head_text.rstrip("\r\n") if single else head_text[:newline].rstrip("\r")
    stripped = content.lstrip(SPACE_CHARS)
    if start == 0 and stripped.startswith("\ufeff"):
        stripped = stripped[1:].lstrip(SPACE_CHARS)
    first = (0, start, len(content) - len(stripped))
    content = _without_continuation(stripped, escape)
    if single:
        return LogicalLine(content, (first,)), (), (), start
    raw_lines = head_text.split("\n")
    if raw_lines[-1] == "":
        raw_lines.pop()
    pieces = [content]
    segments = [first]
    comments: list[int] = []
    empties: list[int] = []
    offset = len(content)
    for line, raw in enumerate(raw_lines[1:], start + 1):
        content = raw.rstrip("\r")
        probe = content.lstrip(SPACE_CHARS)
        if not probe:
            empties.append(line)
            continue
        if probe[0] == "#":
            comments.append(line)
            continue
        content = _without_continuation(content, escape)
        segments.append((offset, line, 0))
        pieces.append(content)
        offset += len(content)
    return (LogicalLine("".join(pieces), tuple(segments)), tuple(comments), tuple(empties),
            start + len(raw_lines) - 1)


def _continued(content: str, escape: str) -> bool:
    """Tell whether a physical line ends with the escape character that continues it."""
    trimmed = content.rstrip(" \t")
    return trimmed.endswith(escape) and (len(trimmed) == 1 or trimmed[-2] != escape)


def _without_continuation(content: str, escape: str) -> str:
    """A physical line without the escape character that continues it on the next line."""
    trimmed = content.rstrip(" \t")
    if trimmed.endswith(escape) and (len(trimmed) == 1 or trimmed[-2] != escape):
        return trimmed[:-1]
    return content


def _build(logical: LogicalLine, lo: int, hi: int, start: int, end: int, escape: str,
           errors: list[ParseError], comment_lines: tuple[int, ...] = (),
           empty_continuation_lines: tuple[int, ...] = ()) -> Instruction:
    """Parse ``logical.text[lo:hi]`` as one instruction (recursively for ONBUILD); the range
    starts and ends with no blank."""
    text = logical.text
    m = _KEYWORD.match(text, lo, hi)  # it matches the empty string too
    kw_end = m.end(1)  # type: ignore[union-attr]
    a0 = m.end()  # type: ignore[union-attr]
    keyword = Token(text[lo:kw_end], logical, lo, kw_end)
    flags: tuple[Flag, ...] = ()
    if text.startswith("--", a0, hi):
        raw_flags, args_start = extract_flags(text, a0, hi, escape)
        flags = tuple(_flag(logical, word, a, b) for word, a, b in raw_flags)
        a0, _ = strip_bounds(text, args_start, hi)
    args = Token(text[a0:hi], logical, a0, hi)
    name = keyword.value.upper()
    json = False
    exec_args: tuple[Token, ...] | None = ()
    words: tuple[Token, ...] = ()
    pairs: tuple[KeyValue, ...] = ()
    sub = None
    if name in _MAYBE_JSON or name in _MAYBE_JSON_LIST:
        exec_args = _json_args(logical, a0, hi, errors) if text.startswith("[", a0, hi) else None
        if exec_args is not None:
            json = True
        elif name in _MAYBE_JSON_LIST and hi > a0:
            words = _tokens(logical, split_whitespace(text, a0, hi))
    elif name in _WHITESPACE_LIST:
        if hi > a0:
            words = _tokens(logical, split_whitespace(text, a0, hi))
    elif name in _NAME_VALUE:
        pairs = _name_values(logical, a0, hi, name, escape, errors)
    elif name == "ARG":
        pairs = tuple(_key_value(logical, w, a, b) for w, a, b in parse_words(text, a0, hi, escape))
    elif name == "HEALTHCHECK":
        words, exec_args = _healthcheck(logical, a0, hi, errors)
        json = exec_args is not None
    elif name == "ONBUILD" and hi > a0:
        sub = _build(logical, a0, hi, start, end, escape, errors)
    return Instruction(keyword, flags, args, logical, start, end, name, a0, json, exec_args or (),
                       words, pairs, (), sub, comment_lines, empty_continuation_lines)


def _tokens(logical: LogicalLine, words: list[tuple[str, int, int]]) -> tuple[Token, ...]:
    """Turn word triples into tokens with source spans."""
    return tuple(Token(w, logical, a, b) for w, a, b in words)


def _flag(logical: LogicalLine, word: str, a: int, b: int) -> Flag:
    """Build a flag from its processed word and its raw extent."""
    body = word[2:]
    name, sep, value = body.partition("=")
    eq = logical.text.find("=", a, b) if sep else -1
    return Flag(name.lower(), value if sep else None, word, logical, a, eq, b)


def _json_args(logical: LogicalLine, a0: int, a1: int,
               errors: list[ParseError]) -> tuple[Token, ...] | None:
    """Parse exec form; ``None`` means "not JSON, use shell form" as BuildKit decides."""
    if not logical.text.startswith("[", a0, a1):
        return None
    text = logical.text[a0:a1]
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        errors.append(ParseError(
            "LW001", "when using JSON array syntax, arrays must be comprised of strings only",
            logical.span(a0, a1)))
        return ()
    out = []
    for m in _JSON_STRING.finditer(text):
        value = json.loads(m.group(0))
        out.append(Token(value, logical, a0 + m.start(), a0 + m.end()))
    return tuple(out)


def _reject_constant(name: str) -> float:
    """Refuse ``NaN`` and ``Infinity``, which Go's JSON decoder does not accept."""
    raise ValueError(name)


def _name_values(logical: LogicalLine, a0: int, a1: int, name: str, escape: str,
                 errors: list[ParseError]) -> tuple[KeyValue, ...]:
    """Parse ``ENV``/``LABEL`` arguments in ``k=v`` or legacy ``k v`` form."""
    text = logical.text
    words = parse_words(text, a0, a1, escape)
    if not words:
        return ()
    if "=" not in words[0][0]:
        m = _KEYWORD_END.search(text, a0, a1)
        if m is None:
            errors.append(ParseError("LW001", f"{name} must have two arguments",
                                     logical.span(a0, a1)))
            return (KeyValue(Token(text[a0:a1], logical, a0, a1), None, legacy=True),)
        v0 = m.start()
        while v0 < a1 and text[v0] in "\t\v\f\r ":
            v0 += 1
        key = Token(text[a0:m.start()], logical, a0, m.start())
        return (KeyValue(key, Token(text[v0:a1], logical, v0, a1), legacy=True),)
    pairs = []
    for word, a, b in words:
        if "=" not in word:
            errors.append(ParseError(
                "LW001", f"can't find = in '{word}'; {name} takes name=value pairs",
                logical.span(a, b)))
        pairs.append(_key_value(logical, word, a, b))
    return tuple(pairs)


def _key_value(logical: LogicalLine, word: str, a: int, b: int) -> KeyValue:
    """Split one ``k=v`` word into a key token and a value token."""
    key, sep, value = word.partition("=")
    k_end = a + len(key)
    key_tok = Token(key, logical, a, k_end)
    if not sep:
        return KeyValue(key_tok, None)
    return KeyValue(key_tok, Token(value, logical, k_end + 1, b))


def _healthcheck(logical: LogicalLine, a0: int, a1: int,
                 errors: list[ParseError]) -> tuple[tuple[Token, ...], tuple[Token, ...] | None]:
    """Parse ``HEALTHCHECK [flags] NONE|CMD ...``: the type word, then the command in exec form
    (``None`` when it is not)."""
    text = logical.text
    sep = a0
    while sep < a1 and text[sep] not in SPACES:
        sep += 1
    if sep == a0:
        return (), None
    c0, c1 = strip_bounds(text, sep, a1)
    return ((Token(text[a0:sep], logical, a0, sep),),
            _json_args(logical, c0, c1, errors))


def _markers(logical: LogicalLine) -> tuple[_Marker, ...]:
    """Find ``<<EOF`` words in an instruction line as BuildKit does."""
    words = shell_words(logical.text)
    if not words:
        return ()
    out = []
    for word, a, b in words:
        if "<<" not in word:
            continue
        found = heredoc_marker(word)
        if found is not None:
            fd, chomp, name, expand = found
            out.append((fd, chomp, name, expand, logical.span(a, b)))
    return tuple(out)

