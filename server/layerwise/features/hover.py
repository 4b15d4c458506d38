"""Hover: the stage graph on stage names, docs on keywords and flags, values of variables."""

from __future__ import annotations

import inspect
import re

from ..model.analysis import Analysis
from ..model.variables import PLATFORM_ARGS, PROXY_ARGS, expand
from ..record import record
from ..rules.registry import find_rule
from ..syntax.nodes import Comment, Directive, Flag, Instruction
from ..syntax.span import Position, Span
from .flag_docs import FLAGS, MOUNT_ALIASES, MOUNT_OPTIONS, MOUNT_TYPES
from .instruction_docs import DIRECTIVES, INSTRUCTIONS, REFERENCE
from .locate import clamp, in_head, index_of, single_line
from .markup import Markup, paragraphs
from .stage_names import stage_at
from .stage_overview import stage_overview
from .variable_names import VariableHit, variable_at

_PLATFORM_MEANING = {
    "TARGETPLATFORM": "the platform the image is built for (os/arch[/variant])",
    "TARGETOS": "the operating system of the target platform",
    "TARGETARCH": "the CPU architecture of the target platform",
    "TARGETVARIANT": "the CPU variant of the target platform",
    "BUILDPLATFORM": "the platform of the machine running the build",
    "BUILDOS": "the operating system of the build machine",
    "BUILDARCH": "the CPU architecture of the build machine",
    "BUILDVARIANT": "the CPU variant of the build machine",
}
_PRAGMA = re.compile(r"#\s*(layerwise:|hadolint\s|check\s*=)", re.IGNORECASE)
_RULE_WORD = re.compile(r"[A-Za-z0-9-]+")


@record
class HoverResult:
    """Hover text (Markdown or plain) and the span it describes."""

    text: str
    span: Span


def hover(analysis: Analysis, pos: Position, *, markdown: bool = True) -> HoverResult | None:
    """What to show for ``pos``; ``None`` where there is nothing to explain."""
    if pos.line < 0:
        return None
    pos = clamp(analysis, pos)
    m = Markup(markdown)
    node = index_of(analysis).node_at(pos.line)
    if isinstance(node, Directive):
        return _directive(node, pos, m)
    if isinstance(node, Comment):
        return _pragma(node, pos, m)
    if not isinstance(node, Instruction):
        return None
    variable = variable_at(analysis, pos)
    if variable is not None:
        return HoverResult(_variable(analysis, variable, m), variable.span)
    stage = stage_at(analysis, pos)
    if stage is not None:
        return HoverResult(_stage_overview(analysis, stage.stage, m), stage.span)
    if not in_head(node, pos.line):
        return None
    for inst in (node, node.sub):
        if inst is None:
            continue
        if inst.keyword.span.contains(pos):
            return _keyword(inst, m)
        for flag in inst.flags:
            if flag.span.contains(pos):
                return _flag(inst, flag, pos, m)
    return None


def _stage_overview(analysis: Analysis, stage: int, m: Markup) -> str:
    """A stage's overview, made once per analysis: every reference to the stage shows it."""
    memo = index_of(analysis).memo
    key = ("stage-overview", stage, m)
    text: str | None = memo.get(key)
    if text is None:
        text = memo[key] = stage_overview(analysis, stage, m)
    return text


def _keyword(inst: Instruction, m: Markup) -> HoverResult | None:
    """An instruction's summary, forms, example and reference link."""
    doc = INSTRUCTIONS.get(inst.name)
    if doc is None:
        return None
    text = paragraphs(
        f"{m.bold(inst.name)}: {m.prose(doc.summary)}",
        m.block("\n".join(doc.forms), "dockerfile"),
        "Example:\n" + m.block(doc.example, "dockerfile"),
        m.link(f"Dockerfile reference: {inst.name}", doc.url))
    return HoverResult(text, inst.keyword.span)


def _flag(inst: Instruction, flag: Flag, pos: Position, m: Markup) -> HoverResult | None:
    """A flag's meaning and values, or the ``--mount`` option under the cursor."""
    if inst.name == "RUN" and flag.name == "mount" and flag.value_span is not None and \
            flag.value_span.contains(pos):
        found = _mount_option(flag, pos, m)
        if found is not None:
            return found
    doc = FLAGS.get((inst.name, flag.name))
    if doc is None:
        return None
    optional = doc.value.startswith("[")
    usage = f"--{flag.name}{doc.value}" if optional else f"--{flag.name}={doc.value}"
    values = ""
    if doc.values:
        label = "Values" if optional or "|" in doc.value else "Suggested"
        values = f"{label}: {', '.join(m.code(v) for v in doc.values)}"
    text = paragraphs(
        f"{m.bold('--' + flag.name)} ({inst.name}): {m.prose(doc.summary)}",
        m.block(f"{inst.name} {usage}", "dockerfile"), values,
        m.link(f"Dockerfile reference: {inst.name} --{flag.name}", doc.url))
    return HoverResult(text, flag.span)


def _mount_option(flag: Flag, pos: Position, m: Markup) -> HoverResult | None:
    """The ``--mount`` key (or ``type=`` value) under the cursor."""
    for key, value, span in flag.options():
        if not single_line(span) or not span.contains(pos):
            continue
        in_value = pos.col > span.start.col + len(key)
        key = MOUNT_ALIASES.get(key, key)
        if key == "type" and in_value and value is not None and value.lower() in MOUNT_TYPES:
            kind = value.lower()
            text = paragraphs(f"{m.bold('--mount=type=' + kind)}: {m.prose(MOUNT_TYPES[kind])}",
                              m.link(f"Dockerfile reference: RUN --mount=type={kind}",
                                     f"{REFERENCE}#run---mounttype{kind}"))
            return HoverResult(text, span)
        option = MOUNT_OPTIONS.get(key)
        if option is None:
            return None
        values = f"Values: {', '.join(m.code(v) for v in option.values)}" \
            if option.values else ""
        text = paragraphs(f"{m.bold(key)} (--mount option): {m.prose(option.summary)}", values,
                          m.link("Dockerfile reference: RUN --mount",
                                 f"{REFERENCE}#run---mount"))
        return HoverResult(text, span)
    return None


def _variable(analysis: Analysis, hit: VariableHit, m: Markup) -> str:
    """A variable's value at the cursor and where it was set."""
    var = hit.variable
    name = m.code(hit.name)
    if var is None:
        return paragraphs(f"{m.bold('Variable')} {name} is not set here.",
                          _unset_hint(analysis, hit, m))
    kind = {"global-arg": "Global ARG", "arg": "ARG", "env": "ENV",
            "predefined": "Predefined ARG"}.get(var.kind, "Variable")
    parts = [f"{m.bold(kind)} {name} = {_shown(var.value, m)}"]
    if hit.use is not None and hit.use.expression not in (f"${hit.name}", f"${{{hit.name}}}"):
        scope = index_of(analysis).scope_at(hit.instruction)
        expanded = expand(hit.use.expression, scope, analysis.dockerfile.escape).value
        parts.append(f"{m.code(hit.use.expression)} expands to {_shown(expanded, m)} here.")
    if var.kind == "predefined" and hit.name in PLATFORM_ARGS:
        example = _shown(PLATFORM_ARGS[hit.name], m)
        parts.append(f"Set by BuildKit: {_PLATFORM_MEANING[hit.name]} ({example} on a "
                     "linux/amd64 build).")
    elif var.span is not None:
        where = "Defined here" if hit.write else "Set"
        parts.append(f"{where} on line {var.span.start.line + 1}.")
    if var.value is None and var.kind in ("arg", "global-arg"):
        flag = m.code(f"--build-arg {hit.name}=…")
        parts.append(f"It has no default: pass one with {flag}.")
    elif var.value is None:
        parts.append("Its value depends on a variable whose value is unknown.")
    return paragraphs(*parts)


def _unset_hint(analysis: Analysis, hit: VariableHit, m: Markup) -> str:
    """Why a variable might be unset where it is used, and how to fix it."""
    declare = m.code(f"ARG {hit.name}")
    if hit.name in PLATFORM_ARGS:
        return (f"BuildKit sets it ({_PLATFORM_MEANING[hit.name]}), but a stage only sees it "
                f"after {declare}.")
    if hit.name in PROXY_ARGS:
        return (f"It is a predefined proxy ARG: it is set when passed with "
                f"{m.code('--build-arg')}, and kept out of the image history.")
    glob = analysis.global_scope.get(hit.name)
    if glob is not None and glob.span is not None:
        return (f"The global ARG on line {glob.span.start.line + 1} is visible inside a stage "
                f"only after {declare}.")
    return "It expands to an empty string unless the build environment sets it."


def _directive(node: Directive, pos: Position, m: Markup) -> HoverResult | None:
    """A parser directive's meaning."""
    doc = DIRECTIVES.get(node.name)
    span = Span(node.name_span.start, node.value_span.end)
    if doc is None or not span.contains(pos):
        return None
    text = paragraphs(f"{m.bold('# ' + node.name)} (parser directive): {m.prose(doc.summary)}",
                      m.block(doc.example, "dockerfile"),
                      m.link(f"Dockerfile reference: {node.name}", doc.url))
    return HoverResult(text, span)


def _pragma(node: Comment, pos: Position, m: Markup) -> HoverResult | None:
    """The documentation of a rule named in a suppression comment."""
    if _PRAGMA.match(node.text) is None:
        return None
    offset = node.span.start.col
    for word in _RULE_WORD.finditer(node.text):
        span = Span.of(pos.line, offset + word.start(), pos.line, offset + word.end())
        if not span.contains(pos):
            continue
        rule = find_rule(word.group())
        if rule is None:
            return None
        page = inspect.cleandoc(type(rule).__doc__ or "")
        title = f"{m.bold(rule.id)} {m.code(rule.name)}: {rule.summary}"
        return HoverResult(paragraphs(title, m.page(page)), span)
    return None


def _shown(value: str | None, m: Markup) -> str:
    """A value for display: code, "(empty)" or "unknown"."""
    if value is None:
        return "unknown"
    return m.code(value) if value else "(empty)"
