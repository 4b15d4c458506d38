"""Build variables: ARG and ENV scopes and BuildKit's word expansion with provenance."""

from __future__ import annotations

from collections.abc import Mapping

from ..record import record
from ..syntax.span import Span

#: BuildKit's automatic platform ARGs, with the values a linux/amd64 build gets.
PLATFORM_ARGS: Mapping[str, str] = {
    "TARGETPLATFORM": "linux/amd64", "TARGETOS": "linux", "TARGETARCH": "amd64",
    "TARGETVARIANT": "", "BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux",
    "BUILDARCH": "amd64", "BUILDVARIANT": "",
}
#: Predefined ARGs usable without declaration (proxies and BuildKit's own knobs).
PROXY_ARGS = (
    "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
    "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
)
BUILDKIT_ARGS = (
    "BUILDKIT_INLINE_CACHE", "BUILDKIT_MULTI_PLATFORM", "BUILDKIT_SANDBOX_HOSTNAME",
    "BUILDKIT_SYNTAX", "BUILDKIT_CONTEXT_KEEP_GIT_DIR", "BUILDKIT_CACHE_MOUNT_NS",
    "SOURCE_DATE_EPOCH",
)


@record
class Variable:
    """A variable definition: where it was set and its value there (``None`` if unknown)."""

    name: str
    value: str | None
    kind: str
    span: Span | None
    instruction: int = -1


@record
class Reference:
    """A ``$NAME`` or ``${NAME...}`` use inside a word; offsets index that word."""

    name: str
    start: int
    end: int
    has_default: bool


@record
class Expansion:
    """The result of expanding one word."""

    value: str
    references: tuple[Reference, ...]
    unresolved: tuple[str, ...]

    @property
    def exact(self) -> bool:
        """Tell whether every variable in the word had a known value."""
        return not self.unresolved


#: Deeper ``${A:-${B:-...}}`` nesting than this is not expanded (it cannot be meant).
_MAX_NESTING = 64
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")


def expand(word: str, scope: Mapping[str, Variable], escape: str = "\\",
           quotes: bool = True) -> Expansion:
    """Expand ``$VAR``, ``${VAR}``, ``${VAR:-d}``, ``${VAR:+a}`` (and ``-``/``+`` forms).

    With ``quotes`` the shell quotes are removed as BuildKit does for instruction words.
    Unknown variables expand to the empty string and are listed in ``unresolved``.
    """
    if "$" not in word and escape not in word and not (quotes and ("'" in word or '"' in word)):
        return Expansion(word, (), ())  # nothing to expand or unquote
    out: list[str] = []
    refs: list[Reference] = []
    unresolved: list[str] = []
    _expand_into(word, 0, len(word), scope, escape, quotes, out, refs, unresolved)
    return Expansion("".join(out), tuple(refs), tuple(unresolved))


def _expand_into(word: str, pos: int, end: int, scope: Mapping[str, Variable], escape: str,
                 quotes: bool, out: list[str], refs: list[Reference],
                 unresolved: list[str]) -> int:
    """Expand ``word[pos:end]`` into ``out``; return where it stopped."""
    quote = ""
    while pos < end:
        ch = word[pos]
        if quotes and quote != '"' and ch == "'" and quote == "":
            close = word.find("'", pos + 1, end)
            close = end if close < 0 else close
            out.append(word[pos + 1: close])
            pos = close + 1
            continue
        if quotes and ch == '"':
            quote = "" if quote else '"'
            pos += 1
            continue
        if ch == escape and pos + 1 < end:
            nxt = word[pos + 1]
            if quote and nxt not in ('"', "$", escape):
                out.append(ch)
            out.append(nxt)
            pos += 2
            continue
        if ch == "$" and pos + 1 < end:
            pos = _dollar(word, pos, end, scope, escape, out, refs, unresolved)
            continue
        out.append(ch)
        pos += 1
    return pos


def _dollar(word: str, pos: int, end: int, scope: Mapping[str, Variable], escape: str,
            out: list[str], refs: list[Reference], unresolved: list[str]) -> int:
    """Expand the ``$`` expression at ``pos``."""
    start = pos
    pos += 1
    if word[pos] != "{":
        name_end = pos
        while name_end < end and word[name_end] in _NAME_CHARS:
            name_end += 1
        if name_end == pos or word[pos] not in _NAME_START:
            out.append("$")
            return pos
        name = word[pos:name_end]
        refs.append(Reference(name, start, name_end, False))
        _lookup(name, scope, out, unresolved)
        return name_end
    close = _matching_brace(word, pos + 1, end)
    inner = word[pos + 1: close]
    name_end = 0
    while name_end < len(inner) and inner[name_end] in _NAME_CHARS:
        name_end += 1
    name = inner[:name_end]
    op = inner[name_end:]
    stop = min(close + 1, end)
    if not name:
        out.append(word[start:stop])
        return stop
    has_default = op[:2] in (":-", ":+", ":?") or op[:1] in ("-", "+", "?")
    refs.append(Reference(name, start, stop, has_default))
    var = scope.get(name)
    value = var.value if var is not None else None
    if op.startswith((":-", ":+", "-", "+")):
        colon = op.startswith(":")
        alt = op[2:] if colon else op[1:]
        is_set = var is not None and (value != "" or not colon)
        use_alt = (not is_set) if op.lstrip(":")[0] == "-" else is_set
        if use_alt:
            sub: list[str] = []
            if alt.count("${") > _MAX_NESTING:
                unresolved.append(name)  # absurdly deep: leave it unexpanded, never recurse
                return stop
            _expand_into(alt, 0, len(alt), scope, escape, True, sub, [], unresolved)
            out.append("".join(sub))
        elif op.lstrip(":")[0] == "-":
            if value is None:
                unresolved.append(name)
            out.append(value or "")
        return stop
    _lookup(name, scope, out, unresolved)
    return stop


def _lookup(name: str, scope: Mapping[str, Variable], out: list[str],
            unresolved: list[str]) -> None:
    """Append a variable's value, recording it as unresolved when unknown."""
    var = scope.get(name)
    if var is None or var.value is None:
        unresolved.append(name)
        return
    out.append(var.value)


def _matching_brace(word: str, pos: int, end: int) -> int:
    """Index of the ``}`` closing a ``${`` (nested braces allowed), or ``end``."""
    depth = 1
    while pos < end:
        if word[pos] == "{":
            depth += 1
        elif word[pos] == "}":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return end


def references(word: str) -> tuple[Reference, ...]:
    """The variable references in a word, without resolving them."""
    return expand(word, {}, quotes=False).references
