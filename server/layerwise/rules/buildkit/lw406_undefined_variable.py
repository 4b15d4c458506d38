"""LW406 undefined-variable, and helpers the other BuildKit rules share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from ...memo import IdentityMemo
from ...model.analysis import Analysis
from ...model.stages import Stage
from ...model.variables import PLATFORM_ARGS, PROXY_ARGS, expand
from ...record import record
from ...syntax.grammar import edit_distance
from ...syntax.nodes import Instruction, Token
from ...syntax.span import Position, Span, TextEdit
from ..base import Finding, Fix, InstructionRule, Reads, Related, Severity

#: The ARGs BuildKit defines for every build (``defaultArgs`` in dockerfile2llb/platform.go).
BUILDKIT_DEFAULT_ARGS: Mapping[str, str] = {
    **PLATFORM_ARGS, "BUILDOSVERSION": "", "TARGETOSVERSION": "", "TARGETSTAGE": "default",
}
#: ARGs BuildKit keeps out of the environment, so they are never reported.
_NON_ENV_ARGS = frozenset({"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"})
#: Instructions whose words BuildKit expands before running them.
_EXPANDED = frozenset({"ADD", "ARG", "COPY", "ENV", "LABEL", "RUN", "STOPSIGNAL", "USER",
                       "VOLUME", "WORKDIR"})


# --------------------------------------------------------------------------- shared helpers


def locate(analysis: Analysis, span: Span, text: str, start: int, end: int) -> Span:
    """The span of ``text[start:end]`` where ``text`` is written at ``span``.

    Offsets are mapped to columns only when the text sits verbatim on one line (or is a JSON
    string literal there); otherwise the whole span is returned.
    """
    if span.start.line != span.end.line:
        return span
    line = span.start.line
    raw = analysis.dockerfile.line_text(line)[span.start.col: span.end.col]
    if raw == text:
        shift = 0
    elif raw == f'"{text}"':
        shift = 1
    else:
        return span
    col = span.start.col + shift
    return Span.of(line, col + start, line, col + end)


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """BuildKit's suggestion: the first nearest candidate within 2 edits (case-sensitive)."""
    best: str | None = None
    limit = 3
    for candidate in candidates:
        if candidate == name:
            return None
        distance = edit_distance(name, candidate)
        if distance < limit:
            best, limit = candidate, distance
    return best


def stage_root(analysis: Analysis, stage: Stage) -> Stage:
    """The first stage of the ``FROM <stage>`` chain, whose base is an image."""
    while stage.base_stage is not None:
        stage = analysis.stages[stage.base_stage]
    return stage


def set_in_base(analysis: Analysis, stage: Stage, sets: Callable[[Instruction], bool]) -> bool:
    """Tell whether an instruction for which ``sets`` holds is in one of the stages ``stage``
    is built on (``FROM <stage>``, transitively)."""
    instructions = analysis.instructions
    while stage.base_stage is not None:
        stage = analysis.stages[stage.base_stage]
        if any(sets(instructions[i]) for i in stage.instructions[1:]):
            return True
    return False


def rooted_at_scratch(analysis: Analysis, stage: Stage) -> bool:
    """Tell whether the stage (through its base stages) starts from ``scratch``."""
    return stage_root(analysis, stage).base.lower() == "scratch"


def name_span(span: Span, text: str, start: int, end: int) -> Span | None:
    """The name inside a located ``$NAME`` / ``${NAME…}`` reference span, when exact."""
    if span.start.line != span.end.line or span.end.col - span.start.col != end - start:
        return None
    skip = 2 if text.startswith("${", start) else 1
    stop = start + skip
    while stop < end and (text[stop].isalnum() or text[stop] == "_"):
        stop += 1
    col = span.start.col + skip
    return Span.of(span.start.line, col, span.start.line, col + stop - start - skip)


# --------------------------------------------------------------------------- the rule


@record
class _Word:
    """A word BuildKit expands, where it is written, and how to find offsets in it."""

    text: str
    span: Span
    quotes: bool = True
    escape: str | None = None  # None: the file's escape character
    extra: tuple[str, ...] = ()  # names defined just before it (earlier pairs of an ARG)
    heredoc: bool = False


@record
class _Use:
    """One use of an undefined variable."""

    name: str
    span: Span
    word: _Word
    start: int
    end: int


class UndefinedVariable(InstructionRule):
    """## What it does
    Reports `$VAR` and `${VAR}` in instructions that BuildKit expands (`ENV`, `ARG`
    defaults, `LABEL`, `COPY`, `ADD`, `WORKDIR`, `USER`, `VOLUME`, `STOPSIGNAL`, `RUN --mount`
    options) when no `ARG` or `ENV` of the stage defines the variable at that point. It
    suggests a close name (`$PAHT` → `$PATH`), points at a definition that comes too late,
    and explains predefined build arguments such as `HTTP_PROXY`, which a stage only sees
    after `ARG HTTP_PROXY`.

    Shell-form `RUN`, `CMD` and `ENTRYPOINT` are not checked: the shell expands those.
    A stage built on an image may get variables from the image's `ENV`, which is not known
    offline; there only lower-case names, obvious typos, late definitions and predefined
    arguments are reported. Global ARGs and automatic platform ARGs (`TARGETARCH`) used
    without re-declaration are left to LW109 arg-scope.

    ## Why it matters
    An undefined variable expands to an empty string without any error: `COPY $SRC /app`
    copies the whole context, `WORKDIR $APP_HOME` lands in `/`.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    COPY $foo /app/
    ARG foo=dist
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    ARG foo=dist
    COPY $foo /app/
    ```

    ## References
    - BuildKit check `UndefinedVar`
    """

    id = "LW406"
    name = "undefined-variable"
    severity = Severity.WARNING
    summary = "Variable is not defined at this point"

    reads = Reads.STRUCTURE
    names = _EXPANDED

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Report the uses of names that no ARG or ENV of the stage (or of the stages it is
        built on) defines before this instruction, one finding per name."""
        stage = analysis.stage_of[index]
        if stage < 0:
            return
        inst = analysis.instructions[index]
        refs = _references(inst, analysis.dockerfile.escape)
        if not refs:
            return
        names = _stage_names(analysis, stage)
        reported: set[str] = set()
        for word, name, start, end in refs:
            if name in reported or names.known_at(name, index):
                continue
            use = _Use(name, _word_span(analysis, word, start, end), word, start, end)
            finding = self._report(analysis, index, use, names)
            if finding is not None:
                reported.add(name)
                yield finding

    def _report(self, analysis: Analysis, index: int, use: _Use,
                names: _StageNames) -> Finding | None:
        name = use.name
        defined = analysis.global_scope.get(name)
        if defined is not None and defined.kind in ("global-arg", "predefined"):
            return None  # a global or automatic platform ARG: LW109 arg-scope reports it
        inst = analysis.instructions[index]
        head = f"Usage of undefined variable '${name}'"
        data = {"buildkit": "UndefinedVar", "variable": name}
        if inst.name == "ENV" and any(kv.key.value == name for kv in inst.pairs):
            return self.finding(
                use.span, f"{head}; an ENV instruction does not see the values it sets, so "
                f"set {name} in an earlier ENV", data=data)
        definition = names.defined_after(name, index)
        if definition is not None:
            return self.finding(
                use.span, f"{head}; it is defined only later in the stage "
                f"(line {definition.span.start.line + 1}), move that definition above",
                related=(Related(definition.span, f"'{name}' is defined here"),), data=data)
        if name in BUILDKIT_DEFAULT_ARGS or name in PROXY_ARGS:
            arg = "arg" if inst.keyword.value.islower() else "ARG"
            insert = Span(Position(inst.start_line, 0), Position(inst.start_line, 0))
            return self.finding(
                use.span, f"{head}; declare ARG {name} in this stage to use the predefined "
                "build argument",
                fix=Fix(f"Declare ARG {name} above", (TextEdit(insert, f"{arg} {name}\n"),),
                        safe=False),
                data=data)
        candidates = names.known_before(index) + list(use.word.extra)
        guess = did_you_mean(name, candidates)
        upper = name.upper() == name
        lenient = not rooted_at_scratch(analysis, analysis.stages[analysis.stage_of[index]])
        if lenient and upper and (guess is None or _osa(name, guess) > 1):
            return None  # may come from the base image's ENV
        if guess is None and use.word.heredoc:
            return self.finding(
                use.span, f"{head}; the heredoc is expanded at build time, so quote its "
                "delimiter (<<'EOF') to keep the variable for the script, or declare it with "
                "ARG or ENV", data=data)
        if guess is None:
            return self.finding(
                use.span, f"{head}; declare it with ARG or ENV before this instruction",
                data=data)
        fix = None
        where = name_span(use.span, use.word.text, use.start, use.end)
        if where is not None:
            fix = Fix(f"Change to ${guess}", (TextEdit(where, guess),), safe=False)
        return self.finding(use.span, f"{head} (did you mean ${guess}?)", fix=fix,
                            data=data | {"suggestion": guess})


@record
class _StageNames:
    """The names a stage sees: those of the stage it is built on, and its own ARG and ENV
    definitions (by instruction index)."""

    inherited: dict[str, None]
    """``PATH`` and the names of the base stage (``FROM <stage>``), in order."""
    definitions: dict[str, tuple[tuple[int, Token], ...]]
    """Each name the stage's ARG and ENV instructions define, in the order of its first
    definition: the index of each instruction that defines it and the first key naming it."""

    def known_at(self, name: str, index: int) -> bool:
        """Tell whether ``name`` is defined before instruction ``index``."""
        found = self.definitions.get(name)
        return name in self.inherited or (found is not None and found[0][0] < index)

    def known_before(self, index: int) -> list[str]:
        """The names defined before instruction ``index``, in the order they were defined."""
        known = dict(self.inherited)
        known.update((name, None) for name, found in self.definitions.items()
                     if found[0][0] < index)
        return list(known)

    def defined_after(self, name: str, index: int) -> Token | None:
        """The key of the first ARG or ENV after instruction ``index`` that defines ``name``."""
        return next((key for at, key in self.definitions.get(name, ()) if at > index), None)

    @property
    def final(self) -> dict[str, None]:
        """Every name defined at the end of the stage, in order."""
        return self.inherited | dict.fromkeys(self.definitions)


def _stage_names(analysis: Analysis, stage: int) -> _StageNames:
    """What stage ``stage`` defines; it depends on the structure only (the ARG and ENV
    instructions and the stages), so it is memoised by the structure token."""
    return _NAMES.get(analysis.revision.structure, stage, _find_stage_names, analysis, stage)


def _find_stage_names(analysis: Analysis, index: int) -> _StageNames:
    """Compute :func:`_stage_names`."""
    stage = analysis.stages[index]
    inherited: dict[str, None] = {"PATH": None}
    if stage.base_stage is not None:
        inherited.update(_stage_names(analysis, stage.base_stage).final)
    definitions: dict[str, list[tuple[int, Token]]] = {}
    for i in stage.instructions[1:]:
        inst = analysis.instructions[i]
        if inst.name not in ("ARG", "ENV"):
            continue
        for kv in inst.pairs:
            found = definitions.setdefault(kv.key.value, [])
            if not found or found[-1][0] != i:
                found.append((i, kv.key))
    return _StageNames(inherited, {name: tuple(found) for name, found in definitions.items()})


#: structure token -> (stage index -> what the stage defines)
_NAMES: IdentityMemo[_StageNames] = IdentityMemo(1 << 12)


def _references(inst: Instruction, escape: str) -> tuple[tuple[_Word, str, int, int], ...]:
    """``(word, name, start, end)`` of the expanded words' references that the word itself
    does not define and BuildKit does not exempt; memoised by instruction identity."""
    return _REFERENCES.get(inst, escape, _find_references, inst, escape)


def _find_references(inst: Instruction, escape: str) -> tuple[tuple[_Word, str, int, int], ...]:
    """Compute :func:`_references`."""
    found: list[tuple[_Word, str, int, int]] = []
    for word in _words(inst):
        refs = expand(word.text, {}, word.escape or escape, word.quotes).references
        found.extend((word, ref.name, ref.start, ref.end) for ref in refs
                     if ref.name not in word.extra and ref.name not in _NON_ENV_ARGS)
    return tuple(found)


_REFERENCES: IdentityMemo[tuple[tuple[_Word, str, int, int], ...]] = IdentityMemo(8192)


def _word_span(analysis: Analysis, word: _Word, start: int, end: int) -> Span:
    """Where ``word.text[start:end]`` is written."""
    if not word.heredoc:
        return locate(analysis, word.span, word.text, start, end)
    text = word.text
    line = word.span.start.line + text.count("\n", 0, start)
    col = start - (text.rfind("\n", 0, start) + 1)
    if "\n" in text[start:end]:
        return word.span
    return Span.of(line, col, line, col + end - start)


def _words(inst: Instruction) -> Iterator[_Word]:
    """The words of an instruction that BuildKit expands, as BuildKit splits them."""
    name = inst.name
    if name in ("ENV", "LABEL"):
        for kv in inst.pairs:
            yield _Word(kv.key.value, kv.key.span)
            if kv.value is not None:
                yield _Word(kv.value.value, kv.value.span)
    elif name == "ARG":
        for j, kv in enumerate(inst.pairs):
            if kv.value is not None:
                extra = tuple(p.key.value for p in inst.pairs[:j])
                yield _Word(kv.value.value, kv.value.span, extra=extra)
    elif name in ("COPY", "ADD"):
        yield from _copy_words(inst)
    elif name in ("WORKDIR", "USER", "STOPSIGNAL"):
        if inst.args.value:
            yield _Word(inst.args.value, inst.args.span)
    elif name == "VOLUME":
        for token in inst.exec_args if inst.json else inst.words:
            yield _Word(token.value, token.span)
    elif name == "RUN":
        for flag in inst.flags_named("mount"):
            yield from _mount_words(flag.value or "", flag.value_span)


def _copy_words(inst: Instruction) -> Iterator[_Word]:
    """``--chown``, ``--chmod`` (and ``ADD --checksum``), sources, destination, heredocs."""
    names = ("chown", "chmod", "checksum") if inst.name == "ADD" else ("chown", "chmod")
    for flag_name in names:
        flag = inst.flag(flag_name)
        if flag is not None and flag.value and flag.value_span is not None:
            yield _Word(flag.value, flag.value_span)
    tokens = inst.exec_args if inst.json else inst.words
    markers = {doc.marker for doc in inst.heredocs}
    for token in tokens:
        if token.span not in markers:
            yield _Word(token.value, token.span)
    for doc in inst.heredocs:
        if doc.expand and doc.content:
            yield _Word(doc.content, doc.body, quotes=False, escape="\\", heredoc=True)


def _mount_words(value: str, span: Span | None) -> Iterator[_Word]:
    """The option values of one ``--mount`` flag, located inside the flag value."""
    if span is None:
        return
    offset = 0
    for part in value.split(","):
        key, sep, val = part.partition("=")
        if sep and val:
            start = offset + len(key) + 1
            yield _Word(val, _sub(span, value, start, len(val)))
        offset += len(part) + 1


def _sub(span: Span, value: str, start: int, length: int) -> Span:
    """Narrow a single-line value span to ``value[start:start+length]`` when it fits."""
    if span.start.line != span.end.line or span.end.col - span.start.col != len(value):
        return span
    col = span.start.col + start
    return Span.of(span.start.line, col, span.start.line, col + length)


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance: edits plus adjacent transpositions."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = i
    for j in range(len(b) + 1):
        rows[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]
