"""Completion: instructions, directives, flags, ``--mount`` options, stages, images, variables."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from ..model.analysis import Analysis
from ..model.stages import Stage
from ..model.variables import PLATFORM_ARGS, PROXY_ARGS, Variable
from ..record import record
from ..syntax.grammar import FLAGS
from ..syntax.nodes import INSTRUCTIONS, Comment, Directive, Instruction
from ..syntax.span import Position, Span
from ..syntax.words import SPACES
from .flag_docs import FLAGS as FLAG_DOCS
from .flag_docs import MOUNT_ALIASES, MOUNT_OPTIONS, MOUNT_TYPES
from .instruction_docs import DIRECTIVES, NOT_IN_ONBUILD, VARIANTS
from .instruction_docs import INSTRUCTIONS as INSTRUCTION_DOCS
from .locate import Index, clamp, heredoc_at, index_of, logical_offset

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789")
_DIRECTIVE_PREFIX = re.compile(r"\s*#\s*[A-Za-z]*")
_BARE_MOUNT_KEYS = frozenset({"readonly", "rw"})


class CompletionEntry(NamedTuple):
    """One completion item (a tuple: a request builds a hundred of them, cheaply).

    ``kind`` is ``stage``, ``instruction``, ``flag``, ``value``, ``variable``, ``directive``
    or ``keyword``; ``documentation`` is plain text; ``replace`` is the span of the partial
    word the item replaces (from its start to the cursor), or ``None`` to let the client decide.
    """

    label: str
    kind: str
    detail: str
    documentation: str
    insert_text: str
    is_snippet: bool
    sort_text: str
    filter_text: str
    replace: Span | None


@record
class _Request:
    """What every completion context needs to know."""

    analysis: Analysis
    index: Index
    pos: Position
    snippets: bool


def complete(analysis: Analysis, pos: Position, *,
             snippets: bool = True) -> list[CompletionEntry]:
    """The completion items at ``pos``; never raises, empty where nothing fits."""
    if pos.line < 0:
        return []
    index = index_of(analysis)
    request = _Request(analysis, index, clamp(analysis, pos), snippets)
    node = index.node_at(request.pos.line)
    if isinstance(node, Instruction):
        i = index.instruction_at(request.pos.line)
        return _in_instruction(request, i, node) if i is not None else []
    if isinstance(node, Comment | Directive):
        return _directive_line(request)
    empty = Span(request.pos, request.pos)
    return _keywords(request, empty, _allowed_at(request), False, _in_directive_zone(request))


def _in_instruction(request: _Request, i: int, inst: Instruction) -> list[CompletionEntry]:
    """Dispatch on where the cursor sits inside an instruction."""
    pos = request.pos
    doc = heredoc_at(inst, pos.line)
    if doc is not None:
        line = request.analysis.dockerfile.line_text(pos.line)
        found = _dollar(line, pos.col, request.analysis.dockerfile.escape)
        if found is None:
            return []
        start, braced = found
        return _variables(request, i, Span(Position(pos.line, start), pos), braced,
                          line[pos.col:])
    if pos.line in inst.comment_lines or pos.line in inst.empty_continuation_lines:
        return []
    offset = logical_offset(inst, pos)
    if offset is None:
        return []
    return _in_text(request, i, inst, 0, offset)


def _in_text(request: _Request, i: int, inst: Instruction, k0: int,
             offset: int) -> list[CompletionEntry]:
    """Complete inside an instruction's logical text whose keyword starts at ``k0``."""
    text = inst.logical.text
    kend = k0
    while kend < len(text) and text[kend] not in SPACES:
        kend += 1
    if offset <= kend:
        if offset == k0 and kend > k0:
            return []
        args_follow = offset < kend or bool(text[kend:].strip())
        allowed = _allowed_at(request) if k0 == 0 else \
            tuple(n for n in INSTRUCTIONS if n not in NOT_IN_ONBUILD)
        return _keywords(request, _span(request, inst, k0, offset), allowed, args_follow,
                         k0 == 0 and _in_directive_zone(request))
    found = _dollar(text, offset, request.analysis.dockerfile.escape)
    if found is not None:
        start, braced = found
        return _variables(request, i, _span(request, inst, start, offset), braced,
                          text[offset:])
    name = text[k0:kend].upper()
    if name == "ONBUILD" and k0 == 0:
        sub = kend
        while sub < len(text) and text[sub] in SPACES:
            sub += 1
        if offset < sub:
            return []
        return _in_text(request, i, inst, sub, offset)
    word = offset
    while word > kend and text[word - 1] not in SPACES:
        word -= 1
    partial = text[word:offset]
    before = text[kend:word].split()
    in_flags = all(w.startswith("--") for w in before)
    if partial.startswith("-") and in_flags:
        return _flags(request, i, inst, name, word, offset, before)
    args = [w for w in before if not w.startswith("--")]
    span = _span(request, inst, word, offset)
    if name == "FROM" and len(args) == 0:
        return _from_bases(request, i, span)
    if name == "FROM" and len(args) == 1:
        return [_plain("AS", "keyword", "names the stage", "Name this stage for later FROM, "
                       "COPY --from and RUN --mount=from.", span)]
    if name == "HEALTHCHECK" and len(args) == 0:
        return [_plain("CMD", "keyword", "the check command", "Run this command to check "
                       "the container's health.", span),
                _plain("NONE", "keyword", "no check", "Turn off the health check inherited "
                       "from the base image.", span)]
    return []


def _flags(request: _Request, i: int, inst: Instruction, name: str, word: int, offset: int,
           before: list[str]) -> list[CompletionEntry]:
    """Flag names, or the values of the flag being typed."""
    text = inst.logical.text
    partial = text[word:offset]
    allowed = FLAGS.get(name, {})
    if "=" in partial:
        flag = partial.lstrip("-").partition("=")[0].lower()
        start = word + partial.index("=") + 1
        if name == "RUN" and flag == "mount":
            return _mount(request, i, inst, start, offset)
        span = _span(request, inst, start, offset)
        if flag == "from" and name in ("COPY", "ADD"):
            return _stages_for_from(request, i, span)
        doc = FLAG_DOCS.get((name, flag))
        values = doc.values if doc is not None else ()
        return [_plain(v, "value", f"--{flag}", doc.summary if doc else "", span, f"{n:02d}")
                for n, v in enumerate(values)]
    present = {w.lstrip("-").partition("=")[0].lower() for w in before}
    span = _span(request, inst, word, offset)
    out = []
    for n, (flag, boolean) in enumerate(allowed.items()):
        if flag in present and flag not in ("mount", "exclude"):
            continue
        doc = FLAG_DOCS.get((name, flag))
        out.append(CompletionEntry(
            f"--{flag}", "flag", doc.value if doc else "", doc.summary if doc else "",
            f"--{flag}" if boolean else f"--{flag}=", False, f"{n:02d}", f"--{flag}", span))
    return out


def _mount(request: _Request, i: int, inst: Instruction, start: int,
           offset: int) -> list[CompletionEntry]:
    """``--mount`` types, keys (for the chosen type) and key values."""
    text = inst.logical.text
    end = offset
    while end < len(text) and text[end] not in SPACES:
        end += 1
    typed = text[start:offset].split(",")
    current = typed[-1]
    cur_start = offset - len(current)
    others = text[start:cur_start].split(",")[:-1] + text[offset:end].split(",")[1:]
    options = [p.partition("=") for p in others]
    used = {MOUNT_ALIASES.get(k.strip().lower(), k.strip().lower()) for k, _, _ in options}
    kind = next((v.lower() for k, _, v in options if k.strip().lower() == "type" and v), "bind")
    if "=" in current:
        raw_key = current.partition("=")[0]
        key = MOUNT_ALIASES.get(raw_key.strip().lower(), raw_key.strip().lower())
        span = _span(request, inst, cur_start + len(raw_key) + 1, offset)
        if key == "from":
            return _stages_for_from(request, i, span)
        if key == "type":
            return [_plain(t, "value", "mount type", doc, span, f"{n:02d}")
                    for n, (t, doc) in enumerate(MOUNT_TYPES.items())]
        option = MOUNT_OPTIONS.get(key)
        values = option.values if option is not None else ()
        return [_plain(v, "value", key, option.summary if option else "", span, f"{n:02d}")
                for n, v in enumerate(values)]
    span = _span(request, inst, cur_start, offset)
    out = []
    if "type" not in used:
        choice = "type=${1|" + ",".join(MOUNT_TYPES) + "|}"
        out.append(CompletionEntry(
            "type", "flag", "bind (default), cache, secret, ssh or tmpfs",
            MOUNT_OPTIONS["type"].summary, choice if request.snippets else "type=",
            request.snippets, "00", "type", span))
    for n, (key, option) in enumerate(MOUNT_OPTIONS.items(), start=1):
        if key == "type" or kind not in option.types or key in used:
            continue
        insert = key if key in _BARE_MOUNT_KEYS else f"{key}="
        out.append(CompletionEntry(key, "flag", f"type={kind}", option.summary, insert, False,
                                   f"{n:02d}", key, span))
    return out


def _stages_for_from(request: _Request, i: int, span: Span | None) -> list[CompletionEntry]:
    """Stages for ``--from=``/``from=``: every other stage, nearest first, then indexes."""
    analysis = request.analysis
    here = analysis.stage_of[i]
    others = [s for s in analysis.stages if s.index != here]
    others.sort(key=lambda s: (abs(s.index - here) if here >= 0 else 0, s.index))
    own = analysis.stages[here].name if here >= 0 else None
    named = _first_named(analysis)
    out = []
    for rank, stage in enumerate(others):
        if stage.name and stage.name != own and stage.index in named:
            out.append(_stage_entry(stage, stage.name_token.value if stage.name_token
                                    else stage.name, f"0{rank:03d}", span))
    out.extend(_stage_entry(stage, str(stage.index), f"1{rank:03d}", span)
               for rank, stage in enumerate(others))
    return out


def _from_bases(request: _Request, i: int, span: Span | None) -> list[CompletionEntry]:
    """Bases for ``FROM``: earlier stages, nearest first, then images used in the file."""
    analysis = request.analysis
    here = analysis.stage_of[i]
    named = _first_named(analysis)
    out = []
    for stage in reversed(analysis.stages[:max(here, 0)]):
        if stage.name and stage.index in named:
            rank = f"0{here - stage.index:03d}"
            out.append(_stage_entry(stage, stage.name_token.value if stage.name_token
                                    else stage.name, rank, span))
    images: dict[str, int] = {}
    for ref in analysis.refs:
        if ref.kind == "from" and ref.resolution == "image" and ref.instruction != i:
            images.setdefault(ref.text, ref.span.start.line + 1)
    images.setdefault("scratch", 0)
    for n, (image, line) in enumerate(images.items()):
        detail = f"image (line {line})" if line else "empty image"
        out.append(_plain(image, "value", detail, "", span, f"1{n:03d}"))
    return out


def _variables(request: _Request, i: int, span: Span | None, braced: bool,
               after: str) -> list[CompletionEntry]:
    """ARG/ENV names in scope at instruction ``i``, then BuildKit's predefined ARGs."""
    scope = request.index.scope_at(i)
    k = 0
    while k < len(after) and after[k] in _NAME_CHARS:
        k += 1
    close = "}" if braced and after[k:k + 1] not in ("}", ":", "-", "+", "?") else ""
    out = []
    for name in sorted(scope):
        var = scope[name]
        if var.kind != "predefined":
            out.append(CompletionEntry(name, "variable", _value(var.value), _origin(var),
                                       name + close, False, "0" + name, name, span))
    for name in (*PLATFORM_ARGS, *PROXY_ARGS):
        if name in scope and scope[name].kind != "predefined":
            continue
        if name in PLATFORM_ARGS:
            note = ("Set by BuildKit for the build." if name in scope else
                    f"Set by BuildKit; inside a stage, declare 'ARG {name}' before using it.")
            detail = f"predefined (e.g. {PLATFORM_ARGS[name] or 'empty'})"
        else:
            note = ("Proxy setting passed with --build-arg; kept out of the image history "
                    "and the cache key.")
            detail = "predefined"
        out.append(CompletionEntry(name, "variable", detail, note, name + close, False,
                                   "1" + name, name, span))
    return out


def _keywords(request: _Request, span: Span | None, allowed: Iterable[str], args_follow: bool,
              directives: bool) -> list[CompletionEntry]:
    """Instruction keywords (snippets unless arguments follow), directives first at the top."""
    out = _directives(request, span) if directives else []
    allowed = tuple(allowed)
    snippets = request.snippets and not args_follow
    for name in sorted(allowed):
        doc = INSTRUCTION_DOCS[name]
        out.append(CompletionEntry(
            name, "instruction", doc.forms[0], doc.summary,
            doc.snippet if snippets else name, snippets, "1" + name, name, span))
    if snippets:
        for label, form, snippet in VARIANTS:
            keyword = label.split()[0]
            if keyword in allowed:
                out.append(CompletionEntry(label, "instruction", form,
                                           INSTRUCTION_DOCS[keyword].summary, snippet, True,
                                           "1" + label, label, span))
    return out


def _directive_line(request: _Request) -> list[CompletionEntry]:
    """Directive names on a ``#`` line inside the directive block at the top."""
    pos = request.pos
    line = request.analysis.dockerfile.line_text(pos.line)
    m = _DIRECTIVE_PREFIX.fullmatch(line[:pos.col])
    if m is None or line[pos.col:].strip() or not _in_directive_zone(request):
        return []
    start = Position(pos.line, line.index("#"))
    return _directives(request, Span(start, pos))


def _directives(request: _Request, span: Span | None) -> list[CompletionEntry]:
    """The parser directives not yet used."""
    used = {d.name for d in request.analysis.dockerfile.directives
            if d.start_line != request.pos.line}
    return [CompletionEntry(f"# {name}", "directive", doc.example, doc.summary,
                            doc.snippet if request.snippets else doc.example,
                            request.snippets, "0" + name, f"# {name}", span)
            for name, doc in DIRECTIVES.items() if name not in used]


def _allowed_at(request: _Request) -> tuple[str, ...]:
    """Instructions valid on the cursor's line: only ARG and FROM before the first FROM."""
    stages = request.analysis.stages
    if not stages or request.pos.line < stages[0].start_line:
        return ("ARG", "FROM")
    return INSTRUCTIONS


def _in_directive_zone(request: _Request) -> bool:
    """Tell whether a directive written on the cursor's line would still count."""
    directives = request.analysis.dockerfile.directives
    zone_end = directives[-1].end_line + 1 if directives else 0
    return request.pos.line <= zone_end


def _stage_entry(stage: Stage, label: str, rank: str, span: Span | None) -> CompletionEntry:
    """A stage completion item."""
    base = stage.base or (stage.base_token.value if stage.base_token else "")
    detail = f"FROM {base}".rstrip() + f" (line {stage.start_line + 1})"
    name = f" '{stage.name}'" if stage.name else ""
    doc = f"Stage {stage.index}{name}, built on {base or 'nothing'}."
    return CompletionEntry(label, "stage", detail, doc, label, False, rank, label, span)


def _plain(label: str, kind: str, detail: str, doc: str, span: Span | None,
           rank: str = "") -> CompletionEntry:
    """An item inserting its own label."""
    return CompletionEntry(label, kind, detail, doc, label, False, rank or label, label, span)


def _first_named(analysis: Analysis) -> set[int]:
    """The indexes of the stages their names resolve to (the first of duplicates)."""
    first: dict[str, int] = {}
    for stage in analysis.stages:
        if stage.name:
            first.setdefault(stage.name, stage.index)
    return set(first.values())


def _dollar(text: str, offset: int, escape: str) -> tuple[int, bool] | None:
    """If the cursor follows ``$name`` or ``${name``, the name's start and whether braced."""
    j = offset
    while j > 0 and text[j - 1] in _NAME_CHARS:
        j -= 1
    if j < offset and text[j].isdigit():
        return None
    braced = j > 0 and text[j - 1] == "{"
    dollar = j - 2 if braced else j - 1
    if dollar < 0 or text[dollar] != "$":
        return None
    escapes = 0
    while dollar - escapes - 1 >= 0 and text[dollar - escapes - 1] == escape:
        escapes += 1
    return (j, braced) if escapes % 2 == 0 else None


def _span(request: _Request, inst: Instruction, start: int, offset: int) -> Span | None:
    """The source span from logical offset ``start`` to the cursor, if on one line."""
    pos = request.pos
    first = inst.logical.position(start) if start < offset else pos
    return Span(first, pos) if first.line == pos.line and first <= pos else None


def _value(value: str | None) -> str:
    """A variable's value for the detail column."""
    if value is None:
        return "(no value)"
    return value if value else '""'


def _origin(var: Variable) -> str:
    """Where a variable was set."""
    line = f" on line {var.span.start.line + 1}" if var.span is not None else ""
    what = {"global-arg": "Global ARG", "arg": "ARG", "env": "ENV"}.get(var.kind, var.kind)
    return f"{what}{line}."
