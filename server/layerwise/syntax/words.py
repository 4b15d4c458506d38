"""Word splitting exactly as BuildKit's Dockerfile parser does it, with offsets.

Every function returns ``(word, start, end)`` triples whose offsets index the input string,
so callers can map them back to source positions.
"""

from __future__ import annotations

import re

Word = tuple[str, int, int]

#: Go's ``unicode.IsSpace``: Latin-1 spaces plus the Unicode White_Space property.
SPACES = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: The same, as a string for ``str.strip`` and regular expressions.
SPACE_CHARS = "".join(sorted(SPACES))
_SPACE = re.compile(f"[{re.escape(SPACE_CHARS)}]")  # one Go space
_FIELD = re.compile(f"[^{re.escape(SPACE_CHARS)}]+")  # a run of anything else
#: BuildKit's ``reWhitespace``: the separators of whitespace-delimited arguments.
_WS_RUN = re.compile(r"[\t\v\f\r ]+")
_HEREDOC = re.compile(r"^(\d*)<<(-?)\s*([^<]*)$", re.DOTALL)
#: What makes the shell lexer more than a split on spaces: quotes, escapes, ``${``, ``<<`` and a
#: blank.
_LEXED = re.compile(r"['\"\\]|\$\{|<<[ \t]")
_QUOTED = re.compile(r"['\"\\]")


def lstrip_go(text: str) -> str:
    """Strip leading whitespace as Go's ``unicode.IsSpace`` defines it."""
    return text.lstrip(SPACE_CHARS)


def strip_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past Go whitespace on both sides."""
    while start < end and text[start] in SPACES:
        start += 1
    while end > start and text[end - 1] in SPACES:
        end -= 1
    return start, end


def split_whitespace(text: str, start: int, end: int) -> list[Word]:
    """Split ``text[start:end]`` on runs of ``[\\t\\v\\f\\r ]`` (FROM, EXPOSE, COPY shell form)."""
    out: list[Word] = []
    pos = start
    for m in _WS_RUN.finditer(text, start, end):
        out.append((text[pos: m.start()], pos, m.start()))
        pos = m.end()
    out.append((text[pos:end], pos, end))
    return out


def parse_words(text: str, start: int, end: int, escape: str) -> list[Word]:
    """Split like BuildKit's ``parseWords`` (ENV, LABEL, ARG): quotes group, nothing is removed."""
    if _plain(text, start, end, escape):
        return [(m.group(), m.start(), m.end()) for m in _FIELD.finditer(text, start, end)]
    out: list[Word] = []
    pos = start
    while pos < end:
        while pos < end and text[pos] in SPACES:
            pos += 1
        if pos >= end:
            break
        begin = pos
        quote = ""
        while pos < end:
            ch = text[pos]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == escape and quote != "'":
                    pos += 1
            elif ch in SPACES:
                break
            elif ch in "'\"":
                quote = ch
            elif ch == escape:
                pos += 1
            pos += 1
        stop = min(pos, end)
        word = text[begin:stop]
        if word.endswith(escape) and stop == end and not _escaped_at(text, begin, stop - 1, escape):
            word = word[:-1]
        out.append((word, begin, stop))
    return out


def _plain(text: str, start: int, end: int, escape: str) -> bool:
    """Tell whether ``text[start:end]`` has no quote and no escape character, so that its words
    are just its runs of non-space characters."""
    return (text.find("'", start, end) < 0 and text.find('"', start, end) < 0
            and text.find(escape, start, end) < 0)


def _escaped_at(text: str, begin: int, index: int, escape: str) -> bool:
    """Tell whether the escape char at ``index`` is itself escaped."""
    count = 0
    i = index - 1
    while i >= begin and text[i] == escape:
        count += 1
        i -= 1
    return count % 2 == 1


def extract_flags(text: str, start: int, end: int, escape: str) -> tuple[list[Word], int]:
    """Read leading ``--flag`` words like BuildKit's ``extractBuilderFlags``.

    Returns the processed flag words (quotes removed, escapes applied) and the offset where the
    arguments start.
    """
    flags: list[Word] = []
    pos = start
    while True:
        while pos < end and text[pos] in SPACES:
            pos += 1
        if pos >= end:
            return flags, end
        if pos + 1 >= end or text[pos] != "-" or text[pos + 1] != "-":
            return flags, pos
        begin = pos
        space = _SPACE.search(text, pos, end)
        stop = space.start() if space else end
        if _plain(text, begin, stop, escape):
            word, pos, blank_ok = text[begin:stop], stop, False
        else:
            word, pos, blank_ok = _flag_word(text, begin, end, escape)
        if word == "--" and pos < end:
            return flags, pos
        if word != "--" and (blank_ok or word):
            flags.append((word, begin, pos))
        if pos >= end:
            return flags, end


def _flag_word(text: str, pos: int, end: int, escape: str) -> tuple[str, int, bool]:
    """Read one flag word with quotes and escapes: its processed text, where it ends, and whether
    it had quotes (so that it counts even when empty)."""
    chars: list[str] = []
    quote = ""
    blank_ok = False
    while pos < end:
        ch = text[pos]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == escape:
                if pos + 1 == end:
                    quote = ""
                    pos += 1
                    continue
                pos += 1
                chars.append(text[pos])
            else:
                chars.append(ch)
            pos += 1
            continue
        if ch in SPACES:
            break
        if ch in "'\"":
            quote = ch
            blank_ok = True
        elif ch == escape:
            if pos + 1 < end:
                pos += 1
                chars.append(text[pos])
        else:
            chars.append(ch)
        pos += 1
    return "".join(chars), pos, blank_ok


def shell_words(text: str) -> list[Word] | None:
    """Split like BuildKit's shell lexer in raw mode; ``None`` when the lexer would fail."""
    if _LEXED.search(text) is None:
        return [(m.group(), m.start(), m.end()) for m in _FIELD.finditer(text)]
    out: list[Word] = []
    n = len(text)
    pos = 0
    begin = -1
    while pos < n:
        ch = text[pos]
        if ch in SPACES:
            if begin >= 0:
                out.append((text[begin:pos], begin, pos))
                begin = -1
            pos += 1
            continue
        if begin < 0:
            begin = pos
        if ch == "'":
            close = text.find("'", pos + 1)
            if close < 0:
                return None
            pos = close + 1
        elif ch == '"':
            pos += 1
            while pos < n and text[pos] != '"':
                pos += 2 if text[pos] == "\\" else 1
            if pos >= n:
                return None
            pos += 1
        elif ch == "\\":
            pos += 2
        elif ch == "$" and text.startswith("${", pos):
            if pos + 2 >= n or text[pos + 2] in "{}:":
                return None
            close = text.find("}", pos + 2)
            if close < 0:
                return None
            pos = close + 1
        elif text.startswith("<<", pos):
            pos += 2
            while pos < n and text[pos] in " \t":
                pos += 1
        else:
            pos += 1
    if begin >= 0:
        out.append((text[begin:min(pos, n)], begin, min(pos, n)))
    return out


def heredoc_marker(word: str) -> tuple[int, bool, str, bool] | None:
    """Read ``<<EOF``-style words: ``(fd, chomp, name, expand)``, or ``None`` if not a heredoc."""
    m = _HEREDOC.match(word)
    if m is None or not m.group(3):
        return None
    rest = m.group(3)
    name = _unquote(rest)
    if name is None or not name or any(c in SPACES for c in name if c not in rest):
        return None
    raw_quotes = rest.count("'") + rest.count('"')
    expand = name.count("'") + name.count('"') == raw_quotes
    return int(m.group(1) or 0), m.group(2) == "-", name, expand


def _unquote(word: str) -> str | None:
    """Remove shell quotes and backslash escapes from one word; ``None`` if it splits."""
    if _QUOTED.search(word) is None:
        return None if _SPACE.search(word) else word
    out: list[str] = []
    pos = 0
    n = len(word)
    while pos < n:
        ch = word[pos]
        if ch == "'":
            close = word.find("'", pos + 1)
            if close < 0:
                return None
            out.append(word[pos + 1: close])
            pos = close + 1
        elif ch == '"':
            pos += 1
            while pos < n and word[pos] != '"':
                if word[pos] == "\\" and pos + 1 < n and word[pos + 1] in '"$\\':
                    pos += 1
                out.append(word[pos])
                pos += 1
            if pos >= n:
                return None
            pos += 1
        elif ch == "\\":
            if pos + 1 < n:
                out.append(word[pos + 1])
            pos += 2
        elif ch in SPACES:
            return None
        else:
            out.append(ch)
            pos += 1
    return "".join(out)
