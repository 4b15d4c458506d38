"""Where the server's settings come from: config files, then the editor's settings.

Layers, later ones winning key by key: the defaults; the config file of the document's folder
(``.layerwise.toml`` or ``[tool.layerwise]`` in ``pyproject.toml``, the nearest at or above it;
``file:`` documents only); ``initializationOptions`` (what Neovim users usually send); the
``layerwise`` section pulled with ``workspace/configuration`` (globally and per workspace folder)
or, for clients that cannot be asked, the settings pushed with
``workspace/didChangeConfiguration``. An editor setting left at its default does not override the
config file. Invalid editor settings, and each invalid config file, get one
``window/showMessage`` listing the bad keys, and are ignored; but when the only bad keys are rule
keys that name no rule (``LW999`` in ``rules``, ``select`` or ``ignore``), just those are dropped
(with one message) and the rest applies, as a typo in one rule should not undo the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pygls.uris import to_fs_path

from ..config import (
    SECTION,
    ConfigFile,
    ConfigFileError,
    ConfigFinder,
    Settings,
    SettingsError,
    merge_settings,
    structure_settings,
    without_defaults,
)

__all__ = ["SettingsStore", "section_of"]

logger = logging.getLogger(__name__)


def section_of(raw: Any) -> Mapping[str, Any] | None:
    """The ``layerwise`` section of a settings object that may or may not be wrapped in it."""
    if not isinstance(raw, Mapping):
        return None if raw is None else raw  # let structuring report the wrong shape
    inner = raw.get(SECTION)
    if isinstance(inner, Mapping):
        return inner
    return raw


class SettingsStore:
    """The settings of each document: its config file under the editor's settings."""

    def __init__(self) -> None:
        self._initialization: Any = None
        self._pushed: Any = None
        self._global: Any = None
        self._folders: dict[str, Any] = {}
        self._editor: dict[str, dict[str, Any]] = {"": {}}
        """Valid raw editor settings, globally ("") and per workspace folder uri."""
        self._problems: list[str] = []
        """Problems of editor settings that were ignored."""
        self._dropped: list[str] = []
        """Unknown rule keys dropped from otherwise valid editor settings."""
        self._shown: str | None = None
        self._finder = ConfigFinder()
        self._configs: dict[Path, ConfigFile | None] = {}
        """The config file of each document folder seen (``None``: none, or an invalid one)."""
        self._file_messages: dict[Path, str] = {}
        self._files_shown: dict[Path, str] = {}
        self._settings: dict[tuple[str, str], Settings] = {}
        """Merged settings by (workspace folder uri, document folder uri)."""
        self.watched = False
        """Whether the client reports changes of config files (``didChangeWatchedFiles``)."""
        self.folder_uris: list[str] = []
        self.epoch = 0
        """Bumped whenever settings change, so cached results can tell they are stale."""
        self.pulls = 0
        """Counts ``workspace/configuration`` requests, so only the newest answer is used."""
        self._arrived: asyncio.Event | None = None

    # ------------------------------------------------------------------ inputs

    def set_initialization_options(self, options: Any) -> None:
        """Take the ``initializationOptions`` (``{"layerwise": {...}}`` or the section itself)."""
        self._initialization = section_of(options)
        self._resolve()

    def set_pushed(self, settings: Any) -> None:
        """Take the settings of a ``workspace/didChangeConfiguration`` notification."""
        self._pushed = section_of(settings)
        self._resolve()

    def set_pulled(self, global_: Any, folders: Mapping[str, Any]) -> None:
        """Take the results of ``workspace/configuration`` (global, then each folder)."""
        self._global = global_
        self._folders = dict(folders)
        self._resolve()

    def configuration_params(self) -> dict[str, Any]:
        """The parameters (JSON) of ``workspace/configuration`` for the global section and each
        folder."""
        return {"items": [{"section": SECTION},
                          *({"scopeUri": uri, "section": SECTION} for uri in self.folder_uris)]}

    def take_configuration_result(self, result: Any) -> None:
        """Store a ``workspace/configuration`` response to :meth:`configuration_params`."""
        values = list(result) if isinstance(result, list | tuple) else []
        values += [None] * (1 + len(self.folder_uris) - len(values))
        self.set_pulled(values[0], dict(zip(self.folder_uris, values[1:], strict=False)))

    def pulling(self) -> int:
        """Note that a ``workspace/configuration`` request is under way; return its number."""
        self.pulls += 1
        if self._arrived is None or self._arrived.is_set():
            self._arrived = asyncio.Event()
        return self.pulls

    def pulled(self, number: int, result: Any | None, *, failed: bool = False) -> bool:
        """Take the answer to request ``number``; ``False`` if a newer one is under way."""
        if number != self.pulls:
            return False
        if not failed:
            self.take_configuration_result(result)
        if self._arrived is not None:
            self._arrived.set()
        return not failed

    @property
    def pending(self) -> bool:
        """Whether an answer to ``workspace/configuration`` is awaited."""
        return self._arrived is not None and not self._arrived.is_set()

    async def settled(self, timeout: float = 5.0) -> None:
        """Wait until a pending ``workspace/configuration`` answer has arrived.

        Diagnostics computed meanwhile would use the settings that are being replaced. The
        timeout only guards against a client that never answers (then the current settings
        stay).
        """
        arrived = self._arrived
        if arrived is not None and not arrived.is_set():
            try:
                await asyncio.wait_for(arrived.wait(), timeout)
            except TimeoutError:
                logger.warning("no answer to workspace/configuration in %.0f s", timeout)
                arrived.set()

    # ------------------------------------------------------------------ outputs

    def for_uri(self, uri: str) -> Settings:
        """The settings for a document: those of its config file, overridden by the editor's.

        The editor's settings are those of the innermost workspace folder holding the document.
        """
        editor = ""
        for folder in self._editor:
            if folder and len(folder) > len(editor) and _inside(uri, folder):
                editor = folder
        key = (editor, uri.rpartition("/")[0])
        settings = self._settings.get(key)
        if settings is None:
            config = self._config_for(uri)
            settings = self._settings[key] = structure_settings(merge_settings(
                config.raw if config is not None else None,
                without_defaults(self._editor[editor])))
        return settings

    def reload_config_files(self) -> bool:
        """Read the config files again (one changed on disk); tell whether any settings changed."""
        before = self._configs
        self._finder = ConfigFinder()
        self._configs = {}
        self._file_messages = {}
        for folder in before:
            self._configs[folder] = self._find(folder)
        if self._configs == before:
            return False
        self._settings.clear()
        self.epoch += 1
        return True

    @property
    def problems(self) -> list[str]:
        """What was wrong with the last settings received (empty when they were fine)."""
        return self._problems + self._dropped

    def take_message(self) -> str | None:
        """The message to show for invalid settings, once per distinct problem set."""
        if self._problems:
            message = "Layerwise: invalid settings, ignoring them: " + "; ".join(self.problems)
        elif self._dropped:
            message = "Layerwise: ignoring unknown rules in settings: " + "; ".join(self._dropped)
        else:
            self._shown = None
            return None
        if message == self._shown:
            return None
        self._shown = message
        return message

    def take_file_messages(self) -> list[str]:
        """The messages to show for invalid config files, once per file and problem set."""
        messages = [message for path, message in self._file_messages.items()
                    if self._files_shown.get(path) != message]
        self._files_shown = dict(self._file_messages)
        return messages

    # ------------------------------------------------------------------ resolution

    def _resolve(self) -> None:
        problems: list[str] = []
        dropped: list[str] = []
        base = [_mapping(self._initialization, problems), _mapping(self._pushed, problems),
                _mapping(self._global, problems)]
        editor = {"": _valid(merge_settings(*base), problems, dropped)}
        for uri, raw in self._folders.items():
            layer = _mapping(raw, problems)
            if layer:
                editor[uri.rstrip("/")] = _valid(merge_settings(*base, layer), problems, dropped)
        self._editor = editor
        self._settings.clear()
        self.epoch += 1
        self._problems = list(dict.fromkeys(problems))
        self._dropped = [p for p in dict.fromkeys(dropped) if p not in self._problems]
        if self._problems:
            logger.warning("invalid settings: %s", "; ".join(self._problems))
        if self._dropped:
            logger.warning("unknown rules in settings: %s", "; ".join(self._dropped))

    def _config_for(self, uri: str) -> ConfigFile | None:
        """The config file of a document's folder (``None`` for documents that are not files)."""
        folder = _folder_of(uri)
        if folder is None:
            return None
        if folder not in self._configs:
            self._configs[folder] = self._find(folder)
        return self._configs[folder]

    def _find(self, folder: Path) -> ConfigFile | None:
        """The config file that applies in ``folder``; an invalid one is noted and skipped.

        A file whose only problems are unknown rule keys applies without them.
        """
        try:
            return self._finder.for_folder(folder)
        except ConfigFileError as exc:
            problems = "; ".join(exc.problems)
            logger.warning("invalid config file: %s", problems)
            self._file_messages[exc.path or folder] = (
                "Layerwise: invalid config file, ignoring it: " if exc.usable is None else
                "Layerwise: ignoring unknown rules in config file: ") + problems
            return exc.usable


def _valid(raw: dict[str, Any], problems: list[str], dropped: list[str]) -> dict[str, Any]:
    """``raw`` if it is valid settings, else nothing (and its problems noted).

    Unknown rule keys alone do not invalidate settings: they are dropped and noted in
    ``dropped``.
    """
    try:
        structure_settings(raw)
    except SettingsError as exc:
        if exc.usable is None:
            problems.extend(exc.problems)
            return {}
        dropped.extend(exc.problems)
        return exc.usable
    return raw


def _mapping(raw: Any, problems: list[str]) -> Mapping[str, Any] | None:
    """A pulled section as a mapping; ``null`` is no setting, anything else is a problem."""
    if raw is None or isinstance(raw, Mapping):
        return raw
    problems.append(f"expected an object, got {type(raw).__name__} @ {SECTION}")
    return None


def _inside(uri: str, folder: str) -> bool:
    return uri == folder or uri.startswith(folder + "/")


def _folder_of(uri: str) -> Path | None:
    """The folder of a ``file:`` document."""
    if not uri.startswith("file:"):
        return None
    try:
        path = to_fs_path(uri)
    except ValueError:
        return None
    return Path(path).parent if path else None
