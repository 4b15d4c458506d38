"""What a RUN script does to the image filesystem, read from its parsed commands.

Heuristic by nature: a path with an unresolved expansion is reported with ``exact=False`` so that
callers can ignore it, and unfamiliar command shapes produce no effect at all.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping
from fnmatch import fnmatchcase
from itertools import pairwise
from typing import NamedTuple

from layerwise.memo import IdentityMemo
from layerwise.model.shell import Command, Option, Script, Word, getopt, shell_argv
from layerwise.record import record

_GLOB = frozenset("*?[")
_DECLARATIONS = frozenset({"", "export", "declare", "typeset", "local", "readonly"})
_WRITES = frozenset({">", ">|", ">>", "&>", "&>>", "<>"})
_INTERPRETERS = frozenset({"perl", "ruby", "node", "php"})
_INLINE_CODE = frozenset({"-c", "-m", "-e", "-E", "-r", "--eval"})
_PACKAGE_FILES = (".deb", ".rpm", ".apk", ".whl", ".gem", ".tgz", ".tar.gz", ".zip")


@record
class PathEffect:
    """A path that one command creates, removes, modifies or reads, with the word at fault."""

    path: str  # absolute and normalised; may be a glob pattern ("/var/lib/apt/lists/*")
    kind: str  # "download", "redirect", "extract", "clone", "mkdir", "copy", "move", "rm", ...
    command: int  # index into Script.commands
    start: int
    end: int
    exact: bool = True  # False when an expansion (or the working directory) is unknown
    recursive: bool = False  # everything below the path is included

    def covers(self, path: str) -> bool:
        """Tell whether ``path`` matches this path, or lies below it for a recursive effect."""
        mine, theirs = _components(self.path), _components(path)
        if len(theirs) < len(mine) or (len(theirs) > len(mine) and not self.recursive):
            return False
        return all(_match(p, t) for p, t in zip(mine, theirs, strict=False))


@record
class PackageOp:
    """A package-manager operation such as ``apt-get install -y curl``."""

    manager: str  # "apt-get", "apk", "pip", "uv", "npm", "yarn", "pnpm", "dnf", "go", ...
    action: str  # normalised: "update" refreshes the index, "upgrade" upgrades packages; "" if none
    flags: tuple[Option, ...]
    packages: tuple[Word, ...]  # operands after the action (package names for install/remove)
    command: int
    manager_span: tuple[int, int]
    action_span: tuple[int, int] | None

    def has_flag(self, *names: str) -> bool:
        """Tell whether any of the options ``names`` is given."""
        return any(f.name in names for f in self.flags)

    def flag(self, *names: str) -> Option | None:
        """The last of the options ``names`` that is given, with its value."""
        return next((f for f in reversed(self.flags) if f.name in names), None)


@record
class Effects:
    """The filesystem effects of one RUN script."""

    created: tuple[PathEffect, ...] = ()  # new or rewritten paths
    removed: tuple[PathEffect, ...] = ()
    modified: tuple[
        PathEffect, ...
    ] = ()  # changed if they already existed (callers check earlier layers)
    inputs: tuple[PathEffect, ...] = ()  # files extracted, installed or executed
    packages: tuple[PackageOp, ...] = ()


class _Manager(NamedTuple):
    """How to read one package manager's command line."""

    short: str = ""  # short options that take a value
    long: frozenset[str] = frozenset()  # long options that take a value
    aliases: Mapping[str, str] = {}
    groups: frozenset[str] = frozenset()  # first words of two-word actions ("cache clean")
    clusters: bool = True
    default: str = ""  # action when none is given


class _Cache(NamedTuple):
    """Where a package manager keeps its cache and which actions fill or empty it."""

    path: str  # "~" is the home directory
    fills: frozenset[str]
    cleans: frozenset[str]
    dir_option: str = ""
    dir_env: str = ""
    off_options: tuple[str, ...] = ()
    off_env: str = ""


def _words(text: str) -> frozenset[str]:
    """A set of option names written as one space-separated string."""
    return frozenset(text.split())


def _aliases(text: str) -> dict[str, str]:
    """Action aliases written as ``alias=action`` pairs."""
    return dict(pair.split("=") for pair in text.split())


_APT = _Manager(
    "oct",
    _words("--option --config-file --target-release --default-release"),
    _aliases("dist-upgrade=upgrade full-upgrade=upgrade distclean=dist-clean autopurge=autoremove"),
)
_PIP_LONG = _words(
    "--requirement --constraint --editable --index-url --extra-index-url --find-links --target "
    "--prefix --root --src --upgrade-strategy --trusted-host --platform --python-version "
    "--implementation --abi --only-binary --no-binary --progress-bar --cache-dir --log --proxy "
    "--timeout --retries --exists-action --cert --client-cert --config-settings --global-option "
    "--report --python --dest --root-user-action --use-feature --use-deprecated --keyring-provider"
)
_RPM = _Manager(
    "xcdeR",
    _words(
        "--setopt --enablerepo --disablerepo --installroot --releasever --exclude --repo --repoid "
        "--repofrompath --config --forcearch"
    ),
    _aliases(
        "in=install groupinstall=install localinstall=install update=upgrade up=upgrade "
        "update-minimal=upgrade upgrade-minimal=upgrade erase=remove rm=remove"
    ),
)
_MANAGERS: dict[str, _Manager] = {
    "apt-get": _APT,
    "apt": _APT,
    "aptitude": _APT,
    "apk": _Manager(
        "tXp",
        _words(
            "--virtual --repository --root --arch --cache-dir --keys-dir --repositories-file "
            "--cache-max-age"
        ),
        groups=_words("cache"),
    ),
    "pip": _Manager("rceiftCd", _PIP_LONG, _aliases("uninstall=remove"), _words("cache")),
    "uv": _Manager("rceiftCdp", _PIP_LONG, _aliases("uninstall=remove"), _words("pip cache")),
    "npm": _Manager(
        "",
        _words(
            "--prefix --registry --omit --include --loglevel --cache -w --workspace --userconfig "
            "--tag -C --install-strategy"
        ),
        _aliases(
            "i=install in=install isntall=install add=install clean-install=ci ic=ci "
            "install-clean=ci un=remove uninstall=remove rm=remove r=remove unlink=remove "
            "up=upgrade update=upgrade"
        ),
        _words("cache"),
        clusters=False,
    ),
    "yarn": _Manager(
        "",
        _words(
            "--cache-folder --modules-folder --network-timeout --mutex --registry --cwd "
            "--global-folder --network-concurrency"
        ),
        groups=_words("cache global"),
        clusters=False,
        default="install",
    ),
    "pnpm": _Manager(
        "",
        _words("--store-dir --filter -F -C --dir --registry --reporter"),
        _aliases("i=install rm=remove un=remove uninstall=remove up=upgrade update=upgrade"),
        _words("store"),
        clusters=False,
    ),
    "dnf": _RPM,
    "yum": _RPM,
    "microdnf": _RPM,
    "tdnf": _RPM,
    "zypper": _Manager(
        "trRDC",
        _words("--type --from --repo --root --cache-dir --reposd-dir --plus-repo"),
        _aliases(
            "in=install rm=remove up=upgrade update=upgrade dup=upgrade dist-upgrade=upgrade "
            "ref=update refresh=update cc=clean"
        ),
    ),
    "gem": _Manager(
        "",
        _words(
            "-v --version -i --install-dir -n --bindir --source -s --platform -P --trust-policy "
            "--build-root -g"
        ),
        _aliases("i=install uninstall=remove update=upgrade"),
        clusters=False,
    ),
    "go": _Manager(
        "",
        _words(
            "-o -ldflags -gcflags -asmflags -tags -mod -C -p -buildmode -modfile -pkgdir -overlay "
            "-toolexec -exec -run -count -timeout -coverprofile -bench"
        ),
        groups=_words("mod"),
        clusters=False,
    ),
}
_FILLS = _words("install add ci update upgrade makecache")
_CLEAN = _words("clean")
_APT_LISTS = _Cache("/var/lib/apt/lists", _words("update"), _words("dist-clean"))
_CACHES: dict[str, _Cache] = {
    "apt-get": _APT_LISTS,
    "apt": _APT_LISTS,
    "aptitude": _APT_LISTS,
    "apk": _Cache(
        "/var/cache/apk", _FILLS, frozenset({"cache clean"}), "--cache-dir", "", ("--no-cache",)
    ),
    "pip": _Cache(
        "~/.cache/pip",
        _words("install download wheel"),
        frozenset({"cache purge"}),
        "--cache-dir",
        "PIP_CACHE_DIR",
        ("--no-cache-dir",),
        "PIP_NO_CACHE_DIR",
    ),
    "uv": _Cache(
        "~/.cache/uv",
        frozenset({"pip install", "sync", "add"}),
        frozenset({"cache clean"}),
        "--cache-dir",
        "UV_CACHE_DIR",
        ("--no-cache", "-n"),
        "UV_NO_CACHE",
    ),
    "npm": _Cache(
        "~/.npm/_cacache", _FILLS, frozenset({"cache clean"}), "--cache", "NPM_CONFIG_CACHE"
    ),
    "yarn": _Cache(
        "~/.cache/yarn", _FILLS, frozenset({"cache clean"}), "--cache-folder", "YARN_CACHE_FOLDER"
    ),
    "pnpm": _Cache(
        "~/.local/share/pnpm/store",
        _words("install add"),
        frozenset({"store prune"}),
        "--store-dir",
        "npm_config_store_dir",
    ),
    "dnf": _Cache("/var/cache/dnf", _FILLS, _CLEAN),
    "yum": _Cache("/var/cache/yum", _FILLS, _CLEAN),
    "microdnf": _Cache("/var/cache/yum", _FILLS, _CLEAN),
    "tdnf": _Cache("/var/cache/tdnf", _FILLS, _CLEAN),
    "zypper": _Cache("/var/cache/zypp", _FILLS, _CLEAN),
}
_CURL_SHORT = "oHdDuXAebcFTwxmrKECyYzUQt"
_CURL_LONG = _words(
    "--output --header --data --data-raw --data-binary --data-urlencode --user --request "
    "--user-agent --referer --cookie --cookie-jar --form --upload-file --write-out --proxy "
    "--cacert --capath --cert --key --max-time --connect-timeout --retry --retry-delay "
    "--retry-max-time --limit-rate --resolve --connect-to --output-dir --config --dump-header "
    "--proto --proto-redir --max-filesize --interface --range --continue-at --url --oauth2-bearer"
)
_WGET_SHORT = "OoPaitTwUeBlARDIXQ"
_WGET_LONG = _words(
    "--output-document --directory-prefix --output-file --append-output --input-file --tries "
    "--timeout --user --password --header --user-agent --post-data --ca-certificate --wait"
)
_ARIA2C_SHORT = "dosxkjilUNtm"
_ARIA2C_LONG = _words(
    "--dir --out --max-connection-per-server --split --min-split-size --max-concurrent-downloads "
    "--input-file --user-agent --header --checksum --log --timeout --max-tries"
)
_TAR_SHORT = "fCTXbKNgFLVHI"
_TAR_LONG = _words(
    "--file --directory --files-from --exclude-from --use-compress-program --transform --owner "
    "--group --mode --strip-components --exclude"
)
_GIT_LONG = _words("--git-dir --work-tree --namespace")
_CLONE_LONG = _words(
    "--branch --depth --origin --config --reference --reference-if-able --separate-git-dir "
    "--upload-pack --jobs --filter --shallow-since --shallow-exclude --template --bundle-uri "
    "--server-option"
)
_FIND_PLAIN = _words("-delete -depth -xdev -mount -print -print0 -ignore_readdir_race -true")
_FIND_VALUED = _words("-type -mindepth -maxdepth -xtype")
_NO_COMMAND = Command(Word("", "", 0, 0), (), (), (), 0, 0)  # before the first command runs


def script_effects(script: Script, cwd: str = "/", env: Mapping[str, str] | None = None) -> Effects:
    """Collect what ``script`` creates, removes, modifies and reads, run in ``cwd`` with ``env``.

    A script run again (``apt-get update`` in every stage) reuses its effects where what they
    depend on, the working directory or variables it read, has the same values.
    """
    env = env or {}
    known = _KNOWN.get(script, None, dict)
    for reads, effects_by_inputs in known.items():
        hit = effects_by_inputs.get(_inputs(reads, cwd, env))
        if hit is not None:
            return hit
    effects, reads = _work_out(script, cwd, env)
    known.setdefault(reads, {})[_inputs(reads, cwd, env)] = effects
    return effects


#: What working out a script's effects read: whether the working directory, and which variables;
#: and the values it read (the working directory or None, the variables' values).
_Reads = tuple[bool, tuple[str, ...]]
_Inputs = tuple[str | None, tuple[str | None, ...]]
#: The effects of each script (by identity), by what working them out read and its values.
_KNOWN: IdentityMemo[dict[_Reads, dict[_Inputs, Effects]]] = IdentityMemo(4096)


def _work_out(script: Script, cwd: str, env: Mapping[str, str]) -> tuple[Effects, _Reads]:
    """The effects of ``script`` and what working them out read of ``cwd`` and ``env``."""
    state = _State(cwd, env)
    for index, command in enumerate(script.commands):
        state.run(index, command)
    effects = Effects(
        tuple(state.created),
        tuple(state.removed),
        tuple(state.modified),
        tuple(state.inputs),
        tuple(state.packages),
    )
    return effects, (state.uses_cwd, tuple(state.env_read))


def _inputs(reads: _Reads, cwd: str, env: Mapping[str, str]) -> _Inputs:
    """The values of what ``reads`` names, for a script run in ``cwd`` with ``env``."""
    return cwd if reads[0] else None, tuple(map(env.get, reads[1]))


def _components(path: str) -> list[str]:
    """The names along an absolute path ("/" has none)."""
    return [c for c in path.split("/") if c]


def _match(pattern: str, name: str) -> bool:
    """Match one path component like the shell: ``*`` does not match a leading dot."""
    if _GLOB.isdisjoint(pattern):
        return pattern == name
    if name.startswith(".") and not pattern.startswith("."):
        return False
    return fnmatchcase(name, pattern)


def _braces(text: str) -> list[str]:
    """Expand ``{a,b}`` alternatives as the shell does."""
    if "{" not in text:
        return [text]
    depth, start = 0, -1
    commas: list[int] = []
    for i, c in enumerate(text):
        if c == "{":
            start, commas = (i, []) if depth == 0 else (start, commas)
            depth += 1
        elif c == "," and depth == 1:
            commas.append(i)
        elif c == "}" and depth:
            depth -= 1
            if depth == 0 and commas:
                cuts = [start, *commas, i]
                head, tail = text[:start], text[i + 1 :]
                return [
                    x for a, b in pairwise(cuts) for x in _braces(head + text[a + 1 : b] + tail)
                ]
    return [text]


def _url_name(url: str) -> tuple[str, int]:
    """The file name a URL ends with ("" after a slash) and where it starts."""
    url = url.partition("#")[0].partition("?")[0]
    if "/" not in url.partition("://")[2 if "://" in url else 0]:
        return "", len(url)
    name = url.rpartition("/")[2]
    return name, len(url) - len(name)


def _repo_name(url: str) -> tuple[str, int]:
    """The directory ``git clone`` makes for a repository URL, and where that name starts in it."""
    url = url.rstrip("/")
    name = url.rpartition("/")[2].rpartition(":")[2]
    return name.removesuffix(".git"), len(url) - len(name)


def _normalize(path: str) -> str:
    """Normalise an absolute POSIX path (no ``..``, ``.`` or doubled slashes)."""
    return "/" + posixpath.normpath(path).lstrip("/")


def _last(opts: tuple[Option, ...], *names: str) -> Word | None:
    """The value of the last of the options ``names`` given with one."""
    return next((o.value for o in reversed(opts) if o.name in names and o.value), None)


def _truthy(value: str | None) -> bool:
    """Read an environment switch such as ``PIP_NO_CACHE_DIR=1``."""
    return value is not None and value.lower() not in ("", "0", "false", "no", "off")


class _Path(NamedTuple):
    """A resolved path and whether it is exact."""

    path: str
    exact: bool


class _State:
    """Working directory and variables per shell scope, and the effects found so far."""

    def __init__(self, cwd: str, env: Mapping[str, str]) -> None:
        self.env = env
        self.env_read: dict[str, str | None] = {}  # the variables read from ``env``
        self.uses_cwd = False  # whether the working directory ``cwd`` was read
        self.dirs: dict[tuple[int, ...], _Path] = {(): _Path(_normalize("/" + cwd), True)}
        self.vars: dict[tuple[int, ...], dict[str, str | None]] = {}
        self.created: list[PathEffect] = []
        self.removed: list[PathEffect] = []
        self.modified: list[PathEffect] = []
        self.inputs: list[PathEffect] = []
        self.packages: list[PackageOp] = []
        self.fresh: set[str] = set()  # made by mkdir without -p, so empty before this script
        self.index = 0
        self.command = _NO_COMMAND

    # -- lookups -------------------------------------------------------------------------------

    def cwd(self) -> _Path:
        """The working directory of the current command."""
        self.uses_cwd = True
        scope = self.scope
        return next(
            self.dirs[scope[:k]] for k in range(len(scope), -1, -1) if scope[:k] in self.dirs
        )

    @property
    def scope(self) -> tuple[int, ...]:
        """The shell scope of the current command."""
        return self.command.scope

    def var(self, name: str) -> str | None:
        """A variable's value as the current command sees it, or None when unknown."""
        scope = self.scope
        for k in range(len(scope), -1, -1):
            table = self.vars.get(scope[:k])
            if table is not None and name in table:
                return table[name]
        value = self.env_read[name] = self.env.get(name)
        return value

    def setting(self, name: str) -> str | None:
        """A variable as the current command's process sees it (inline assignments included)."""
        inline = dict(self.command.assignments)
        return inline[name] if name in inline else self.var(name)

    def home(self) -> str:
        """Where ``~`` points."""
        return self.var("HOME") or "/root"

    def render(self, word: Word) -> tuple[str, int]:
        """A word's text with known variables expanded, and the end of its last unknown piece."""
        if word.value is not None:
            return word.value, 0
        if not word.parts:
            text = word.raw.replace('"', "").replace("'", "")
            return text, len(text)
        out: list[str] = []
        until = 0
        for text, is_var in word.parts:
            value = self.var(text) if is_var else text
            out.append(f"${{{text}}}" if value is None else value)
            until = sum(map(len, out)) if value is None else until
        return "".join(out), until

    def absolute(self, text: str, exact: bool = True, base: _Path | None = None) -> _Path:
        """Resolve ``text`` against the working directory (or ``base``), expanding ``~``."""
        if text == "~" or text.startswith("~/"):
            text = self.home() + text[1:]
        if not text.startswith("/"):
            base = base or self.cwd()
            text, exact = base.path + "/" + text, exact and base.exact
        return _Path(_normalize(text), exact)

    def paths(self, word: Word, base: _Path | None = None) -> list[_Path]:
        """The absolute paths a word names (brace expansion included)."""
        text, until = self.render(word)
        return [self.absolute(t, until == 0, base) for t in _braces(text) if t]

    def each(
        self, words: Iterable[Word], base: _Path | None = None
    ) -> Iterator[tuple[_Path, Word]]:
        """Each path named by ``words``, with the word that names it."""
        for word in words:
            for where in self.paths(word, base):
                yield where, word

    def made(self, path: str) -> bool:
        """Tell whether this script already created ``path`` with mkdir."""
        return any(e.kind == "mkdir" and e.path == path for e in self.created)

    # -- recording -----------------------------------------------------------------------------

    def add(
        self, into: list[PathEffect], where: _Path, kind: str, word: Word, recursive: bool = False
    ) -> None:
        """Record one effect of the current command, pointing at ``word``."""
        into.append(
            PathEffect(where.path, kind, self.index, word.start, word.end, where.exact, recursive)
        )

    def write(self, where: _Path, kind: str, word: Word, recursive: bool = False) -> None:
        """A write that creates the path, or rewrites it if it already existed."""
        self.add(self.created, where, kind, word, recursive)
        self.add(self.modified, where, kind, word, recursive)

    # -- commands ------------------------------------------------------------------------------

    def run(self, index: int, command: Command) -> None:
        """Apply one command."""
        self.index, self.command = index, command
        program = command.program
        if program is None:
            program = ""
        elif program in _DECLARATIONS or program == "unset":
            self.assign(command)
        if command.redirects:
            self.redirects(command)
        handler = _HANDLERS.get(program) or _other_handler(command, program)
        if handler is not None:
            handler(self, command)
        if program in _MANAGERS or program.startswith(_MANAGER_PREFIXES):
            op = _package_op(command, program, index)
            if op is not None:
                self.package(op)

    def assign(self, command: Command) -> None:
        """Track ``X=1``, ``export X=1`` and ``unset X`` (unknown when they may not run)."""
        table = self.vars.setdefault(command.scope, {})
        if command.program == "unset":
            table.update((w.value or "", None) for w in command.args)
        for name, value in command.assignments:
            table[name] = None if command.in_condition else value

    def redirects(self, command: Command) -> None:
        """Files written by ``>``, ``>>``, ``&>`` …; a downloader's stdout makes a download."""
        for redirect in command.redirects:
            op = redirect.op.lstrip("0123456789")
            target = redirect.target
            fd = redirect.op[: len(redirect.op) - len(op)]
            if target is None or (
                op not in _WRITES and not (op == ">&" and not (target.value or "").isdigit())
            ):
                continue
            stdout = fd in ("", "1") or op.startswith("&")
            kind = "download" if stdout and _streams_download(command) else "redirect"
            for where in self.paths(target):
                if not where.path.startswith(("/dev/", "/proc/")):
                    self.write(where, kind, target)

    def package(self, op: PackageOp) -> None:
        """Record a package-manager operation and the cache it fills or empties."""
        self.packages.append(op)
        if op.action in ("install", "add") and op.manager != "go":
            for word in op.packages:
                text = self.render(word)[0]
                if _local_package(text):
                    self.add(
                        self.inputs, self.absolute(text, word.value is not None), "install", word
                    )
        self.cache(op)
        self.outputs(op)

    def cache(self, op: PackageOp) -> None:
        """The package cache or index directory that ``op`` fills or empties."""
        spec = _CACHES.get(op.manager)
        if spec is None or (op.action not in spec.fills and op.action not in spec.cleans):
            return
        option = op.flag(spec.dir_option) if spec.dir_option else None
        configured = self.setting(spec.dir_env) if spec.dir_env else None
        if option is not None and option.value is not None:
            text = self.render(option.value)[0]
        elif configured:
            text = configured
        elif op.manager == "yarn" and self.home() == "/root":
            text = "/usr/local/share/.cache/yarn"
        else:
            text = spec.path
        where = self.absolute(text)
        if op.action in spec.cleans:
            self.removed.append(
                PathEffect(where.path, "clean", self.index, *op.manager_span, where.exact, True)
            )
        elif not op.has_flag(*spec.off_options) and not (
            spec.off_env and _truthy(self.setting(spec.off_env))
        ):
            self.created.append(
                PathEffect(where.path, "cache", self.index, *op.manager_span, where.exact, True)
            )

    def outputs(self, op: PackageOp) -> None:
        """``pip download -d DIR`` and ``go build -o FILE``."""
        if op.manager == "pip" and op.action == "download":
            option = op.flag("-d", "--dest")
            if option is None or option.value is None:
                return
            for where in self.paths(option.value):
                self.add(self.created, where, "download", option.value, True)
        elif op.manager == "go" and op.action == "build":
            option = op.flag("-o")
            if option is not None and option.value is not None:
                for where in self.paths(option.value):
                    self.add(self.created, where, "build", option.value)


def _local_package(text: str) -> bool:
    """Tell whether a package operand is a local file such as ``./app.deb``."""
    if "://" in text:
        return False
    return text.startswith(("/", "./", "../")) or text.endswith(_PACKAGE_FILES)


def _other_handler(command: Command, program: str) -> Callable[[_State, Command], None] | None:
    """The handler for a command running ``program`` that has none by name: any python, or a
    program run by its path."""
    if program.startswith("python"):
        return _execute
    return _run_file if "/" in (command.name.value or "") else None


def _run_file(state: _State, command: Command) -> None:
    """``./configure``, ``/tmp/installer.run``: the program itself is an input."""
    state.add(state.inputs, state.absolute(command.name.value or ""), "execute", command.name)


def _streams_download(command: Command) -> bool:
    """Tell whether a curl or wget command writes what it downloads to stdout."""
    if command.program == "curl":
        opts, _ = getopt(command.args, _CURL_SHORT, _CURL_LONG)
        outs = [
            o
            for o in opts
            if o.name in ("-o", "--output", "-O", "--remote-name", "--remote-name-all")
        ]
        return all(o.value is not None and o.value.value == "-" for o in outs)
    if command.program == "wget":
        opts, _ = getopt(command.args, _WGET_SHORT, _WGET_LONG)
        out = next((o for o in reversed(opts) if o.name in ("-O", "--output-document")), None)
        return out is not None and out.value is not None and out.value.value == "-"
    return False


#: Programs that may run a package manager besides those of ``_MANAGERS``: pip3.12, python3 -m
#: pip, dnf5.
_MANAGER_PREFIXES = ("pip", "python", "dnf5")


def _manager(command: Command, program: str) -> tuple[str, int, tuple[Word, ...]] | None:
    """The package manager a command running ``program`` runs, where its name ends, and its
    arguments."""
    args = command.args
    if program.startswith("python"):
        for i, word in enumerate(args[:-1]):
            if word.value == "-m" and args[i + 1].value in ("pip", "pip3"):
                return "pip", args[i + 1].end, args[i + 2 :]
        return None
    if program == "pip" or (program.startswith("pip") and program[3:].replace(".", "").isdigit()):
        return "pip", command.name.end, args
    program = "dnf" if program == "dnf5" else program
    return (program, command.name.end, args) if program in _MANAGERS else None


def _package_op(command: Command, program: str, index: int) -> PackageOp | None:
    """Read a package-manager command line: manager, action, flags and packages."""
    found = _manager(command, program)
    if found is None:
        return None
    manager, name_end, args = found
    spec = _MANAGERS[manager]
    flags, operands = getopt(args, spec.short, spec.long, clusters=spec.clusters)
    where = (command.name.start, name_end)
    if not operands:
        asks = any(f.name in ("--version", "-v", "-V", "--help", "-h") for f in flags)
        return PackageOp(manager, "" if asks else spec.default, flags, (), index, where, None)
    first, *rest = operands
    action = spec.aliases.get(first.value or "", first.value or "")
    span = (first.start, first.end)
    if action in spec.groups and rest:
        sub = rest[0].value or ""
        action = f"{action} {spec.aliases.get(sub, sub)}"
        span, rest = (first.start, rest[0].end), rest[1:]
    return PackageOp(manager, action, flags, tuple(rest), index, where, span)


# -- command handlers ------------------------------------------------------------------------------


def _cd(state: _State, command: Command) -> None:
    """``cd DIR`` / ``pushd DIR`` change the working directory of later commands in the scope."""
    _, operands = getopt(command.args)
    if operands and operands[0].value != "-":
        target = state.paths(operands[0])
        where = target[0] if len(target) == 1 else _Path(state.cwd().path, False)
    elif operands:
        where = _Path(state.cwd().path, False)
    else:
        where = _Path(state.home(), True)
    state.dirs[command.scope] = where._replace(exact=where.exact and not command.in_condition)


def _popd(state: _State, command: Command) -> None:
    """``popd``: the directory is no longer known."""
    state.dirs[command.scope] = state.cwd()._replace(exact=False)


def _curl(state: _State, command: Command) -> None:
    """``curl -o FILE``, ``-O`` (URL basename, in ``--output-dir`` or cwd)."""
    opts, operands = getopt(command.args, _CURL_SHORT, _CURL_LONG)
    urls = [*operands, *(o.value for o in opts if o.name == "--url" and o.value is not None)]
    outs: list[Option | None] = [
        o for o in opts if o.name in ("-o", "--output", "-O", "--remote-name")
    ]
    if any(o.name == "--remote-name-all" for o in opts):
        outs += [None] * len(urls)
    folder = _last(opts, "--output-dir")
    base = state.paths(folder)[0] if folder is not None else None
    for out, url in zip(outs, urls, strict=False):
        if out is not None and out.value is not None:
            if out.value.value != "-":
                for where in state.paths(out.value, base):
                    state.add(state.created, where, "download", out.value)
        else:
            _remote_name(state, url, base)


def _remote_name(state: _State, url: Word, base: _Path | None, fallback: str = "") -> None:
    """A download saved under the URL's own file name (or ``fallback`` when it has none)."""
    text, until = state.render(url)
    name, at = _url_name(text)
    if name or fallback:
        state.add(
            state.created, state.absolute(name or fallback, until <= at, base), "download", url
        )


def _wget(state: _State, command: Command) -> None:
    """``wget URL`` (basename), ``wget -O FILE``, ``wget -P DIR``; ``-O-`` streams."""
    opts, urls = getopt(command.args, _WGET_SHORT, _WGET_LONG)
    names = {o.name for o in opts}
    if names & {"-r", "--recursive", "-m", "--mirror", "-i", "--input-file"}:
        return
    out = _last(opts, "-O", "--output-document")
    if out is not None:
        if out.value != "-":
            for where in state.paths(out):
                state.add(state.created, where, "download", out)
        return
    folder = _last(opts, "-P", "--directory-prefix")
    base = state.paths(folder)[0] if folder is not None else None
    for url in urls:
        _remote_name(state, url, base, "index.html")


def _aria2c(state: _State, command: Command) -> None:
    """``aria2c [-d DIR] [-o NAME] URL``: the name is relative to DIR (default: cwd)."""
    opts, urls = getopt(command.args, _ARIA2C_SHORT, _ARIA2C_LONG)
    if any(o.name in ("-i", "--input-file") for o in opts) or not urls:
        return
    folder = _last(opts, "-d", "--dir")
    base = state.paths(folder)[0] if folder is not None else None
    out = _last(opts, "-o", "--out")
    if out is None:
        _remote_name(state, urls[0], base, "index.html")
        return
    for where in state.paths(out, base):
        state.add(state.created, where, "download", out)


def _tar(state: _State, command: Command) -> None:
    """``tar -x[f] ARCHIVE [-C DIR]``: the archive is an input, DIR is extracted into."""
    args = command.args
    first = args[0] if args else None
    if first is not None and first.value and first.value.isalpha():  # old style: tar xzf a.tgz
        args = (Word(first.raw, "-" + first.value, first.start, first.end), *args[1:])
    opts, members = getopt(args, _TAR_SHORT, _TAR_LONG)
    names = {o.name for o in opts}
    archive = _last(opts, "-f", "--file")
    if names & {"-c", "--create"} and archive is not None and archive.value != "-":
        for where in state.paths(archive):
            state.write(where, "archive", archive)
    if not names & {"-x", "--extract", "--get"}:
        return
    if archive is not None and archive.value != "-":
        for where in state.paths(archive):
            state.add(state.inputs, where, "extract", archive)
    folder = _last(opts, "-C", "--directory")
    _extracted(state, folder, command, members)


def _extracted(
    state: _State, folder: Word | None, command: Command, members: tuple[Word, ...] = ()
) -> None:
    """Record the directory an archive is extracted into (or the listed members)."""
    target = state.paths(folder)[0] if folder is not None else state.cwd()
    for member in members:
        for path in state.paths(member, target):
            state.add(state.created, path, "extract", member, True)
    if not members:
        state.add(
            state.created, target, "extract", folder or command.name, target.path in state.fresh
        )


def _unzip(state: _State, command: Command) -> None:
    """``unzip ARCHIVE [-d DIR]``."""
    opts, operands = getopt(command.args, "dP")
    names = {o.name for o in opts}
    if not operands or names & {"-l", "-t", "-Z", "-v", "-p", "-c"}:
        return
    for where in state.paths(operands[0]):
        state.add(state.inputs, where, "extract", operands[0])
    folder = _last(opts, "-d")
    _extracted(state, folder, command)


def _git(state: _State, command: Command) -> None:
    """``git clone URL [DIR]`` (also after ``git -C PATH``)."""
    opts, operands = getopt(command.args, "Cc", _GIT_LONG, posix=True)
    if not operands or operands[0].value != "clone":
        return
    folder = _last(opts, "-C")
    base = state.paths(folder)[0] if folder is not None else None
    _, rest = getopt(operands[1:], "bocju", _CLONE_LONG)
    if len(rest) > 1:
        for where in state.paths(rest[1], base):
            state.add(state.created, where, "clone", rest[1], True)
    elif rest:
        text, until = state.render(rest[0])
        name, at = _repo_name(text)
        if name:
            state.add(
                state.created, state.absolute(name, until <= at, base), "clone", rest[0], True
            )


def _mkdir(state: _State, command: Command) -> None:
    """``mkdir [-p] DIR…``; without ``-p`` the directory did not exist before."""
    opts, operands = getopt(command.args, "mZ", {"--mode", "--context"})
    parents = any(o.name in ("-p", "--parents") for o in opts)
    for where, word in state.each(operands):
        state.add(state.created, where, "mkdir", word)
        if not parents:
            state.fresh.add(where.path)


def _install(state: _State, command: Command) -> None:
    """``install -d DIR…`` makes directories; otherwise it copies like cp."""
    opts, operands = getopt(
        command.args, "mogtSZ", _words("--mode --owner --group --target-directory --suffix")
    )
    if any(o.name in ("-d", "--directory") for o in opts):
        for where, word in state.each(operands):
            state.add(state.created, where, "mkdir", word)
    else:
        _transfer(state, opts, operands, "copy")


def _cp(state: _State, command: Command) -> None:
    """``cp SRC… DEST``."""
    opts, operands = getopt(command.args, "tS", {"--target-directory", "--suffix", "--backup"})
    _transfer(state, opts, operands, "copy")


def _mv(state: _State, command: Command) -> None:
    """``mv SRC… DEST``: the sources are removed."""
    opts, operands = getopt(command.args, "tS", {"--target-directory", "--suffix", "--backup"})
    sources = _transfer(state, opts, operands, "move")
    for where, word in state.each(sources):
        state.add(state.removed, where, "move", word, True)


def _transfer(
    state: _State, opts: tuple[Option, ...], operands: tuple[Word, ...], kind: str
) -> tuple[Word, ...]:
    """Destinations of cp/mv/install; returns the source words."""
    names = {o.name for o in opts}
    recursive = kind == "move" or bool(names & {"-r", "-R", "-a", "--recursive", "--archive"})
    folder = _last(opts, "-t", "--target-directory")
    if folder is None and len(operands) < 2:
        return ()
    sources, dest = (operands, folder) if folder is not None else (operands[:-1], operands[-1])
    text = state.render(dest)[0]
    for target in state.paths(dest):
        into = (
            folder is not None or len(sources) > 1 or text.endswith("/") or state.made(target.path)
        )
        if not into or "-T" in names:
            state.write(target, kind, dest, recursive)
            continue
        for source in sources:
            name, until = state.render(source)
            base = posixpath.basename(name.rstrip("/"))
            if base in ("", ".", ".."):
                state.write(target, kind, dest, recursive)
            else:
                exact = target.exact and until <= len(name.rstrip("/")) - len(base)
                state.write(_Path(posixpath.join(target.path, base), exact), kind, dest, recursive)
    return sources


def _rm(state: _State, command: Command) -> None:
    """``rm [-rf] PATH…``; glob patterns stay patterns."""
    opts, operands = getopt(command.args)
    recursive = any(o.name in ("-r", "-R", "--recursive") for o in opts)
    for where, word in state.each(operands):
        state.add(state.removed, where, "rm", word, recursive)


def _rmdir(state: _State, command: Command) -> None:
    """``rmdir DIR…``."""
    for where, word in state.each(getopt(command.args)[1]):
        state.add(state.removed, where, "rmdir", word)


def _find(state: _State, command: Command) -> None:
    """``find DIR… -delete`` or ``-exec rm``, without name filters: everything below DIR goes."""
    args = command.args
    i = 0
    while i < len(args) and args[i].value in ("-H", "-L", "-P"):
        i += 1
    roots: list[Word] = []
    while i < len(args) and not (args[i].value or "").startswith(("-", "(", "!")):
        roots.append(args[i])
        i += 1
    deletes = False
    while i < len(args):
        value = args[i].value
        if value in _FIND_VALUED:
            i += 2
            continue
        if value in ("-exec", "-execdir"):
            end = next(
                (j for j in range(i + 1, len(args)) if args[j].value in (";", "+")), len(args)
            )
            if i + 1 >= end or args[i + 1].value not in ("rm", "/bin/rm"):
                return
            deletes, i = True, end + 1
            continue
        if value not in _FIND_PLAIN:
            return
        deletes = deletes or value == "-delete"
        i += 1
    if not deletes:
        return
    for where, word in state.each(roots or [Word(".", ".", command.name.end, command.name.end)]):
        state.add(state.removed, where, "find", word, True)


def _metadata(state: _State, command: Command) -> None:
    """``chmod``/``chown``/``chgrp [-R] SPEC FILE…``; a mode such as ``-x`` is an operand."""
    flags = "Rcfv" if command.program == "chmod" else "RcfvhHLP"
    recursive = False
    operands: list[Word] = []
    reference = False
    for word in command.args:
        value = word.value or ""
        if value.startswith("--") and not operands:
            recursive = recursive or value == "--recursive"
            reference = reference or value.startswith("--reference")
        elif len(value) > 1 and value[0] == "-" and set(value[1:]) <= set(flags) and not operands:
            recursive = recursive or "R" in value
        else:
            operands.append(word)
    for where, word in state.each(operands if reference else operands[1:]):
        state.add(state.modified, where, command.program or "", word, recursive)


def _setfacl(state: _State, command: Command) -> None:
    """``setfacl [-R] -m SPEC FILE…``."""
    long = _words("--modify --remove --set --set-file --modify-file --remove-file")
    opts, operands = getopt(command.args, "mxMX", long)
    recursive = any(o.name in ("-R", "--recursive") for o in opts)
    for where, word in state.each(operands):
        state.add(state.modified, where, "setfacl", word, recursive)


def _touch(state: _State, command: Command) -> None:
    """``touch FILE…``: created if new, modified if it existed; ``-c`` only modifies."""
    opts, operands = getopt(command.args, "dtr", {"--date", "--reference", "--time"})
    create = not any(o.name in ("-c", "--no-create") for o in opts)
    for where, word in state.each(operands):
        state.add(state.modified, where, "touch", word)
        if create:
            state.add(state.created, where, "touch", word)


def _sed(state: _State, command: Command) -> None:
    """``sed -i SCRIPT FILE…``."""
    opts, operands = getopt(
        command.args, "efl", {"--expression", "--file", "--line-length"}, optional="i"
    )
    if not any(o.name in ("-i", "--in-place") for o in opts):
        return
    scripted = any(o.name in ("-e", "-f", "--expression", "--file") for o in opts)
    for where, word in state.each(operands if scripted else operands[1:]):
        state.add(state.modified, where, "sed", word)


def _ln(state: _State, command: Command) -> None:
    """``ln [-sf] TARGET LINK``, or links named after their targets in a directory."""
    opts, operands = getopt(command.args, "tS", {"--target-directory", "--suffix"})
    names = {o.name for o in opts}
    folder = _last(opts, "-t", "--target-directory")
    if folder is None and len(operands) == 2 and not state.render(operands[1])[0].endswith("/"):
        links = [(where, operands[1]) for where in state.paths(operands[1])]
    else:
        if folder is None and len(operands) > 1:
            folder, operands = operands[-1], operands[:-1]
        base = state.paths(folder)[0] if folder is not None else state.cwd()
        links = []
        for target in operands:
            text, until = state.render(target)
            name = posixpath.basename(text.rstrip("/"))
            exact = base.exact and until <= len(text.rstrip("/")) - len(name)
            links.append((_Path(_normalize(posixpath.join(base.path, name)), exact), target))
    for where, word in links:
        state.add(state.created, where, "link", word)
        if names & {"-f", "--force"}:
            state.add(state.modified, where, "link", word)


def _tee(state: _State, command: Command) -> None:
    """``tee [-a] FILE…``."""
    for where, word in state.each(getopt(command.args, "", {"--output-error"})[1]):
        if not where.path.startswith(("/dev/", "/proc/")):
            state.write(where, "write", word)


def _execute(state: _State, command: Command) -> None:
    """``sh script.sh``, ``python3 get-pip.py``: the script is an input."""
    argv = shell_argv(command)
    if argv is not None:
        script = None if argv[0] else argv[1]
    else:
        script = None
        for word in command.args:
            value = word.value or ""
            if value in _INLINE_CODE or value == "-":
                return
            if not value.startswith("-"):
                script = word
                break
    if script is not None:
        for where in state.paths(script):
            state.add(state.inputs, where, "execute", script)


def _dpkg(state: _State, command: Command) -> None:
    """``dpkg -i FILE…`` and ``rpm -i|-U FILE…``: the package files are inputs."""
    opts, operands = getopt(command.args, "", {"--root", "--admindir", "--instdir"})
    if any(o.name in ("-i", "--install", "-U", "--upgrade") for o in opts):
        for where, word in state.each(operands):
            state.add(state.inputs, where, "install", word)


_HANDLERS: dict[str, Callable[[_State, Command], None]] = {
    "cd": _cd,
    "pushd": _cd,
    "popd": _popd,
    "curl": _curl,
    "wget": _wget,
    "aria2c": _aria2c,
    "tar": _tar,
    "unzip": _unzip,
    "git": _git,
    "mkdir": _mkdir,
    "install": _install,
    "cp": _cp,
    "mv": _mv,
    "rm": _rm,
    "rmdir": _rmdir,
    "find": _find,
    "chmod": _metadata,
    "chown": _metadata,
    "chgrp": _metadata,
    "setfacl": _setfacl,
    "touch": _touch,
    "sed": _sed,
    "ln": _ln,
    "tee": _tee,
    "dpkg": _dpkg,
    "rpm": _dpkg,
    **{
        name: _execute
        for name in ("sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", *_INTERPRETERS)
    },
}
