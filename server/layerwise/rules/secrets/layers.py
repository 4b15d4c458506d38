"""Which paths each layer creates and removes, and which of them hold secrets.

A small layer model for the secret rules (LW305, LW307, LW308): COPY/ADD give their
destination paths, RUN gives the file effects of its script (``model.effects``), minus paths
on ``--mount`` targets. Each written path is tagged with why it holds a secret: its name
(``.npmrc``, ``id_rsa``), the secret-named variable or secret mount it was written from, or
key generation.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from fnmatch import fnmatchcase

from ...memo import IdentityMemo
from ...model.effects import PathEffect
from ...model.layers import Layer as ModelLayer
from ...model.shell import Command, Word, getopt
from ...model.variables import expand
from ...patterns import lazy_pattern
from ...record import record
from ...syntax.nodes import Instruction, Token
from ...syntax.span import Span
from .detector import is_file_name, is_path
from .facts import Facts, Mount, RunFacts
from .files import CredentialFile, classify
from .names import is_secret_name

_VARIABLE = lazy_pattern(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_WRITE_KINDS = frozenset({"redirect", "download", "copy", "move", "write", "archive", "build",
                          "keygen"})
_SSH_KEYGEN_OTHER = frozenset({"-l", "-y", "-F", "-R", "-H", "-e", "-i", "-p", "-c", "-L", "-Q",
                               "-r", "-k", "-s", "-D", "-B", "-Y", "-M", "-G", "-T"})
_GPG_GENERATE = frozenset({"--gen-key", "--generate-key", "--quick-generate-key",
                           "--quick-gen-key", "--full-generate-key", "--full-gen-key"})


@record
class PathEvent:
    """A path a layer creates or removes."""

    path: str
    instruction: int
    span: Span  # the word or token at fault
    kind: str
    recursive: bool = False
    exact: bool = True
    command: int = -1  # RUN: index of the command in the script
    source: str = ""  # COPY/ADD: the source as written (expanded)

    def covers(self, path: str) -> bool:
        """Tell whether this (removal) path matches ``path`` or, if recursive, a parent."""
        mine = [c for c in self.path.split("/") if c]
        theirs = [c for c in path.split("/") if c]
        if len(theirs) < len(mine) or (len(theirs) > len(mine) and not self.recursive):
            return False
        return all(fnmatchcase(t, m) for m, t in zip(mine, theirs, strict=False))


@record
class SecretWrite:
    """A path written with secret content, and why it counts as secret."""

    event: PathEvent
    reason: str  # "name", "arg", "env", "secret-mount", "generated"
    variable: str = ""  # for "arg"/"env"/"secret-mount" via env=
    mount: Mount | None = None
    credential: CredentialFile | None = None


@record
class Layer:
    """One RUN/COPY/ADD and its path effects."""

    instruction: int
    stage: int
    created: tuple[PathEvent, ...]
    removed: tuple[PathEvent, ...]


# --------------------------------------------------------------------------- COPY / ADD

@record
class CopySource:
    """One source of a COPY/ADD and the path it gets in the image."""

    token: Token
    text: str  # expanded source ("" for a heredoc)
    heredoc: str  # heredoc name, if the source is one
    path: str  # absolute destination of this source
    recursive: bool
    dest: Token


def copy_sources(facts: Facts, index: int, inst: Instruction) -> tuple[CopySource, ...]:
    """The sources of a COPY/ADD with their destination paths (memoised: they depend on the
    instruction, its scope, working directory, escape and build context only)."""
    analysis = facts.analysis
    return _SOURCES.get(inst, (facts.cwd[index], facts.escape), _copy_sources, facts, index,
                        inst, also=(analysis.scopes[index], analysis.context))


_SOURCES: IdentityMemo[tuple[CopySource, ...]] = IdentityMemo(8192)


def _copy_sources(facts: Facts, index: int, inst: Instruction) -> tuple[CopySource, ...]:
    """Compute :func:`copy_sources`."""
    tokens = inst.exec_args if inst.json else inst.words
    if len(tokens) < 2:
        return ()
    analysis = facts.analysis
    scope = analysis.scopes[index]
    dest_token = tokens[-1]
    dest = expand(dest_token.value, scope, facts.escape).value
    base = posixpath.normpath(posixpath.join(facts.cwd[index], dest or "."))
    into = dest.endswith("/") or len(tokens) > 2
    markers = {doc.marker: doc for doc in inst.heredocs}
    out: list[CopySource] = []
    for token in tokens[:-1]:
        doc = markers.get(token.span)
        if doc is not None:
            path = posixpath.join(base, doc.name) if into else base
            out.append(CopySource(token, "", doc.name, path, False, dest_token))
            continue
        text = expand(token.value, scope, facts.escape).value
        name = posixpath.basename(text.rstrip("/"))
        whole = name in ("", ".", "..") or text.endswith("/") or _is_dir(facts, inst, text)
        if whole:
            out.append(CopySource(token, text, "", base, True, dest_token))
        elif into:
            out.append(CopySource(token, text, "", posixpath.join(base, name),
                                  _looks_dir(name), dest_token))
        else:
            out.append(CopySource(token, text, "", base, _looks_dir(name), dest_token))
    return tuple(out)


def _is_dir(facts: Facts, inst: Instruction, text: str) -> bool:
    context = facts.analysis.context
    if context is None or inst.flag("from") is not None or any(c in text for c in "*?["):
        return False
    return context.is_dir(text)


_DOT_DIRS = frozenset({".ssh", ".aws", ".azure", ".kube", ".docker", ".config", ".gnupg",
                       ".git", ".m2", ".gradle", ".cargo"})


def _looks_dir(name: str) -> bool:
    """Tell whether a source name is a well-known folder (``.ssh``, ``.aws``)."""
    return name in _DOT_DIRS


# --------------------------------------------------------------------------- layers

def layer_at(facts: Facts, index: int) -> Layer | None:
    """The layer of a RUN/COPY/ADD in a stage (None for other instructions), made on first use
    and kept on the facts object.

    Paths come from the analysis' layer model (``analysis.layers``); a RUN whose shell text
    that model splits differently (several heredoc scripts) is read from its own effects, so
    that command indexes always refer to :attr:`RunFacts.script`.
    """
    made = facts.layers
    if index in made:
        return made[index]
    made[index] = found = _layer_at(facts, index)
    return found


def _layer_at(facts: Facts, i: int) -> Layer | None:
    """Compute :func:`layer_at`."""
    analysis = facts.analysis
    stage = analysis.stage_of[i]
    inst = analysis.instructions[i]
    if stage < 0 or inst.name not in ("COPY", "ADD", "RUN"):
        return None
    shared = analysis.layer_index.get(i)
    if inst.name in ("COPY", "ADD") and shared is None:
        return Layer(i, stage, tuple(
            PathEvent(src.path, i, src.token.span, "copy", src.recursive, True, -1,
                      src.text or src.heredoc)
            for src in copy_sources(facts, i, inst)), ())
    # What follows reads only the model layer (whose identity fixes its instruction object
    # and index) and, for a RUN, the RunFacts; both are reused across analyses.
    run = facts.runs.get(i)
    return _LAYERS.get(shared, stage, _layer, i, stage, shared, run, also=(run,))


#: Secret layers by model layer and RunFacts identity, and stage.
_LAYERS: IdentityMemo[Layer] = IdentityMemo(8192)


def _layer(i: int, stage: int, shared: ModelLayer | None, run: RunFacts | None) -> Layer:
    """The secret layer of a COPY/ADD (``run`` None, ``shared`` set) or RUN at ``i``."""
    if run is None:
        assert shared is not None
        return Layer(i, stage, tuple(PathEvent(p.path, i, p.span, "copy", p.effect.recursive,
                                               p.effect.exact) for p in shared.created), ())
    if (shared is not None and len(shared.sources) == 1 and run.text is not None
            and shared.sources[0].text == run.text.text):
        created = tuple(PathEvent(p.path, i, p.span, p.kind, p.effect.recursive,
                                  p.effect.exact, p.effect.command)
                        for p in shared.created if p.kind in _WRITE_KINDS)
        removed = tuple(PathEvent(p.path, i, p.span, p.kind, p.effect.recursive,
                                  p.effect.exact, p.effect.command) for p in shared.removed)
        return Layer(i, stage, created, removed)
    effects = run.effects
    if effects is None:
        return Layer(i, stage, (), ())
    created = tuple(_event(run, e) for e in effects.created
                    if e.kind in _WRITE_KINDS and not run.transient(e.path))
    removed = tuple(_event(run, e) for e in effects.removed if not run.transient(e.path))
    return Layer(i, stage, created, removed)


def _event(run: RunFacts, effect: PathEffect) -> PathEvent:
    return PathEvent(effect.path, run.index, run.span(effect.start, effect.end), effect.kind,
                     effect.recursive, effect.exact, effect.command)


def removed_later(facts: Facts, index: int, path: str) -> bool:
    """Tell whether a later layer of this stage or of a stage built FROM it removes ``path``."""
    analysis = facts.analysis
    for stage in facts.descendants(analysis.stage_of[index]):
        for i in analysis.stages[stage].instructions:
            layer = layer_at(facts, i) if i > index else None
            if layer is not None and any(event.covers(path) for event in layer.removed):
                return True
    return False


def removed_in_run(run: RunFacts, path: str, after: int = -1) -> bool:
    """Tell whether the RUN removes ``path`` (with a command at index ``after`` or later)."""
    effects = run.effects
    if effects is None:
        return False
    for removal in effects.removed:
        if removal.command >= after and removal.covers(path):
            return removal.kind != "move"  # moved content lives on at the destination
    return False


# --------------------------------------------------------------------------- secret writes

def home(run: RunFacts) -> str:
    """The home directory ``~`` stands for in a RUN."""
    return run.env.get("HOME") or "/root"


def resolve(run: RunFacts, text: str, command: int | None = None) -> str:
    """An absolute path for a word's text (``~`` and the working directory resolved).

    With ``command`` the directory is the one that command runs in (after ``cd``).
    """
    if text == "~" or text.startswith("~/"):
        text = home(run) + text[1:]
    base = run.cwd if command is None else cwd_at(run, command)
    return posixpath.normpath(posixpath.join(base, text))


def cwd_at(run: RunFacts, index: int) -> str:
    """The working directory of command ``index``: the RUN's, changed by earlier ``cd``."""
    commands = run.commands()
    if not 0 <= index < len(commands):
        return run.cwd
    scope = commands[index].scope
    cwd = run.cwd
    for command in commands[:index]:
        if command.program != "cd" or command.scope != scope[:len(command.scope)]:
            continue
        target = next((w for w in command.args if not (w.value or "").startswith("-")), None)
        text = word_text(run, target) if target is not None else home(run)
        if "$" in text:
            return run.cwd
        if text == "~" or text.startswith("~/"):
            text = home(run) + text[1:]
        cwd = posixpath.normpath(posixpath.join(cwd, text))
    return cwd


def word_text(run: RunFacts, word: Word) -> str:
    """A word's text with the ARG/ENV values the RUN knows expanded (others kept as ``$X``)."""
    if word.value is not None:
        return word.value
    if word.parts:
        return "".join(run.env.get(text, "${" + text + "}") if is_var else text
                       for text, is_var in word.parts)
    return word.raw


def _expanded_names(word: Word) -> list[str]:
    """Variables a word really expands (single-quoted ``$X`` is text)."""
    if word.value is not None:
        return []
    if word.parts:
        return [text for text, is_var in word.parts if is_var]
    return _VARIABLE.findall(word.raw)


def _command_names(command: Command) -> list[str]:
    names: list[str] = []
    for word in command.args:
        names.extend(_expanded_names(word))
    for redirect in command.redirects:
        if redirect.body is not None:
            names.extend(_expanded_names(redirect.body))
    return names


def _reads_mount(run: RunFacts, command: Command) -> Mount | None:
    for word in command.args:
        text = word_text(run, word)
        if text.startswith(("/", "~", ".")):
            mount = run.mount_for_path(resolve(run, text.strip("\"'")))
            if mount is not None:
                return mount
        for path in run.secret_paths:
            if path in word.raw:
                return run.mount_for_path(path)
    return None


def _secret_source(facts: Facts, run: RunFacts, index: int, command: Command
                   ) -> tuple[str, str, Mount | None] | None:
    """Why what a command writes is secret: (reason, variable, mount), or None."""
    mount = _reads_mount(run, command)
    commands = run.commands()
    if mount is None and command.pipe_in and index > 0 and commands[index - 1].pipe_out:
        mount = _reads_mount(run, commands[index - 1])
    if mount is not None:
        return "secret-mount", "", mount
    assigned = {name for c in commands[:index] for name, _ in c.assignments}
    for name in _command_names(command):
        if name in run.secret_envs:
            return "secret-mount", name, next(
                (m for m in run.secret_mounts if m.env == name), None)
        if name in assigned:
            continue
        kind = facts.variable_kind(run.index, name)
        if kind in ("arg", "env") and is_secret_name(name) and not _path_valued(run, name):
            return kind, name, None
    return None


def _path_valued(run: RunFacts, name: str) -> bool:
    """Tell whether a variable's known value is a path (``NGROK_CA_KEY=assets/….key``)."""
    value = run.env.get(name)
    return value is not None and (is_path(value) or is_file_name(value))


def secret_writes(facts: Facts, run: RunFacts) -> tuple[SecretWrite, ...]:
    """Paths a RUN writes that hold secrets (created, on the image file system); memoised, as
    they depend on the RUN, its layer and the variables in its scope only."""
    layer = layer_at(facts, run.index)
    if layer is None:
        return ()
    return _WRITES.get(run, None, _secret_writes, facts, run, layer,
                       also=(layer, facts.analysis.scopes[run.index]))


_WRITES: IdentityMemo[tuple[SecretWrite, ...]] = IdentityMemo(8192)


def _secret_writes(facts: Facts, run: RunFacts, layer: Layer) -> tuple[SecretWrite, ...]:
    """Compute :func:`secret_writes`."""
    commands = run.commands()
    out: list[SecretWrite] = []
    for event in layer.created:
        if not 0 <= event.command < len(commands):
            continue
        command = commands[event.command]
        why = _secret_source(facts, run, event.command, command)
        credential = classify(event.path)
        if why is not None:
            out.append(SecretWrite(event, why[0], why[1], why[2], credential))
        elif credential is not None and event.kind in ("copy", "download", "redirect", "write",
                                                        "move"):
            out.append(SecretWrite(event, "name", "", None, credential))
    return tuple(out)


def writes_secrets(facts: Facts, index: int) -> bool:
    """Tell whether instruction ``index`` is a RUN that writes secret files or generates keys:
    the file rules look at these only."""
    run = facts.runs.get(index)
    return run is not None and bool(secret_writes(facts, run) or key_generations(run))


@record
class KeyGeneration:
    """A command that generates private key material."""

    command: Command
    tool: str
    outputs: tuple[tuple[str, Span], ...]  # (absolute path, span of the word naming it)


def key_generations(run: RunFacts) -> tuple[KeyGeneration, ...]:
    """``ssh-keygen``, ``openssl genrsa|genpkey|req -newkey``, ``wg genkey``, ``gpg --gen-key``
    (memoised by RUN)."""
    return _KEYS.get(run, None, lambda: tuple(_key_generations(run)))


_KEYS: IdentityMemo[tuple[KeyGeneration, ...]] = IdentityMemo(8192)


def _key_generations(run: RunFacts) -> Iterator[KeyGeneration]:
    """Compute :func:`key_generations`."""
    commands = run.commands()
    for index, command in enumerate(commands):
        program = command.program or ""
        outputs: list[tuple[str, Span]] | None = None
        if program == "ssh-keygen":
            outputs = _ssh_keygen(run, command, index)
        elif program == "openssl":
            outputs = _openssl(run, command, index)
        elif program == "wg" and command.args and command.args[0].value == "genkey":
            outputs = []
        elif program in ("gpg", "gpg2") and any(w.value in _GPG_GENERATE for w in command.args):
            outputs = [(resolve(run, "~/.gnupg"), run.span(command.name.start, command.name.end))]
        if outputs is None:
            continue
        outputs.extend(_stdout_files(run, commands, index))
        yield KeyGeneration(command, program, tuple(outputs))


def _stdout_files(run: RunFacts, commands: tuple[Command, ...], index: int
                  ) -> list[tuple[str, Span]]:
    """Files that receive a command's standard output (redirect, or ``| tee``)."""
    out: list[tuple[str, Span]] = []
    command = commands[index]
    for redirect in command.redirects:
        op = redirect.op.lstrip("1")
        if op in (">", ">>", ">|", "&>") and redirect.target is not None:
            text = word_text(run, redirect.target)
            out.append((resolve(run, text, index), run.word_span(redirect.target)))
    nxt = commands[index + 1] if index + 1 < len(commands) else None
    if command.pipe_out and nxt is not None and nxt.pipe_in and nxt.program == "tee":
        for word in getopt(nxt.args)[1]:
            out.append((resolve(run, word_text(run, word), index + 1), run.word_span(word)))
    return out


def _ssh_keygen(run: RunFacts, command: Command, index: int) -> list[tuple[str, Span]] | None:
    opts, _ = getopt(command.args, "tbfNCmZaOnVIzPwSDYsEgHrMRTUK")
    names = {o.name for o in opts}
    if names & _SSH_KEYGEN_OTHER:
        return None
    name_span = run.span(command.name.start, command.name.end)
    if "-A" in names:
        return [("/etc/ssh/ssh_host_rsa_key", name_span)]
    out = next((o.value for o in reversed(opts) if o.name == "-f" and o.value), None)
    if out is not None:
        return [(resolve(run, word_text(run, out), index), run.word_span(out))]
    kind = next((o.value.value for o in opts if o.name == "-t" and o.value and o.value.value),
                "rsa")
    return [(resolve(run, f"~/.ssh/id_{kind}"), name_span)]


def _openssl(run: RunFacts, command: Command, index: int) -> list[tuple[str, Span]] | None:
    if not command.args:
        return None
    sub = command.args[0].value or ""
    rest = command.args[1:]
    values = [w.value for w in rest]
    generating = (sub in ("genrsa", "gendsa", "genpkey")
                  or (sub == "req" and ("-newkey" in values or "-keyout" in values))
                  or (sub == "ecparam" and "-genkey" in values))
    if not generating:
        return None
    flag = "-keyout" if sub == "req" else "-out"
    outputs: list[tuple[str, Span]] = []
    for k, word in enumerate(rest[:-1]):
        if word.value == flag:
            target = rest[k + 1]
            outputs.append((resolve(run, word_text(run, target), index),
                            run.word_span(target)))
    if sub == "req" and not outputs:
        outputs.append((resolve(run, "privkey.pem", index),
                        run.span(command.name.start, command.name.end)))
    return outputs
