"""Suppression comments: Layerwise's own, hadolint's and BuildKit's ``check=skip``."""

from __future__ import annotations

import re

from ..record import record
from .nodes import Comment, Directive, Dockerfile, Instruction
from .span import Span

_LAYERWISE = re.compile(r"#\s*layerwise:\s*(ignore|ignore-file)\s*=\s*(\S.*?)\s*$", re.IGNORECASE)
_HADOLINT = re.compile(r"#\s*hadolint\s+(global\s+)?ignore\s*=\s*(\S.*?)\s*$", re.IGNORECASE)
_CHECK = re.compile(r"#\s*check\s*=\s*(\S.*?)\s*$", re.IGNORECASE)


@record
class Pragma:
    """One suppression comment.

    ``kind`` is ``layerwise``, ``hadolint`` or ``buildkit``; ``codes`` are as written (ids,
    names, ``DL3009``, ``all``). ``instruction`` is the index of the instruction it applies to,
    or ``None`` for the whole file.
    """

    kind: str
    codes: tuple[str, ...]
    span: Span
    instruction: int | None


@record
class CheckDirective:
    """BuildKit's ``# check=skip=...;error=true`` directive."""

    skip: tuple[str, ...]
    error: bool


def find_pragmas(tree: Dockerfile) -> tuple[Pragma, ...]:
    """Every suppression comment, each tied to the instruction below it or to the file."""
    pragmas: list[Pragma] = []
    pending: list[tuple[str, tuple[str, ...], Span]] = []
    index = 0
    for node in tree.nodes:
        if isinstance(node, Comment):
            found = _read(node.text)
            if found is not None:
                kind, codes, file_wide = found
                if file_wide:
                    pragmas.append(Pragma(kind, codes, node.span, None))
                else:
                    pending.append((kind, codes, node.span))
        elif isinstance(node, Instruction):
            pragmas.extend(Pragma(k, c, s, index) for k, c, s in pending)
            pending = []
            index += 1
        elif isinstance(node, Directive):
            continue
        else:
            pending = []
    return tuple(pragmas)


def check_directive(tree: Dockerfile) -> CheckDirective:
    """Read the ``# check=`` parser directive (``skip=A,B`` and ``error=true``)."""
    skip: list[str] = []
    error = False
    for directive in tree.directives:
        if directive.name != "check":
            continue
        for part in directive.value.split(";"):
            key, _, value = part.partition("=")
            key = key.strip().lower()
            if key == "skip":
                skip.extend(c.strip() for c in value.split(",") if c.strip())
            elif key == "error":
                error = value.strip().lower() == "true"
    return CheckDirective(tuple(skip), error)


def _read(text: str) -> tuple[str, tuple[str, ...], bool] | None:
    """Parse a comment as a pragma: ``(kind, codes, file_wide)``."""
    m = _LAYERWISE.match(text)
    if m:
        return "layerwise", _codes(m.group(2)), m.group(1).lower() == "ignore-file"
    m = _HADOLINT.match(text)
    if m:
        return "hadolint", _codes(m.group(2)), bool(m.group(1))
    m = _CHECK.match(text)
    if m:
        for part in m.group(1).split(";"):
            key, _, value = part.partition("=")
            if key.strip().lower() == "skip":
                return "buildkit", _codes(value), False
    return None


def _codes(text: str) -> tuple[str, ...]:
    """Split a comma-separated code list, dropping a trailing comment."""
    text = text.split("#", 1)[0]
    return tuple(c.strip() for c in text.replace(" ", ",").split(",") if c.strip())
