"""Layers: what each RUN, COPY and ADD does to the image filesystem, with source positions."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from ..memo import IdentityMemo
from ..record import record
from ..syntax.grammar import TARGET_KEYS, mount_type
from ..syntax.nodes import Heredoc, Instruction, LogicalLine, Token
from ..syntax.slots import refuse, setters
from ..syntax.span import Position, Span
from .effects import Effects, PackageOp, PathEffect, script_effects
from .scopes import Scope
from .shell import Script, cached_script, script_language
from .stages import Stage
from .variables import expand

_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})
#: RUN/COPY/ADD layers of unchanged instructions, keyed by the instruction object and all the
#: layer reads: index, stage, working directory, known variable values, shell, escape.
#: The parser reuses unchanged instruction objects.
_LAYERS: IdentityMemo[Layer] = IdentityMemo(8192)
_LAYER_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst")


@record
class ShellSource:
    """Shell text that a RUN executes, mapped back to the Dockerfile.

    Offsets below ``split`` lie on the instruction's command line (``logical`` from
    ``offset``); from ``split`` on they lie in heredoc lines starting at ``first_line``.
    """

    text: str
    script: Script
    logical: LogicalLine | None
    offset: int
    split: int
    first_line: int

    def position(self, offset: int) -> Position:
        """Map an offset in ``text`` to a source position."""
        if offset < self.split and self.logical is not None:
            return self.logical.position(self.offset + offset)
        line = self.first_line + self.text.count("\n", self.split, offset)
        col = offset - (max(self.text.rfind("\n", self.split, offset), self.split - 1) + 1)
        return Position(line, col)

    def span(self, start: int, end: int) -> Span:
        """Map ``[start, end)`` of ``text`` to a source span."""
        if start < self.split and self.logical is not None:
            return self.logical.span(self.offset + start, self.offset + min(end, self.split - 1))
        return Span(self.position(start), self.position(max(start, end)))


class LayerPath:
    """A path a layer creates, modifies, removes or reads, and the token that says so.

    Without a ``span``, it is worked out on first use from ``at``: the effect's shell source
    (RUN) or the source token (COPY, ADD).
    """

    __slots__ = ("_at", "_span", "effect")

    effect: PathEffect
    _at: ShellSource | Token | None
    _span: Span | None

    def __init__(self, effect: PathEffect, span: Span | None = None,
                 at: ShellSource | Token | None = None) -> None:
        _path_effect(self, effect)
        _path_at(self, at)
        _path_span(self, span)

    @property
    def span(self) -> Span:
        """Where the path is written."""
        span = self._span
        if span is None:
            at = self._at
            assert at is not None, "a LayerPath needs a span or where to find it"
            span = at.span if isinstance(at, Token) else at.span(self.effect.start,
                                                                   self.effect.end)
            _path_span(self, span)
        return span

    @property
    def path(self) -> str:
        """The absolute path (possibly a glob pattern)."""
        return self.effect.path

    @property
    def kind(self) -> str:
        """How the path came about: download, redirect, extract, copy, rm, ..."""
        return self.effect.kind

    def covers(self, path: str) -> bool:
        """Tell whether ``path`` is this path or, for recursive effects, below it."""
        return self.effect.covers(path)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LayerPath):
            return NotImplemented
        return self.effect == other.effect and self.span == other.span

    def __hash__(self) -> int:
        return hash((self.effect, self.span))

    def __repr__(self) -> str:
        return f"LayerPath(effect={self.effect!r}, span={self.span!r})"

    __setattr__ = __delattr__ = refuse


_path_effect, _path_at, _path_span = setters(LayerPath, "effect", "_at", "_span")


class LayerPackages:
    """A package-manager command in a RUN, with the positions of its words (worked out on first
    use)."""

    __slots__ = ("_source", "op")

    op: PackageOp
    _source: ShellSource

    def __init__(self, op: PackageOp, source: ShellSource) -> None:
        _packages_op(self, op)
        _packages_source(self, source)

    @property
    def manager_span(self) -> Span:
        """The package manager's name (``apt-get``, ``python -m pip``)."""
        return self._source.span(*self.op.manager_span)

    @property
    def action_span(self) -> Span | None:
        """The action (``install``), if one is given."""
        action = self.op.action_span
        return None if action is None else self._source.span(*action)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LayerPackages):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[object, ...]:
        """What equality compares: the operation and the spans of its words."""
        return self.op, self.manager_span, self.action_span

    def __repr__(self) -> str:
        return (f"LayerPackages(op={self.op!r}, manager_span={self.manager_span!r}, "
                f"action_span={self.action_span!r})")

    __setattr__ = __delattr__ = refuse


_packages_op, _packages_source = setters(LayerPackages, "op", "_source")


@record
class Mount:
    """A ``RUN --mount``: its type and where it is mounted."""

    type: str
    target: str | None
    options: Mapping[str, str | None]
    span: Span


@record
class Layer:
    """One filesystem layer: a RUN, COPY or ADD and its effects."""

    instruction: int
    stage: int
    name: str
    workdir: str
    created: tuple[LayerPath, ...]
    modified: tuple[LayerPath, ...]
    removed: tuple[LayerPath, ...]
    inputs: tuple[LayerPath, ...]
    packages: tuple[LayerPackages, ...]
    mounts: tuple[Mount, ...]
    sources: tuple[ShellSource, ...]
    copy_from: str | None = None

    def mounted(self, path: str) -> bool:
        """Tell whether ``path`` lies under one of the RUN's mount targets."""
        return any(m.target and _under(path, m.target) for m in self.mounts)


def workdirs(instructions: tuple[Instruction, ...], stages: tuple[Stage, ...],
             scopes: tuple[Scope, ...] | list[Scope], escape: str) -> tuple[str, ...]:
    """The working directory each instruction runs in (``/`` before the first ``FROM``).

    A stage built ``FROM <stage>`` starts in that stage's final directory.
    """
    cwd = ["/"] * len(instructions)
    final: dict[int, str] = {}
    for stage in stages:
        current = final.get(stage.base_stage, "/") if stage.base_stage is not None else "/"
        for i in stage.instructions:
            cwd[i] = current
            inst = instructions[i]
            if inst.name == "WORKDIR" and inst.args.value:
                target = expand(inst.args.value, scopes[i], escape).value
                current = posixpath.normpath(posixpath.join(current, target))
        final[stage.index] = current
    return tuple(cwd)


def build_layers(instructions: tuple[Instruction, ...], stages: tuple[Stage, ...],
                 scopes: tuple[Scope, ...] | list[Scope], cwd: tuple[str, ...],
                 escape: str) -> tuple[Layer, ...]:
    """The layers of every stage, in file order (``cwd`` from :func:`workdirs`)."""
    layers: list[Layer] = []
    scope: Scope | None = None
    env: tuple[dict[str, str], tuple[tuple[str, str | None], ...]] = ({}, ())
    for stage in stages:
        shell_ok = True
        for i in stage.instructions:
            inst = instructions[i]
            name = inst.name
            if name == "SHELL" and inst.json and inst.exec_args:
                shell_ok = posixpath.basename(inst.exec_args[0].value) in _SHELLS
            elif name in _LAYER_INSTRUCTIONS:
                if scopes[i] is not scope:  # consecutive instructions share scope objects
                    scope = scopes[i]
                    env = _ENVS.get(scope, None, _env, scope)
                key = (i, stage.index, cwd[i], env[1], shell_ok, escape)
                if name == "RUN":
                    layer = _LAYERS.get(inst, key, _run_layer, inst, i, stage.index, cwd[i],
                                        env[0], shell_ok)
                else:
                    layer = _LAYERS.get(inst, key, _copy_layer, inst, i, stage.index, cwd[i],
                                        scopes[i], escape)
                layers.append(layer)
    return tuple(layers)


def _env(scope: Scope) -> tuple[dict[str, str], tuple[tuple[str, str | None], ...]]:
    """Known variable values (all that a RUN's shell reads of a scope; unknown = absent), and
    every variable with its value or None (what expansion reads; part of the layer memo's key:
    ``${X-d}`` tells a declared variable without a value from an undeclared one)."""
    known = {name: var.value for name, var in scope.items() if var.value is not None}
    return known, tuple(sorted((name, var.value) for name, var in scope.items()))


#: Known values by scope object (re-analysis keeps the scopes when an edit changes none).
_ENVS: IdentityMemo[tuple[dict[str, str], tuple[tuple[str, str | None], ...]]] = IdentityMemo(
    4096)


def _run_layer(inst: Instruction, index: int, stage: int, workdir: str,
               env: Mapping[str, str], shell_ok: bool) -> Layer:
    """Read a RUN's shell (command line and heredocs) into a layer."""
    mounts = _mounts(inst) if inst.flags else ()
    targets = [m.target for m in mounts if m.target]
    sources = _sources(inst) if shell_ok else ()
    created: tuple[LayerPath, ...] = ()
    modified: tuple[LayerPath, ...] = ()
    removed: tuple[LayerPath, ...] = ()
    inputs: tuple[LayerPath, ...] = ()
    packages: tuple[LayerPackages, ...] = ()
    for source in sources:
        effects: Effects = script_effects(source.script, workdir, env)
        created += _located(effects.created, source, targets)
        modified += _located(effects.modified, source, targets)
        removed += _located(effects.removed, source, targets)
        inputs += _located(effects.inputs, source, targets)
        if effects.packages:
            packages += tuple([LayerPackages(op, source) for op in effects.packages])
    return Layer(index, stage, "RUN", workdir, created, modified, removed, inputs, packages,
                 mounts, sources)


def _located(found: tuple[PathEffect, ...], source: ShellSource,
             targets: list[str]) -> tuple[LayerPath, ...]:
    """The paths of one shell source's effects, but those under a mount target."""
    if not found:
        return ()
    if not targets:
        return tuple([LayerPath(e, None, source) for e in found])
    return tuple([LayerPath(e, None, source) for e in found
                  if not any(_under(e.path, t) for t in targets)])


def _sources(inst: Instruction) -> tuple[ShellSource, ...]:
    """The shell texts a RUN executes."""
    if inst.json:
        return _exec_source(inst)
    args = inst.args.value
    heredocs = inst.heredocs
    if not heredocs:
        return (_source(args, inst.logical, inst.args_offset, len(args) + 1, inst.end_line),)
    if all(w.lstrip("0123456789").startswith("<<") for w in args.split()):
        return tuple(_heredoc_source(doc) for doc in heredocs
                     if script_language(doc.content) == "sh")
    text = args + "\n" + "".join(doc.content + doc.name + "\n" for doc in heredocs)
    return (_source(text, inst.logical, inst.args_offset, len(args) + 1,
                    heredocs[0].body.start.line),)


def _source(text: str, logical: LogicalLine | None, offset: int, split: int,
            first_line: int) -> ShellSource:
    """Parse one shell text."""
    return ShellSource(text, cached_script(text), logical, offset, split, first_line)


def _heredoc_source(doc: Heredoc) -> ShellSource:
    """A heredoc body that the default shell runs as a script."""
    return _source(doc.content, None, 0, 0, doc.body.start.line)


def _exec_source(inst: Instruction) -> tuple[ShellSource, ...]:
    """``RUN ["sh", "-c", "..."]``: the script argument, when it maps back exactly."""
    args = inst.exec_args
    if len(args) < 3 or posixpath.basename(args[0].value) not in _SHELLS or args[1].value != "-c":
        return ()
    token = args[2]
    start = token.span.start
    if token.span.end.line != start.line or token.span.end.col - start.col != len(
            token.value) + 2:
        return ()
    logical = LogicalLine(token.value, ((0, start.line, start.col + 1),))
    return (_source(token.value, logical, 0, len(token.value) + 1, start.line),)


def _mounts(inst: Instruction) -> tuple[Mount, ...]:
    """The RUN's ``--mount`` flags."""
    mounts = []
    for flag in inst.flags_named("mount"):
        options = flag.option_values()
        values = dict(options)
        target = next((values[k] for k in TARGET_KEYS if values.get(k)), None)
        if target is not None:
            target = posixpath.normpath(target) if target.startswith("/") else None
        mounts.append(Mount(mount_type(options), target, values, flag.span))
    return tuple(mounts)


def _copy_layer(inst: Instruction, index: int, stage: int, workdir: str, scope: Scope,
                escape: str) -> Layer:
    """COPY/ADD: the destination paths each source creates."""
    tokens: tuple[Token, ...] = inst.exec_args if inst.json else inst.words
    created: list[LayerPath] = []
    if len(tokens) >= 2:
        dest_raw = expand(tokens[-1].value, scope, escape).value
        dest = posixpath.normpath(posixpath.join(workdir, dest_raw))
        into_dir = dest_raw.endswith("/") or len(tokens) > 2
        heredoc_names = {doc.name: doc for doc in inst.heredocs}
        for token in tokens[:-1]:
            created.append(_copy_path(inst, token, dest, into_dir, heredoc_names, scope, escape))
    from_flag = inst.flag("from")
    return Layer(index, stage, inst.name, workdir, tuple(created), (), (), (), (), (), (),
                 from_flag.value if from_flag else None)


def _copy_path(inst: Instruction, token: Token, dest: str, into_dir: bool,
               heredocs: Mapping[str, Heredoc], scope: Scope, escape: str) -> LayerPath:
    """The path one COPY/ADD source lands at."""
    value = expand(token.value, scope, escape)
    source = value.value
    marker = source.lstrip("0123456789<-").strip("'\"")
    if source.startswith("<<") and marker in heredocs:
        path = posixpath.join(dest, marker) if into_dir else dest
        return LayerPath(PathEffect(path, "heredoc", -1, 0, 0), None, token)
    remote = source.startswith(("http://", "https://", "git@")) or source.endswith(".git")
    if inst.name == "ADD" and remote:
        name = posixpath.basename(source.split("?", 1)[0].rstrip("/")) or "download"
        path = posixpath.join(dest, name) if into_dir else dest
        return LayerPath(PathEffect(path, "download", -1, 0, 0, value.exact), None, token)
    if inst.name == "ADD" and source.lower().endswith(_ARCHIVES):
        return LayerPath(PathEffect(dest, "extract", -1, 0, 0, value.exact, True), None, token)
    whole = source in (".", "./", "/") or source.endswith("/") or any(c in source for c in "*?[")
    if whole:
        return LayerPath(PathEffect(dest, "copy", -1, 0, 0, value.exact, True), None, token)
    name = posixpath.basename(source.rstrip("/"))
    path = posixpath.join(dest, name) if into_dir else dest
    return LayerPath(PathEffect(path, "copy", -1, 0, 0, value.exact, True), None, token)


def _under(path: str, root: str) -> bool:
    """Tell whether ``path`` equals ``root`` or lies below it."""
    root = root.rstrip("/") or "/"
    return path == root or path.startswith(root + "/") or root == "/"
