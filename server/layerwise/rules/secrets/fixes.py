"""Fixes the secret rules share: turn an ARG/ENV into a build secret, mount a file instead
of copying it, and add patterns to the ignore file."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

from ...memo import IdentityMemo
from ...model.analysis import Analysis
from ...model.context import DOCKERIGNORE, BuildContext
from ...syntax.nodes import Instruction, KeyValue
from ...syntax.span import Position, Span, TextEdit
from ..base import FileEdit, Fix
from .facts import SECRETS_DIR, Facts
from .files import CredentialFile
from .layers import CopySource

SYNTAX_LINE = "# syntax=docker/dockerfile:1"
_PINNED = re.compile(r"(?:^|/)dockerfile(?:-upstream)?:(\d+)\.(\d+)", re.IGNORECASE)
_ID_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


def _newline(analysis: Analysis) -> str:
    lines = analysis.dockerfile.lines
    return "\r\n" if lines and lines[0].endswith("\r\n") else "\n"


def syntax_edit(analysis: Analysis) -> TextEdit | None:
    """Insert ``# syntax=docker/dockerfile:1`` as the first line when there is no directive."""
    if any(d.name == "syntax" for d in analysis.dockerfile.directives):
        return None
    start = Position(0, 0)
    return TextEdit(Span(start, start), SYNTAX_LINE + _newline(analysis))


def env_secrets_supported(analysis: Analysis) -> bool:
    """Tell whether ``--mount=type=secret,env=`` is available (dockerfile syntax ≥ 1.10).

    Without a ``# syntax`` directive the fix adds ``docker/dockerfile:1``, which has it.
    """
    for directive in analysis.dockerfile.directives:
        if directive.name == "syntax":
            m = _PINNED.search(directive.value)
            if m is not None:
                major, minor = int(m.group(1)), int(m.group(2))
                return (major, minor) >= (1, 10)
    return True


def fix_context(analysis: Analysis) -> tuple[bool, bool, str]:
    """What the build-secret fixes read beyond the instructions they edit: ``env=`` support,
    whether a ``# syntax`` directive is present, and the line break style (memoised)."""
    return _FIX_CONTEXTS.get(analysis, None, lambda: (
        env_secrets_supported(analysis), syntax_edit(analysis) is None, _newline(analysis)))


_FIX_CONTEXTS: IdentityMemo[tuple[bool, bool, str]] = IdentityMemo(8)


def secret_id(name: str) -> str:
    """A secret id made from a variable or file name."""
    return _ID_CHARS.sub("_", name.strip(".")) or "secret"


def mount_flag(name: str, env: bool = True) -> str:
    """The ``--mount`` flag that provides secret ``name`` as a variable (or as a file)."""
    if env:
        return f"--mount=type=secret,id={secret_id(name)},env={name}"
    return f"--mount=type=secret,id={secret_id(name)}"


def build_hint(name: str) -> str:
    """The ``docker build`` option that passes a secret from the environment."""
    return f"docker build --secret id={secret_id(name)},env={name}"


def add_flag(inst: Instruction, flag: str) -> TextEdit:
    """Insert a flag right after the instruction keyword."""
    at = inst.keyword.span.end
    return TextEdit(Span(at, at), " " + flag)


def _line_end(analysis: Analysis, line: int) -> Position:
    lines = analysis.dockerfile.lines
    if line + 1 < len(lines):
        return Position(line + 1, 0)
    return Position(line, len(analysis.dockerfile.line_text(line)))


def delete_instruction(analysis: Analysis, inst: Instruction) -> TextEdit:
    """Delete an instruction's lines."""
    return TextEdit(Span(Position(inst.start_line, 0), _line_end(analysis, inst.end_line)), "")


def delete_pair(analysis: Analysis, inst: Instruction, pair: KeyValue) -> TextEdit:
    """Delete one ``KEY=value`` of an ARG/ENV/LABEL, or the instruction when it is the only one."""
    pairs = inst.pairs
    if len(pairs) <= 1 or pair.legacy:
        return delete_instruction(analysis, inst)
    k = pairs.index(pair)
    if k + 1 < len(pairs):
        return TextEdit(Span(pair.key.span.start, pairs[k + 1].key.span.start), "")
    before = pairs[k - 1]
    start = (before.value or before.key).span.end
    return TextEdit(Span(start, (pair.value or pair.key).span.end), "")


def _merge(edits: list[TextEdit]) -> tuple[TextEdit, ...]:
    """Fold an insertion at (0, 0) into a deletion that starts there."""
    first = [e for e in edits if e.span.start == Position(0, 0)]
    if len(first) == 2:
        insert = next(e for e in first if e.span.start == e.span.end)
        delete = next(e for e in first if e is not insert)
        edits = [e for e in edits if e not in first]
        edits.append(TextEdit(delete.span, insert.new_text + delete.new_text))
    return tuple(sorted(edits, key=lambda e: e.span.start))


def convert_to_secret(analysis: Analysis, facts: Facts, decl: int, pair: KeyValue) -> Fix | None:
    """"Convert to build secret": delete the ARG/ENV and mount the secret in each RUN that
    uses it (``env=NAME``, or a file read with ``$(cat …)`` before dockerfile 1.10)."""
    inst = analysis.instructions[decl]
    name = pair.key.value
    if analysis.stage_of[decl] < 0:
        return None
    uses = [i for i in facts.uses(decl, name) if analysis.instructions[i].name == "RUN"]
    others = [i for i in facts.uses(decl, name) if analysis.instructions[i].name != "RUN"]
    if others:
        return None
    env = env_secrets_supported(analysis)
    edits = [delete_pair(analysis, inst, pair)]
    for i in uses:
        run = facts.runs[i]
        if any(m.env == name for m in run.secret_mounts):
            continue
        edits.append(add_flag(run.inst, mount_flag(name, env)))
        if not env:
            replaced = _replace_references(facts, i, name)
            if replaced is None:
                return None
            edits.extend(replaced)
    syntax = syntax_edit(analysis)
    if syntax is not None and uses:
        edits.append(syntax)
    kind = inst.name
    if uses:
        title = f"Convert {kind} {name} to a build secret ({mount_flag(name, env)})"
    else:
        title = f"Remove {kind} {name} (pass it with RUN --mount=type=secret instead)"
    return Fix(title, _merge(edits), safe=False)


_SIMPLE = "\\$(?:{name}(?![A-Za-z0-9_])|\\{{{name}\\}})"


def _replace_references(facts: Facts, index: int, name: str) -> list[TextEdit] | None:
    """Replace ``$NAME`` by ``$(cat /run/secrets/NAME)`` in a RUN; None if not all simple."""
    run = facts.runs[index]
    if run.text is None:
        return None
    simple = re.compile(_SIMPLE.format(name=re.escape(name)))
    spans = [run.text.span(m.start(), m.end()) for m in simple.finditer(run.text.text)]
    if len(spans) != len(facts.references(index, name)):
        return None
    return [TextEdit(span, f"$(cat {SECRETS_DIR}/{secret_id(name)})") for span in spans]


def remove_default(analysis: Analysis, inst: Instruction, pair: KeyValue) -> Fix | None:
    """"Remove baked default": drop the value and require it at runtime."""
    if pair.value is None:
        return None
    name = pair.key.value
    if inst.name == "ARG":
        edit = TextEdit(Span(pair.key.span.end, pair.value.span.end), "")
    elif pair.legacy:
        edit = TextEdit(Span(pair.key.span.start, pair.value.span.end), f"{name}=")
    else:
        edit = TextEdit(pair.value.span, "")
    return Fix(f"Remove the baked default of {name} (require it at runtime)", (edit,),
               safe=False)


def dockerignore_fix(context: BuildContext | None, patterns: Iterable[str]) -> Fix | None:
    """"Add <patterns> to <ignore file>": lines appended to the ignore file BuildKit reads
    (``<Dockerfile>.dockerignore``, else the context's ``.dockerignore``, created if missing).

    None without a build context folder on disk (nowhere to write), or when the ignore file
    already has every pattern.
    """
    if context is None:
        return None
    wanted = tuple(patterns)
    return _IGNORE_FIXES.get(context, wanted, _dockerignore_fix, context, wanted)


#: Ignore-file fixes by context (which stands for the files as they were when it was made).
_IGNORE_FIXES: IdentityMemo[Fix | None] = IdentityMemo(1024)


def _dockerignore_fix(context: BuildContext, patterns: tuple[str, ...]) -> Fix | None:
    """Compute :func:`dockerignore_fix`."""
    if not context.is_dir("."):
        return None
    present = {p.pattern for p in context.patterns if not p.exclusion}
    missing = tuple(dict.fromkeys(p for p in patterns if p not in present))
    if not missing:
        return None
    shown = ", ".join(missing)
    if context.ignore_file is None:
        path = context.root / DOCKERIGNORE
        return Fix(f"Create {path.name} with {shown}", (), safe=False,
                   files=(FileEdit(path, missing, create=True),))
    return Fix(f"Add {shown} to {context.ignore_file.name}", (), safe=False,
               files=(FileEdit(context.ignore_file, missing),))


def mount_instead_of_copy(facts: Facts, index: int, inst: Instruction, src: CopySource,
                          credential: CredentialFile, count: int) -> Fix | None:
    """"Mount instead of copy" when RUNs of the stage follow the COPY (SSH keys get
    ``--mount=type=ssh``), else "Add to .dockerignore"."""
    if src.heredoc:
        return None
    analysis = facts.analysis
    stage = analysis.stage_of[index]
    runs = [j for j in analysis.stages[stage].instructions if j > index and j in facts.runs]
    ssh = credential.kind.startswith("SSH")
    if not runs or count != 1 or inst.flag("from") is not None or (src.recursive and not ssh):
        pattern = src.text if not set("*?[") & set(src.text) else credential.pattern
        return dockerignore_fix(analysis.context, [pattern.removeprefix("./")])
    if ssh:
        flag = "--mount=type=ssh"
        title = "Use an SSH mount instead of copying the key (docker build --ssh default)"
    else:
        base = posixpath.basename(src.path)
        flag = f"--mount=type=secret,id={secret_id(base)},target={src.path}"
        title = f"Mount {base} as a build secret instead of copying it"
    edits = [delete_instruction(analysis, inst)]
    edits.extend(add_flag(analysis.instructions[j], flag) for j in runs)
    syntax = syntax_edit(analysis)
    if syntax is not None:
        edits.append(syntax)
    return Fix(title, _merge(edits), safe=False)
