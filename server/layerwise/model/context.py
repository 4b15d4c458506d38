"""The build context: the folder a Dockerfile builds from, filtered by its ``.dockerignore``.

Semantics follow BuildKit: the ignore file is looked up as the ``dockerui`` frontend does,
lines are read like moby/patternmatcher's ``ignorefile`` reader, patterns match like
moby/patternmatcher, and paths are filtered like fsutil's walk (each path reuses the
per-pattern results of its parent directory). Nothing here reads file contents other than
the ignore file, follows a symlink out of the context, or raises on I/O problems.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..record import record

__all__ = [
    "DOCKERIGNORE",
    "BuildContext",
    "IgnorePattern",
    "PatternError",
    "go_clean",
    "parse_dockerignore",
]

#: Name of the context-wide ignore file.
DOCKERIGNORE = ".dockerignore"

_BOM = "\ufeff"
_NEVER = re.compile(r"(?!)")
#: Characters that make an exception pattern a wildcard for fsutil's pruning (Unix).
_PRUNE_WILDCARDS = frozenset("*?[]^\\")
#: Characters that make a COPY source segment a pattern (Go ``filepath`` hasMeta, Unix).
_GLOB_META = frozenset("*?[\\")

Bits = tuple[bool, ...]


class PatternError(ValueError):
    """A malformed pattern (Go's ``filepath.ErrBadPattern``)."""


# --------------------------------------------------------------------------- patterns


def go_clean(path: str) -> str:
    """Return the shortest equivalent slash path, like Go's ``path.Clean``."""
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    body = "/".join(parts)
    if rooted:
        return "/" + body
    return body or "."


def _class_char(text: str, i: int) -> tuple[str, int]:
    """Read one (possibly escaped) character of a ``[...]`` class at ``text[i]``."""
    if i >= len(text) or text[i] in "-]":
        raise PatternError("syntax error in pattern")
    if text[i] == "\\":
        i += 1
        if i >= len(text):
            raise PatternError("syntax error in pattern")
    return text[i], i + 1


def _char_class(text: str, i: int) -> tuple[str, int]:
    """Translate the class opening at ``text[i] == '['``; return ``(regex, next_index)``."""
    i += 1
    negated = i < len(text) and text[i] == "^"
    if negated:
        i += 1
    items: list[str] = []
    count = 0
    while not (i < len(text) and text[i] == "]" and count):
        low, i = _class_char(text, i)
        high = low
        if i < len(text) and text[i] == "-":
            high, i = _class_char(text, i + 1)
        count += 1
        if low <= high:  # Go accepts reversed ranges; they match nothing
            items.append(re.escape(low) if low == high else f"{re.escape(low)}-{re.escape(high)}")
    body = "".join(items)
    if negated:
        return (f"[^{body}]" if body else r"[\s\S]"), i + 1
    return (f"[{body}]" if body else "(?!)"), i + 1


def _escaped(text: str, i: int) -> str:
    """The character escaped by the backslash at ``text[i]``."""
    if i + 1 >= len(text):
        raise PatternError("syntax error in pattern")
    return text[i + 1]


def _segment_regex(segment: str) -> str:
    """Regex for one path segment of a Go ``filepath.Match`` pattern."""
    out: list[str] = []
    i = 0
    while i < len(segment):
        ch = segment[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            out.append(re.escape(_escaped(segment, i)))
            i += 1
        elif ch == "[":
            regex, i = _char_class(segment, i)
            out.append(regex)
            continue
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _ignore_regex(pattern: str) -> str:
    """Regex (for ``fullmatch``) equivalent to patternmatcher's matcher for ``pattern``.

    patternmatcher picks one of four strategies (exact, prefix, suffix, regexp); the
    prefix and suffix ones are plain string tests, reproduced here as regexes.
    """
    out: list[str] = []
    kind = "exact"
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            leading = i == 0
            i += 2
            if i < len(pattern) and pattern[i] == "/":
                i += 1
            if i < len(pattern):
                out.append("(?:.*/)?")
                kind = "regexp"
            elif kind == "exact":
                kind = "prefix"
            else:
                out.append(".*")
                kind = "regexp"
            if leading:
                kind = "suffix"
            continue
        if ch in "*?[]\\":
            kind = "regexp"
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            out.append(re.escape(_escaped(pattern, i)))
            i += 1
        elif ch == "[":
            regex, i = _char_class(pattern, i)
            out.append(regex)
            continue
        else:
            out.append(re.escape(ch))
        i += 1
    if kind == "exact":
        return re.escape(pattern)
    if kind == "prefix":  # "foo**": any path starting with "foo"
        return re.escape(pattern[:-2]) + ".*"
    if kind == "suffix":  # "**foo": any path ending with "foo"; "**/foo" also matches "foo"
        rest = pattern[2:]
        if rest.startswith("/"):
            return "(?:.*/)?" + re.escape(rest[1:])
        return ".*" + re.escape(rest)
    return "".join(out)


@record
class IgnorePattern:
    """One ``.dockerignore`` pattern, cleaned, with its 1-based source line."""

    pattern: str
    exclusion: bool  # a ``!`` exception: re-includes what earlier patterns excluded
    line: int
    matcher: re.Pattern[str] = field(default=_NEVER, compare=False, repr=False)
    error: str | None = None  # set for a malformed pattern, which then never matches

    @classmethod
    def compile(cls, pattern: str, exclusion: bool = False, line: int = 0) -> IgnorePattern:
        """Build a pattern from its cleaned text; a malformed one gets ``error`` set."""
        if exclusion and not pattern:
            return cls(pattern, exclusion, line, error='illegal exclusion pattern: "!"')
        try:
            matcher = re.compile(_ignore_regex(pattern), re.DOTALL)
        except (PatternError, re.error):
            return cls(pattern, exclusion, line, error=f"invalid pattern {pattern!r}")
        return cls(pattern, exclusion, line, matcher)

    def matches(self, path: str) -> bool:
        """Whether the cleaned slash path matches this pattern itself (no parents)."""
        return self.matcher.fullmatch(path) is not None

    @property
    def prune_prefix(self) -> str | None:
        """For an exception: its literal path minus a trailing ``/**`` or ``/*``, or None."""
        text = self.pattern.removesuffix("/**").removesuffix("/*")
        return None if _PRUNE_WILDCARDS.intersection(text) else text


def _clean_entry(entry: str) -> tuple[str, bool]:
    """Split a trimmed line into its cleaned pattern and exception flag."""
    exclusion = entry.startswith("!")
    if exclusion:
        entry = entry[1:].strip()
    if entry:
        entry = go_clean(entry)
        if len(entry) > 1 and entry.startswith("/"):
            entry = entry[1:]
    return entry, exclusion


def parse_dockerignore(text: str) -> tuple[IgnorePattern, ...]:
    """Parse ``.dockerignore`` text as BuildKit does.

    A line whose first character is ``#`` is a comment (``  #x`` is the pattern ``#x``);
    other lines are trimmed, blank ones skipped, and a UTF-8 BOM is dropped.
    """
    text = text.removeprefix(_BOM)
    patterns: list[IgnorePattern] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("#"):
            continue
        entry = line.strip()
        if entry:
            patterns.append(IgnorePattern.compile(*_clean_entry(entry), line=number))
    return tuple(patterns)


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """Decode ignore-file bytes; return ``(text or None if unusable, problem)``."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, "is UTF-16 encoded (BuildKit expects UTF-8); its patterns were not used"
    if b"\0" in data:
        return None, "looks like a binary file; its patterns were not used"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogateescape"), "is not valid UTF-8"


def _read_ignore_file(
    dockerfile: Path, root: Path, errors: list[str]
) -> tuple[Path | None, tuple[IgnorePattern, ...]]:
    """Find and parse the ignore file: ``<Dockerfile>.dockerignore``, then the root's."""
    candidates = (dockerfile.with_name(dockerfile.name + DOCKERIGNORE), root / DOCKERIGNORE)
    for candidate in candidates:
        if not os.path.isfile(candidate):  # never raises
            continue
        try:
            data = candidate.read_bytes()
        except (OSError, ValueError) as exc:  # BuildKit falls back to the next one
            errors.append(f"cannot read {candidate}: {getattr(exc, 'strerror', None) or exc}")
            continue
        text, problem = _decode(data)
        if problem:
            errors.append(f"{candidate} {problem}")
        patterns = parse_dockerignore(text) if text is not None else ()
        errors.extend(f"{candidate}:{p.line}: {p.error}" for p in patterns if p.error)
        return candidate, patterns
    return None, ()


# --------------------------------------------------------------------------- filesystem


def _normalize(rel_path: str) -> str:
    """Clean a context-relative path; ``..`` stops at the root, as BuildKit scopes it."""
    return go_clean("/" + rel_path)[1:] or "."


def _join(rel_dir: str, name: str) -> str:
    return name if rel_dir == "." else f"{rel_dir}/{name}"


def _realpath(path: str) -> str | None:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return None


def _sorted_entries(path: str) -> list[os.DirEntry[str]]:
    """The entries of a directory sorted by name; empty when it cannot be listed."""
    try:
        with os.scandir(path) as it:
            return sorted(it, key=lambda entry: entry.name)
    except (OSError, ValueError):
        return []


def _is_real_dir(entry: os.DirEntry[str]) -> bool:
    """A directory that is not a symlink."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _segment_matcher(segment: str) -> str | re.Pattern[str]:
    """A literal segment, or a compiled regex for one with wildcards."""
    if not _GLOB_META.intersection(segment):
        return segment
    return re.compile(_segment_regex(segment), re.DOTALL)


@dataclass(frozen=True)
class BuildContext:
    """A build context folder and the ignore patterns that filter it."""

    root: Path
    ignore_file: Path | None = None
    patterns: tuple[IgnorePattern, ...] = ()
    errors: tuple[str, ...] = ()
    _real_root: str = field(init=False, repr=False, compare=False)
    _prune_prefixes: tuple[str, ...] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        real = _realpath(str(self.root)) or str(self.root)
        object.__setattr__(self, "_real_root", real)
        object.__setattr__(self, "_prune_prefixes", self._compute_prune_prefixes())

    @classmethod
    def for_dockerfile(cls, dockerfile: Path, context_dir: Path | None = None) -> BuildContext:
        """The context of ``dockerfile``: ``context_dir`` or the Dockerfile's folder."""
        dockerfile = Path(dockerfile).absolute()
        root = Path(context_dir).absolute() if context_dir is not None else dockerfile.parent
        errors: list[str] = []
        if not os.path.isdir(root):
            errors.append(f"build context {root} is not a directory")
        ignore_file, patterns = _read_ignore_file(dockerfile, root, errors)
        return cls(root, ignore_file, patterns, tuple(errors))

    @property
    def has_ignore_file(self) -> bool:
        """Whether an ignore file was found (even if it could not be used)."""
        return self.ignore_file is not None

    # ------------------------------------------------------------------ ignore matching

    def _compute_prune_prefixes(self) -> tuple[str, ...] | None:
        """Exception prefixes for fsutil's pruning, or None if an exception has wildcards."""
        prefixes: list[str] = []
        for pattern in self.patterns:
            if pattern.exclusion and pattern.error is None:
                prefix = pattern.prune_prefix
                if prefix is None:
                    return None
                prefixes.append(prefix + "/")
        return tuple(prefixes)

    def _step(self, path: str, parent: Bits) -> tuple[bool, Bits, int]:
        """Match ``path`` given its parent's per-pattern hits.

        Returns ``(ignored, hits, deciding pattern index or -1)``. A pattern that matched
        the parent counts as matching the child; later patterns override earlier ones.
        """
        ignored = False
        decider = -1
        hits: list[bool] = []
        for index, (pattern, inherited) in enumerate(zip(self.patterns, parent)):
            hit = inherited
            if not hit and pattern.exclusion == ignored:
                hit = pattern.matches(path)
            hits.append(hit)
            if hit:
                ignored = not pattern.exclusion
                decider = index
        return ignored, tuple(hits), decider

    def _root_bits(self) -> Bits:
        return (False,) * len(self.patterns)

    def _match(self, rel: str) -> tuple[bool, Bits, int]:
        """Match a normalized path by stepping down from the root."""
        bits = self._root_bits()
        result = (False, bits, -1)
        if rel == "." or not self.patterns:
            return result
        prefix = ""
        for part in rel.split("/"):
            prefix = part if not prefix else f"{prefix}/{part}"
            result = self._step(prefix, result[1])
        return result

    def _prunable(self, rel_dir: str) -> bool:
        """Whether an ignored directory can be skipped without looking inside."""
        if self._prune_prefixes is None:
            return False
        slash = rel_dir + "/"
        return not any(prefix.startswith(slash) for prefix in self._prune_prefixes)

    def is_ignored(self, rel_path: str) -> bool:
        """Whether the ignore file keeps ``rel_path`` out of the context."""
        return self._match(_normalize(rel_path))[0]

    def deciding_pattern(self, rel_path: str) -> IgnorePattern | None:
        """The last pattern that matched ``rel_path`` (or a parent), deciding its fate."""
        index = self._match(_normalize(rel_path))[2]
        return self.patterns[index] if index >= 0 else None

    # ------------------------------------------------------------------ filesystem

    def _contained(self, path: str) -> str | None:
        """The real path of ``path`` if it stays inside the root, else None."""
        real = _realpath(path)
        if real is None:
            return None
        root = self._real_root
        if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
            return real
        return None

    def _resolve(self, rel_path: str) -> str | None:
        return self._contained(os.path.join(self._real_root, _normalize(rel_path)))

    def exists(self, rel_path: str) -> bool:
        """Whether ``rel_path`` exists without leaving the root through a symlink."""
        real = self._resolve(rel_path)
        return real is not None and os.path.exists(real)

    def is_dir(self, rel_path: str) -> bool:
        """Whether ``rel_path`` is a directory without leaving the root through a symlink."""
        real = self._resolve(rel_path)
        return real is not None and os.path.isdir(real)

    # ------------------------------------------------------------------ walking

    def _walk_from(self, rel_dir: str, real_dir: str, bits: Bits) -> Iterator[str]:
        """Yield non-ignored non-directories below a directory, files before subfolders."""
        pending = [(rel_dir, real_dir, bits)]
        while pending:
            dir_rel, dir_real, dir_bits = pending.pop()
            subdirs: list[tuple[str, str, Bits]] = []
            for entry in _sorted_entries(dir_real):
                rel = _join(dir_rel, entry.name)
                ignored, hits, _ = self._step(rel, dir_bits)
                if _is_real_dir(entry):
                    if not (ignored and self._prunable(rel)):
                        subdirs.append((rel, entry.path, hits))
                elif not ignored:
                    yield rel
            pending.extend(reversed(subdirs))

    def walk(self, limit: int = 10000) -> Iterator[str]:
        """Lazily yield up to ``limit`` context-relative paths of files sent to the builder.

        Symlinks are yielded as entries and never followed; ignored directories are not
        entered unless an exception pattern could re-include something inside.
        """
        if limit <= 0:
            return
        for count, rel in enumerate(self._walk_from(".", self._real_root, self._root_bits()), 1):
            yield rel
            if count >= limit:
                return

    def _included(self, rel: str, real: str, is_dir: bool) -> bool:
        """Whether a path is in the context: not ignored, or a folder with kept content."""
        ignored, bits, _ = self._match(rel)
        if not ignored:
            return True
        if not is_dir or self._prunable(rel):
            return False
        return next(self._walk_from(rel, real, bits), None) is not None

    def _candidates(
        self, real_dir: str, segment: str | re.Pattern[str]
    ) -> Iterator[tuple[str, str, bool]]:
        """Entries of ``real_dir`` matching ``segment``: ``(name, real path, is_dir)``."""
        if isinstance(segment, str):
            paths = [(segment, os.path.join(real_dir, segment))]
        else:
            entries = _sorted_entries(real_dir)
            paths = [(e.name, e.path) for e in entries if segment.fullmatch(e.name)]
        for name, path in paths:
            try:
                mode = os.lstat(path).st_mode
            except (OSError, ValueError):
                continue
            if not stat.S_ISLNK(mode):
                yield name, path, stat.S_ISDIR(mode)
                continue
            real = self._contained(path)
            if real is not None and os.path.exists(real):
                yield name, real, os.path.isdir(real)

    def _glob_into(
        self,
        rel_dir: str,
        real_dir: str,
        segments: tuple[str | re.Pattern[str], ...],
        found: list[str],
        limit: int,
    ) -> None:
        """Collect matches of ``segments`` below one directory into ``found``."""
        first, rest = segments[0], segments[1:]
        for name, real, is_dir in self._candidates(real_dir, first):
            if len(found) >= limit:
                return
            rel = _join(rel_dir, name)
            if rest:
                if is_dir and not (self._match(rel)[0] and self._prunable(rel)):
                    self._glob_into(rel, real, rest, found, limit)
            elif self._included(rel, real, is_dir) and self._real_included(rel, real, is_dir):
                found.append(rel)

    def _real_included(self, rel: str, real: str, is_dir: bool) -> bool:
        """When symlinks were crossed, the target's own path must be in the context too."""
        if real == os.path.join(self._real_root, rel):
            return True
        real_rel = os.path.relpath(real, self._real_root).replace(os.sep, "/")
        return self._included(_normalize(real_rel), real, is_dir)

    def glob(self, pattern: str, limit: int = 1000) -> tuple[str, ...]:
        """Context paths matching a COPY/ADD source pattern, ignored ones left out.

        Each segment matches like Go's ``filepath.Match`` (``*``, ``?``, ``[...]``, ``\\``);
        a malformed pattern matches nothing. Results are sorted per folder.
        """
        if limit <= 0:
            return ()
        rel = _normalize(pattern)
        if rel == ".":
            return (".",) if self.is_dir(".") else ()
        try:
            segments = tuple(_segment_matcher(part) for part in rel.split("/"))
        except (PatternError, re.error):
            return ()
        found: list[str] = []
        self._glob_into(".", self._real_root, segments, found, limit)
        return tuple(found)
