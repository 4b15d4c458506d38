"""ARG and ENV names under the cursor and every place that names the same definition.

A definition is identified by its name and the span of its key; BuildKit's predefined ARGs
have no span. A stage's valueless ``ARG NAME`` that re-declares a global ARG reads that global,
so the two are one family: renaming either renames both and all their uses.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model.analysis import Analysis
from ..model.variables import Variable, expand
from ..record import record
from ..syntax.nodes import Heredoc, Instruction, KeyValue
from ..syntax.span import Position, Span
from .locate import Index, heredoc_at, in_head, index_of, source_text
from .occurrence import Occurrence

Key = tuple[str, Span | None]
#: The span in the key of names used but defined nowhere in scope.
UNSET = Span.of(-1, -1, -1, -1)


@record
class Use:
    """A ``$NAME`` or ``${NAME...}`` use: the expression and the bare name, in source spans."""

    name: str
    expression: str
    span: Span
    name_span: Span


@record
class VariableHit:
    """A variable named at the cursor.

    For a definition (``write``) ``variable`` is the one made there; for a use it is the
    definition in effect, or ``None`` when the name is not set.
    """

    name: str
    span: Span
    instruction: int
    write: bool
    use: Use | None
    variable: Variable | None
    key: Key


def variable_at(analysis: Analysis, pos: Position) -> VariableHit | None:
    """The ARG/ENV definition or ``$`` use under ``pos``."""
    index = index_of(analysis)
    i = index.instruction_at(pos.line)
    if i is None:
        return None
    inst = index.instructions[i]
    if inst.name == "ONBUILD":
        return None
    if in_head(inst, pos.line):
        if inst.name in ("ARG", "ENV"):
            for kv in inst.pairs:
                if kv.key.value and kv.key.span.contains(pos):
                    made = _defined(index, i, kv)
                    return VariableHit(made.name, kv.key.span, i, True, None, made,
                                       (made.name, made.span))
        candidates = [u for u in _head_uses_of(index, i) if u.span.contains(pos)]
    else:
        doc = heredoc_at(inst, pos.line)
        if doc is None:
            return None
        candidates = [u for u in _heredoc_uses(analysis, inst, doc, pos.line)
                      if u.span.contains(pos)]
    if not candidates:
        return None
    use = min(candidates, key=lambda u: len(u.expression))
    var = index.lookup(i, use.name)
    return VariableHit(use.name, use.name_span, i, False, use, var, _key_of(use.name, var))


def variable_occurrences(analysis: Analysis, hit: VariableHit) -> list[Occurrence]:
    """Every definition and use of the hit's definition family, in document order."""
    index = index_of(analysis)
    name = hit.name
    family = _family(index, hit.key)
    out: list[Occurrence] = []
    for i, inst in enumerate(index.instructions):
        if inst.name == "ONBUILD":
            continue
        if name in inst.logical.text:
            if inst.name in ("ARG", "ENV"):
                for kv in inst.pairs:
                    if kv.key.value == name and (name, kv.key.span) in family:
                        exact = source_text(analysis, kv.key.span) == name
                        out.append(Occurrence(kv.key.span, True, exact))
            if "$" in inst.logical.text:
                key = _key_of(name, index.lookup(i, name))
                if key in family:
                    out.extend(Occurrence(u.name_span, False, True)
                               for u in _head_uses_of(index, i) if u.name == name)
        for doc in inst.heredocs:
            if name in doc.content and "$" in doc.content:
                key = _key_of(name, index.lookup(i, name))
                if key in family:
                    out.extend(Occurrence(u.name_span, False, True)
                               for u in _heredoc_uses(analysis, inst, doc) if u.name == name)
    out.sort(key=lambda o: o.span.start)
    return out


def _key_of(name: str, var: Variable | None) -> Key:
    """The identity of the definition a use resolves to."""
    return (name, var.span if var is not None else UNSET)


def _defined(index: Index, i: int, kv: KeyValue) -> Variable:
    """The variable an ARG or ENV pair defines, valued as the model values it."""
    analysis = index.analysis
    escape = analysis.dockerfile.escape
    name = kv.key.value
    scope = index.scope_at(i)
    inst = index.instructions[i]
    if analysis.stage_of[i] < 0 and inst.name == "ARG":
        value = expand(kv.value.value, scope, escape).value if kv.value else None
        return Variable(name, value, "global-arg", kv.key.span, i)
    if kv.value is None and inst.name == "ARG":
        inherited = analysis.global_scope.get(name)
        return Variable(name, inherited.value if inherited else None, "arg", kv.key.span, i)
    expansion = expand(kv.value.value if kv.value else "", scope, escape)
    value = expansion.value if expansion.exact else None
    return Variable(name, value, "env" if inst.name == "ENV" else "arg", kv.key.span, i)


def _head_uses_of(index: Index, i: int) -> list[Use]:
    """The (memoised) variable uses of instruction ``i``."""
    key = ("head-uses", i)
    found = index.memo.get(key)
    if found is None:
        inst = index.instructions[i]
        found = index.memo[key] = _scan_head(inst, index.analysis.dockerfile.escape)
    return found


def _scan_head(inst: Instruction, escape: str) -> list[Use]:
    """The variable uses in an instruction's own lines (flags and arguments)."""
    logical = inst.logical
    start = len(inst.keyword.value)
    out: list[Use] = []
    for name, a, b, n in _scan(logical.text, start, len(logical.text), escape, True):
        span = logical.span(a, b)
        name_span = logical.span(n, n + len(name))
        if name_span.start.line == name_span.end.line:
            out.append(Use(name, logical.text[a:b], span, name_span))
    return out


def _heredoc_uses(analysis: Analysis, inst: Instruction, doc: Heredoc,
                 line: int | None = None) -> list[Use]:
    """The variable uses in a heredoc body (all lines, or just ``line``)."""
    if inst.name != "RUN" and not doc.expand:
        return []
    escape = analysis.dockerfile.escape
    quotes = inst.name == "RUN"
    first = doc.body.start.line
    last = doc.body.end.line if doc.body.end > doc.body.start else first - 1
    lines = range(first, last + 1) if line is None else range(line, line + 1)
    out: list[Use] = []
    for row in lines:
        if not first <= row <= last:
            continue
        text = analysis.dockerfile.line_text(row)
        if "$" not in text:
            continue
        for name, a, b, n in _scan(text, 0, len(text), escape, quotes):
            out.append(Use(name, text[a:b], Span.of(row, a, row, b),
                           Span.of(row, n, row, n + len(name))))
    return out


#: Nested ``${A:-${B}}`` levels looked into for uses.
_MAX_DEPTH = 32


def _scan(text: str, start: int, end: int, escape: str, quotes: bool,
          depth: int = 0) -> Iterator[tuple[str, int, int, int]]:
    """Yield ``(name, start, end, name_start)`` for each use, nested defaults included
    (down to ``_MAX_DEPTH`` levels: deeper nesting cannot be meant)."""
    if "$" not in text[start:end] or depth > _MAX_DEPTH:
        return
    for ref in expand(text[start:end], {}, escape, quotes).references:
        a = start + ref.start
        b = start + ref.end
        braced = text.startswith("${", a)
        name_start = a + (2 if braced else 1)
        yield ref.name, a, b, name_start
        if braced and ref.has_default:
            op = name_start + len(ref.name)
            inner = op + (2 if text[op] == ":" else 1)
            inner_end = b - 1 if text[b - 1] == "}" else b
            yield from _scan(text, inner, inner_end, escape, quotes, depth + 1)


def _family(index: Index, key: Key) -> set[Key]:
    """A definition plus, for a global ARG, the stage ARGs that re-declare it (and back)."""
    name = key[0]
    analysis = index.analysis
    imported = analysis.global_scope.get(name)
    if imported is None:
        return {key}
    glob: Key = (name, imported.span)
    redeclared = {
        (name, kv.key.span)
        for i, inst in enumerate(index.instructions)
        if inst.name == "ARG" and analysis.stage_of[i] >= 0
        for kv in inst.pairs if kv.key.value == name and kv.value is None
    }
    if key == glob or key in redeclared:
        return {glob} | redeclared
    return {key}
