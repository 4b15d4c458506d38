"""Text → lossless syntax tree, agreeing with BuildKit's parser; never raises."""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import replace
from functools import lru_cache

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
_KEYWORD = re.compile(r"([^\t\v\f\r ]*)[\t\v\f\r ]*")  # a keyword and the blanks after it
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
        while i < n:
            if reuse is not None and reuse.take_suffix(self, i):
                break
            content = lines[i].rstrip("\r\n")
            stripped = lstrip_go(content)
            if i == 0 and stripped.startswith("\ufeff"):
                stripped = lstrip_go(stripped[1:])
            if not stripped:
                self.nodes.append(Blank(i, i))
                i += 1
            elif stripped[0] == "#":
                col = len(content) - len(stripped)
                self.nodes.append(Comment(stripped, Span.of(i, col, i, len(content)), i, i))
                i += 1
            else:
                i = self._instruction(i)
        if not any(isinstance(node, Instruction) for node in self.nodes):
            last = max(n - 1, 0)
            self.errors.append(ParseError(
                "LW001", "the file has no instructions; a Dockerfile needs at least a FROM",
                Span.of(last, 0, last, len(self.lines[last].rstrip("\r\n")) if n else 0)))
        nodes = tuple(self.nodes)
        return Dockerfile(self.text, lines, nodes, self.escape, tuple(self.errors),
                          tuple(self.directives),
                          tuple(n for n in nodes if isinstance(n, Instruction)))

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

    def _instruction(self, start: int) -> int:
        """Group one instruction's lines, parse it, and return the next line index."""
        lines = self.lines
        n = len(lines)
        i = start
        escape = self.escape
        while True:
            content = lines[i].rstrip("\r\n")
            body = content if i > start else lstrip_go(content)
            if i > start:
                probe = lstrip_go(content)
                if not probe or probe[0] == "#":
                    i += 1
                    if i >= n:
                        break
                    continue
            trimmed = body.rstrip(" \t")
            i += 1
            continued = trimmed.endswith(escape) and (
                len(trimmed) == 1 or trimmed[-2] != escape)
            if not continued or i >= n:
                break
        head_text = "".join(lines[start:i])
        inst, markers, errors = _head(head_text, start, escape)
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
        self.starts: dict[int, int] | None = None

    @classmethod
    def plan(cls, previous: Dockerfile, parser: _Parser, first: int) -> _Reuse | None:
        """Compare the lines of both versions; ``None`` when nothing can be reused."""
        old, new = previous.lines, parser.lines
        if (previous.escape != parser.escape or not previous.instructions
                or len(parser.directives) != len(previous.directives)):
            return None
        limit = min(len(old), len(new))
        p = first
        while p < limit and old[p] == new[p]:
            p += 1
        s = 0
        while s < limit - p and old[-1 - s] == new[-1 - s]:
            s += 1
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
        if self.starts is None:
            self.starts = {node.start_line: k for k, node in enumerate(self.previous.nodes)}
        k = self.starts.get(line)
        if k is None or k < self.body:
            return False
        parser.nodes.extend(self.previous.nodes[k:])
        parser.errors.extend(e for e in self.previous.errors if e.span.start.line >= line)
        return True


def _end_line(node: Node) -> int:
    """The last line of a node (the sort key of a node list)."""
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
    inst = _build(logical, 0, len(logical.text), start, end, escape, errors, comments, empties)
    markers: tuple[_Marker, ...] = ()
    target = inst.sub if inst.sub is not None else inst
    if target.name in _HEREDOC_HOSTS and not target.json and "<<" in logical.text:
        markers = _markers(logical)
    return inst, markers, tuple(errors)


def _logical(head_text: str, start: int, escape: str) -> tuple[
        LogicalLine, tuple[int, ...], tuple[int, ...], int]:
    """Join continuation lines the way BuildKit does, remembering where each piece came from."""
    raw_lines = head_text.split("\n")
    if len(raw_lines) > 1 and raw_lines[-1] == "":
        raw_lines.pop()
    content = raw_lines[0].rstrip("\r")
    stripped = lstrip_go(content)
    if start == 0 and stripped.startswith("\ufeff"):
        stripped = lstrip_go(stripped[1:])
    first = (0, start, len(content) - len(stripped))
    content = _without_continuation(stripped, escape)
    if len(raw_lines) == 1:
        return LogicalLine(content, (first,)), (), (), start
    pieces = [content]
    segments = [first]
    comments: list[int] = []
    empties: list[int] = []
    offset = len(content)
    for line, raw in enumerate(raw_lines[1:], start + 1):
        content = raw.rstrip("\r")
        probe = lstrip_go(content)
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


def _without_continuation(content: str, escape: str) -> str:
    """A physical line without the escape character that continues it on the next line."""
    trimmed = content.rstrip(" \t")
    if trimmed.endswith(escape) and (len(trimmed) == 1 or trimmed[-2] != escape):
        return trimmed[:-1]
    return content


def _build(logical: LogicalLine, lo: int, hi: int, start: int, end: int, escape: str,
           errors: list[ParseError], comment_lines: tuple[int, ...] = (),
           empty_continuation_lines: tuple[int, ...] = ()) -> Instruction:
    """Parse ``logical.text[lo:hi]`` as one instruction (recursively for ONBUILD)."""
    text = logical.text
    lo, hi = strip_bounds(text, lo, hi)
    m = _KEYWORD.match(text, lo, hi)  # it matches the empty string too
    kw_end, rest = m.end(1), m.end()  # type: ignore[union-attr]
    keyword = Token(text[lo:kw_end], logical.span(lo, kw_end))
    a0, a1 = strip_bounds(text, rest, hi)
    flags: tuple[Flag, ...] = ()
    if text.startswith("--", a0, a1):
        raw_flags, args_start = extract_flags(text, a0, hi, escape)
        flags = tuple(_flag(logical, word, a, b) for word, a, b in raw_flags)
        a0, a1 = strip_bounds(text, args_start, hi)
    args = Token(text[a0:a1], logical.span(a0, a1))
    name = keyword.value.upper()
    json = False
    exec_args: tuple[Token, ...] | None = ()
    words: tuple[Token, ...] = ()
    pairs: tuple[KeyValue, ...] = ()
    sub = None
    if name in _MAYBE_JSON or name in _MAYBE_JSON_LIST:
        exec_args = _json_args(logical, a0, a1, keyword, errors)
        if exec_args is not None:
            json = True
        elif name in _MAYBE_JSON_LIST and a1 > a0:
            words = _tokens(logical, split_whitespace(text, a0, a1))
    elif name in _WHITESPACE_LIST:
        if a1 > a0:
            words = _tokens(logical, split_whitespace(text, a0, a1))
    elif name in _NAME_VALUE:
        pairs = _name_values(logical, a0, a1, name, escape, errors)
    elif name == "ARG":
        pairs = tuple(_key_value(logical, w, a, b) for w, a, b in parse_words(text, a0, a1, escape))
    elif name == "HEALTHCHECK":
        words, exec_args = _healthcheck(logical, a0, a1, keyword, errors)
        json = exec_args is not None
    elif name == "ONBUILD" and a1 > a0:
        sub = _build(logical, a0, a1, start, end, escape, errors)
    return Instruction(keyword, flags, args, logical, start, end, name, a0, json, exec_args or (),
                       words, pairs, (), sub, comment_lines, empty_continuation_lines)


def _tokens(logical: LogicalLine, words: list[tuple[str, int, int]]) -> tuple[Token, ...]:
    """Turn word triples into tokens with source spans."""
    return tuple(Token(w, logical.span(a, b)) for w, a, b in words)


def _flag(logical: LogicalLine, word: str, a: int, b: int) -> Flag:
    """Build a flag from its processed word and its raw extent."""
    body = word[2:]
    name, sep, value = body.partition("=")
    raw = logical.text[a:b]
    eq = raw.find("=")
    if sep and eq >= 0:
        name_span = logical.span(a + 2, a + eq)
        value_span: Span | None = logical.span(a + eq + 1, b)
    else:
        name_span = logical.span(a + 2, b)
        value_span = None
    return Flag(name.lower(), value if sep else None, logical.span(a, b), name_span,
                value_span, word)


def _json_args(logical: LogicalLine, a0: int, a1: int, keyword: Token,
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
        out.append(Token(value, logical.span(a0 + m.start(), a0 + m.end())))
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
            return (KeyValue(Token(text[a0:a1], logical.span(a0, a1)), None, legacy=True),)
        v0 = m.start()
        while v0 < a1 and text[v0] in "\t\v\f\r ":
            v0 += 1
        key = Token(text[a0:m.start()], logical.span(a0, m.start()))
        return (KeyValue(key, Token(text[v0:a1], logical.span(v0, a1)), legacy=True),)
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
    key_tok = Token(key, logical.span(a, k_end))
    if not sep:
        return KeyValue(key_tok, None)
    return KeyValue(key_tok, Token(value, logical.span(k_end + 1, b)))


def _healthcheck(logical: LogicalLine, a0: int, a1: int, keyword: Token,
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
    return ((Token(text[a0:sep], logical.span(a0, sep)),),
            _json_args(logical, c0, c1, keyword, errors))


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

