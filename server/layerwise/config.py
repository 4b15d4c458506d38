"""Typed settings: the ``layerwise`` section, as defined by ``schemas/settings.schema.json``.

The schema is the single definition; :class:`Settings` mirrors it with snake_case fields, and the
cattrs converter below maps them to the camelCase keys clients send. Structuring is strict (a
string is not a list, ``"yes"`` is not a boolean, unknown keys are reported) so that a typo in an
editor's settings gets a message instead of being silently misread.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override
from cattrs.v import format_exception

from .rules.registry import ALL_RULES, find_rule
from .rules.run import RuleSelection

__all__ = [
    "CONFIG_FILE_NAMES",
    "SECTION",
    "ConfigFile",
    "ConfigFileError",
    "ConfigFinder",
    "DiagnosticsSettings",
    "PathPattern",
    "RuleLevel",
    "ServerSettings",
    "Settings",
    "SettingsError",
    "compile_ignore_paths",
    "expand_dotted",
    "find_config_file",
    "merge_settings",
    "path_ignored",
    "read_config_file",
    "structure_settings",
    "unknown_rule_keys",
    "without_defaults",
]

#: The configuration section every client uses for Layerwise.
SECTION = "layerwise"

#: What a rule can be set to in ``layerwise.rules``.
RuleLevel = Literal["error", "warning", "info", "hint", "off"]


@attrs.frozen
class DiagnosticsSettings:
    """``layerwise.diagnostics.*``."""

    enable: bool = True
    """Report findings as diagnostics; ``false`` keeps completion, hover and navigation only."""


@attrs.frozen
class ServerSettings:
    """``layerwise.server.*`` (read by the editor extension when it launches the server)."""

    command: tuple[str, ...] = ()
    """The argv that starts the server; empty means: find it."""


@attrs.frozen
class Settings:
    """Everything a user can configure, with the defaults of the schema."""

    rules: Mapping[str, RuleLevel] = attrs.field(factory=dict)
    """Rule id, name or id prefix → severity or ``off``."""
    select: tuple[str, ...] = ()
    """Run only these rules (ids, names or prefixes such as ``LW2``); empty means all."""
    ignore: tuple[str, ...] = ()
    """Never run these rules (ids, names or prefixes)."""
    target: str | None = None
    """The stage the build targets; ``None`` means the last stage."""
    context: str | None = None
    """The build context folder, relative to the Dockerfile; ``None`` means its folder."""
    ignore_paths: tuple[str, ...] = ()
    """Files and folders not to check: globs relative to the config file's folder."""
    diagnostics: DiagnosticsSettings = DiagnosticsSettings()
    """Diagnostics settings."""
    server: ServerSettings = ServerSettings()
    """Launch settings of the editor extension."""
    interpreter: tuple[str, ...] = ()
    """The Python interpreter (argv) the editor extension runs ``-m layerwise`` with."""

    def rule_selection(self) -> RuleSelection:
        """The rules to run and their severities, for :func:`layerwise.rules.run.run_rules`."""
        return RuleSelection(select=self.select, ignore=self.ignore, severities=dict(self.rules))


class _Problem(TypeError):
    """A value of the wrong shape, with a message meant for the user."""


class SettingsError(ValueError):
    """Settings that do not match the schema; ``problems`` lists each bad key.

    ``usable`` is set when the only problems are rule keys that name no rule: the raw settings
    without those keys, for a caller that drops them instead of rejecting everything.
    """

    def __init__(self, problems: list[str], usable: dict[str, Any] | None = None) -> None:
        self.problems = problems
        self.usable = usable
        super().__init__("invalid settings: " + "; ".join(problems))


def _camel(name: str) -> str:
    """``max_problems`` → ``maxProblems``."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise _Problem(f"expected a string, got {_describe(value)}")
    return value


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise _Problem(f"expected true or false, got {_describe(value)}")
    return value


def _strict_str_tuple(value: Any, _: type) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise _Problem(f"expected an array of strings, got {_describe(value)}")
    bad = [item for item in value if not isinstance(item, str)]
    if bad:
        raise _Problem(f"expected an array of strings, got {_describe(bad[0])} in it")
    return tuple(value)


def _rule_levels(value: Any, _: type) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _Problem(f"expected an object of rule → level, got {_describe(value)}")
    allowed = RuleLevel.__args__  # type: ignore[attr-defined]
    levels: dict[str, str] = {}
    bad: list[str] = []
    for key, level in value.items():
        if not isinstance(key, str) or level not in allowed:
            bad.append(f"{key!s}={level!r}")
        else:
            levels[key] = level
    if bad:
        raise _Problem(f"expected one of {', '.join(allowed)} for each rule, got "
                         + ", ".join(bad))
    return levels


def _format_problem(exc: BaseException, type_: type | None) -> str:
    """Say what is wrong with one value, for :func:`cattrs.transform_error`."""
    if isinstance(exc, _Problem):
        return str(exc)
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return "unknown setting " + ", ".join(sorted(exc.extra_fields))
    if type_ is not None and attrs.has(type_):
        return "expected an object"
    return format_exception(exc, type_)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{type(value).__name__} {value!r}"[:80]


@cache
def _converter() -> cattrs.Converter:
    """The converter, built when settings other than the defaults first arrive (~4 ms)."""
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook_func(lambda t: t == tuple[str, ...], _strict_str_tuple)
    converter.register_structure_hook_func(
        lambda t: t == Mapping[str, RuleLevel], _rule_levels)
    for cls in (Settings, DiagnosticsSettings, ServerSettings):
        renames: dict[str, Any] = {f.name: override(rename=_camel(f.name))
                                   for f in attrs.fields(cls) if _camel(f.name) != f.name}
        converter.register_structure_hook(
            cls, make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True,
                                        **renames))
    return converter


def expand_dotted(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Turn ``{"diagnostics.enable": false}`` into ``{"diagnostics": {"enable": false}}``."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, Mapping) and key != "rules":
            value = expand_dotted(value)
        if isinstance(key, str) and "." in key and key != "rules":
            *parents, last = key.split(".")
            node = out
            for part in parents:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
            node[last] = value
        else:
            out[key] = value
    return out


def merge_settings(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge partial raw settings, later layers winning key by key (objects merge deeply).

    ``rules`` merges per rule, so a workspace can override one rule of the user's settings.
    """
    merged: dict[str, Any] = {}
    for layer in layers:
        if layer:
            _merge_into(merged, expand_dotted(layer))
    return merged


def _merge_into(base: dict[str, Any], layer: Mapping[str, Any]) -> None:
    for key, value in layer.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge_into(base[key], value)
        elif isinstance(value, Mapping):
            base[key] = dict(value)
        else:
            base[key] = value


def _raw_defaults(cls: type) -> dict[str, Any]:
    """The defaults of a settings class as raw settings (camelCase keys, nested objects)."""
    out: dict[str, Any] = {}
    for field in attrs.fields(cls):
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        out[_camel(field.name)] = (_raw_defaults(type(default)) if attrs.has(type(default))
                                   else default)
    return out


_RAW_DEFAULTS = _raw_defaults(Settings)
_NO_DEFAULT = object()


def without_defaults(raw: Mapping[str, Any],
                     defaults: Mapping[str, Any] = _RAW_DEFAULTS) -> dict[str, Any]:
    """Expanded raw settings without the keys that hold their default value.

    Some clients (VS Code) answer ``workspace/configuration`` with every key, defaults included;
    only the keys set to something else may override a config file.
    """
    out: dict[str, Any] = {}
    for key, value in raw.items():
        default = defaults.get(key, _NO_DEFAULT)
        if isinstance(value, Mapping) and isinstance(default, Mapping) and default:
            value = without_defaults(value, default)
            if value:
                out[key] = value
        elif not _is_default(value, default):
            out[key] = value
    return out


def _is_default(value: Any, default: Any) -> bool:
    if isinstance(default, tuple):
        return isinstance(value, list | tuple) and tuple(value) == default
    return type(value) is type(default) and value == default


def unknown_rule_keys(keys: Iterable[str]) -> list[str]:
    """The keys that name no rule: not an id, a name, or an id prefix such as ``LW2``."""
    unknown = []
    for key in keys:
        lowered = key.strip().lower()
        if find_rule(lowered) is not None:
            continue
        if len(lowered) >= 3 and lowered.startswith("lw") and lowered[2:].isdigit() and any(
                rule.id.lower().startswith(lowered) for rule in ALL_RULES):
            continue
        unknown.append(key)
    return unknown


def _without_unknown_rules(raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Expanded raw settings without the rule keys that name no rule, and a problem for each.

    Only ``select``, ``ignore`` and ``rules`` of the right shape are looked at; structuring
    reports the others.
    """
    known = dict(raw)
    problems: list[str] = []
    for name in ("select", "ignore", "rules"):
        value = raw.get(name)
        if not isinstance(value, Mapping if name == "rules" else list | tuple):
            continue
        unknown = unknown_rule_keys(key for key in value if isinstance(key, str))
        if unknown:
            problems += [f"unknown rule, name or prefix {key!r} @ {SECTION}.{name}"
                         for key in unknown]
            known[name] = ({key: level for key, level in value.items() if key not in unknown}
                           if isinstance(value, Mapping) else
                           [key for key in value if key not in unknown])
    return known, problems


def structure_settings(raw: Mapping[str, Any] | None) -> Settings:
    """Build :class:`Settings` from the raw ``layerwise`` section (camelCase keys).

    ``None`` gives the defaults. Raises :class:`SettingsError` listing every bad key, rule keys
    that name no rule included.
    """
    if raw is None or raw == {}:  # the common case: no config file, the editor's defaults
        return Settings()
    if not isinstance(raw, Mapping):
        raise SettingsError([f"expected an object, got {_describe(raw)} @ {SECTION}"])
    known, unknown = _without_unknown_rules(expand_dotted(raw))
    try:
        settings: Settings = _converter().structure(known, Settings)
    except cattrs.BaseValidationError as exc:
        raise SettingsError(cattrs.transform_error(
            exc, path=SECTION, format_exception=_format_problem) + unknown) from None
    except (TypeError, ValueError) as exc:
        raise SettingsError([f"{exc} @ {SECTION}", *unknown]) from None
    if unknown:
        raise SettingsError(unknown, known)
    return settings


# --------------------------------------------------------------------------- config files
#
# ``.layerwise.toml`` holds the ``layerwise`` section itself; ``pyproject.toml`` holds it as
# ``[tool.layerwise]``. Keys are the schema's, nested and camelCase (``ignorePaths``,
# ``[rules]``). The nearest file upward from a Dockerfile applies; in one folder
# ``.layerwise.toml`` wins over ``pyproject.toml``, and a ``pyproject.toml`` without a
# ``[tool.layerwise]`` table does not count.

#: Config file names, in the order they are looked for in each folder.
CONFIG_FILE_NAMES = (".layerwise.toml", "pyproject.toml")

#: Settings that only the editor extension reads (to launch the server): not for config files.
EDITOR_ONLY_KEYS = frozenset({"server", "interpreter"})


class ConfigFileError(ValueError):
    """A config file that cannot be read or does not match the schema.

    ``problems`` holds one line per bad key: ``FILE: KEY: what is wrong``; ``path`` is the file
    when the error is about a single one. ``usable`` is set when the only problems are rule
    keys that name no rule: the file without those keys (the language server applies it, the
    command line rejects the file).
    """

    def __init__(self, problems: list[str], path: Path | None = None,
                 usable: ConfigFile | None = None) -> None:
        self.problems = problems
        self.path = path
        self.usable = usable
        super().__init__("; ".join(problems))


@attrs.frozen
class ConfigFile:
    """A config file found on disk, with its raw (validated) ``layerwise`` section."""

    path: Path
    """The file."""
    raw: Mapping[str, Any]
    """The section as written (camelCase keys), already checked against the schema."""

    @property
    def folder(self) -> Path:
        """The folder relative paths in the file (``ignorePaths``) start from."""
        return self.path.parent


def _section_name(path: Path) -> str:
    """Where the settings live in a file, for messages: ``tool.layerwise`` or nothing."""
    return "tool.layerwise" if path.name == "pyproject.toml" else ""


def _file_problem(path: Path, problem: str) -> str:
    """Rewrite a :class:`SettingsError` problem (``msg @ layerwise.key``) for a config file."""
    message, _, where = problem.rpartition(" @ ")
    if not message:
        message, where = problem, SECTION
    keys = where.split(".")[1:] if where.split(".")[0] == SECTION else where.split(".")
    keys = [_camel(key) for key in keys]  # cattrs names the attribute, the file the setting
    unknown = re.fullmatch(r"unknown setting (.+)", message)
    if unknown:
        import difflib  # only for a mistyped key: most sessions never load it

        extra = [name.strip() for name in unknown.group(1).split(",")]
        known = _known_keys(keys)
        lines = []
        for name in extra:
            hint = difflib.get_close_matches(name, known, n=1)
            lines.append(_located(path, [*keys, name], "unknown setting"
                                  + (f" (did you mean {hint[0]!r}?)" if hint else
                                     f" (expected one of: {', '.join(known)})")))
        return "\n".join(lines)
    return _located(path, keys, message)


def _located(path: Path, keys: list[str], message: str) -> str:
    prefix = _section_name(path)
    key = ".".join(k for k in (prefix, *keys) if k) or "(top level)"
    return f"{path}: {key}: {message}"


def _known_keys(keys: list[str]) -> list[str]:
    """The camelCase keys allowed in the table at ``keys`` (for "did you mean")."""
    cls: Any = Settings
    for key in keys:
        fields = {_camel(f.name): f for f in attrs.fields(cls)}
        field = fields.get(key)
        if field is None or not attrs.has(type(field.default)):
            return []
        cls = type(field.default)
    return [_camel(f.name) for f in attrs.fields(cls)
            if not (cls is Settings and _camel(f.name) in EDITOR_ONLY_KEYS)]


def read_config_file(path: Path) -> ConfigFile | None:
    """Read a config file; ``None`` for a ``pyproject.toml`` without ``[tool.layerwise]``.

    Raises :class:`ConfigFileError` for unreadable or invalid TOML, unknown keys, wrong types,
    editor-only settings and rule keys that name no rule, naming the file and each bad key.
    """
    import tomllib  # only once a folder has a config file (~5 ms with ``datetime``)

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigFileError([f"{path}: cannot read: {exc.strerror or exc}"], path) from None
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigFileError([f"{path}: not UTF-8 text (byte {exc.start})"], path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError([f"{path}: invalid TOML: {exc}"], path) from None
    if path.name == "pyproject.toml":
        tool = document.get("tool")
        section = tool.get(SECTION) if isinstance(tool, dict) else None
        if section is None:
            return None
        if not isinstance(section, dict):
            raise ConfigFileError([_located(path, [], "expected a table")], path)
    else:
        section = document
    return ConfigFile(path, validate_config_section(path, section))


def validate_config_section(path: Path, section: Mapping[str, Any]) -> dict[str, Any]:
    """Check a config file's ``layerwise`` section against the schema; return it as a dict."""
    problems = [_located(path, [key], "is an editor setting (it launches the server); set it "
                         "in the editor, not in a config file")
                for key in section if key in EDITOR_ONLY_KEYS]
    dotted = [key for key in section if isinstance(key, str) and "." in key and key != "rules"]
    problems += [_located(path, [key], "dotted keys are not read here; use a table")
                 for key in dotted]
    rest = {k: v for k, v in section.items() if k not in EDITOR_ONLY_KEYS and k not in dotted}
    try:
        structure_settings(rest)
    except SettingsError as exc:
        usable = ConfigFile(path, exc.usable) if exc.usable is not None and not problems else None
        problems += [line for p in exc.problems for line in _file_problem(path, p).split("\n")]
        raise ConfigFileError(problems, path, usable) from None
    if problems:
        raise ConfigFileError(problems, path)
    return dict(rest)


def find_config_file(folder: Path) -> ConfigFile | None:
    """The nearest config file at or above ``folder`` (uncached; see :class:`ConfigFinder`)."""
    return ConfigFinder().for_folder(folder)


class ConfigFinder:
    """Finds the config file of each folder, reading every file at most once."""

    def __init__(self) -> None:
        self._folders: dict[Path, ConfigFile | None] = {}
        self._files: dict[Path, ConfigFile | None] = {}

    def for_folder(self, folder: Path) -> ConfigFile | None:
        """The config file that applies to files in ``folder`` (an absolute path is best)."""
        folder = Path(os.path.abspath(folder))
        walked: list[Path] = []
        found: ConfigFile | None = None
        current = folder
        while True:
            if current in self._folders:
                found = self._folders[current]
                break
            walked.append(current)
            found = self._in_folder(current)
            if found is not None or current.parent == current:
                break
            current = current.parent
        for path in walked:
            self._folders[path] = found
        return found

    def _in_folder(self, folder: Path) -> ConfigFile | None:
        for name in CONFIG_FILE_NAMES:
            candidate = folder / name
            if candidate in self._files:
                config = self._files[candidate]
            elif os.path.isfile(candidate):
                config = self._files[candidate] = read_config_file(candidate)
            else:
                continue
            if config is not None:
                return config
        return None


# --------------------------------------------------------------------------- ignore paths


def _glob_regex(pattern: str) -> str:
    """Regex for a slash-separated glob: ``*``, ``?``, ``[...]`` within a name; ``**`` across."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 2 if pattern.startswith(("[!", "[^"), i) else i + 1)
            if end < 0:
                out.append(re.escape("["))
                i += 1
                continue
            body = pattern[i + 1:end]
            negated = body[:1] in ("!", "^")
            body = body[1:] if negated else body
            out.append("[" + ("^" if negated else "") + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


@attrs.frozen
class PathPattern:
    """One ``ignorePaths`` pattern, compiled, with the folder it is relative to."""

    pattern: str
    """The pattern as written."""
    folder: Path
    """The folder an anchored pattern starts from."""
    anchored: bool
    """Whether the pattern has a ``/`` before its end (else it matches names at any depth)."""
    folders_only: bool
    """Whether the pattern ends with ``/``."""
    regex: re.Pattern[str]

    @classmethod
    def compile(cls, pattern: str, folder: Path) -> PathPattern:
        """Compile ``pattern``, relative to ``folder``."""
        text = pattern.strip().replace(os.sep, "/")
        folders_only = text.endswith("/")
        text = text.rstrip("/")
        anchored = "/" in text
        text = text.removeprefix("./").lstrip("/") if anchored else text
        regex = re.compile(_glob_regex(text) if text else "(?!)", re.DOTALL)
        return cls(pattern, Path(os.path.abspath(folder)), anchored, folders_only, regex)

    def matches(self, path: Path, is_dir: bool) -> bool:
        """Whether ``path`` (absolute) or a folder above it, below :attr:`folder`, matches."""
        try:
            parts = path.relative_to(self.folder).parts
        except ValueError:
            if self.anchored:
                return False
            parts = path.parts[1:]
        for depth in range(len(parts)):
            is_folder = is_dir or depth < len(parts) - 1
            if self.folders_only and not is_folder:
                continue
            if self.anchored:
                if self.regex.fullmatch("/".join(parts[: depth + 1])):
                    return True
            elif self.regex.fullmatch(parts[depth]):
                return True
        return False


def compile_ignore_paths(patterns: Iterable[str], folder: Path) -> tuple[PathPattern, ...]:
    """Compile ``ignorePaths`` patterns written relative to ``folder``."""
    return tuple(PathPattern.compile(p, folder) for p in patterns if p.strip())


def path_ignored(path: Path, is_dir: bool, patterns: Iterable[PathPattern]) -> bool:
    """Whether any pattern excludes ``path`` (absolute)."""
    return any(p.matches(path, is_dir) for p in patterns)
