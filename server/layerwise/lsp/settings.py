"""Where the server's settings come from: initializationOptions, then workspace/configuration.

Layers, later ones winning key by key: the defaults, ``initializationOptions`` (what Neovim users
usually send), the ``layerwise`` section pulled with ``workspace/configuration`` (globally and per
workspace folder) or, for clients that cannot be asked, the settings pushed with
``workspace/didChangeConfiguration``. Invalid settings get one ``window/showMessage`` listing the
bad keys, and the defaults.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from lsprotocol import types

from ..config import SECTION, Settings, SettingsError, merge_settings, structure_settings

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
    """The resolved settings of the whole workspace and of each workspace folder."""

    def __init__(self) -> None:
        self._initialization: Any = None
        self._pushed: Any = None
        self._global: Any = None
        self._folders: dict[str, Any] = {}
        self._resolved: dict[str, Settings] = {"": Settings()}
        self._problems: list[str] = []
        self._shown: str | None = None
        self.folder_uris: list[str] = []
        self.epoch = 0
        """Bumped whenever settings are received, so cached results can tell they are stale."""
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

    def configuration_params(self) -> types.ConfigurationParams:
        """The ``workspace/configuration`` request for the global section and each folder."""
        items = [types.ConfigurationItem(section=SECTION)]
        items += [types.ConfigurationItem(scope_uri=uri, section=SECTION)
                  for uri in self.folder_uris]
        return types.ConfigurationParams(items=items)

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
        """The settings for a document: those of the innermost workspace folder holding it."""
        best = ""
        for folder in self._resolved:
            if folder and len(folder) > len(best) and _inside(uri, folder):
                best = folder
        return self._resolved[best]

    @property
    def problems(self) -> list[str]:
        """What was wrong with the last settings received (empty when they were fine)."""
        return list(self._problems)

    def take_message(self) -> str | None:
        """The message to show for invalid settings, once per distinct problem set."""
        if not self._problems:
            self._shown = None
            return None
        message = ("Layerwise: invalid settings, using the defaults instead: "
                   + "; ".join(self._problems))
        if message == self._shown:
            return None
        self._shown = message
        return message

    # ------------------------------------------------------------------ resolution

    def _resolve(self) -> None:
        problems: list[str] = []
        base = [_mapping(self._initialization, problems), _mapping(self._pushed, problems),
                _mapping(self._global, problems)]
        resolved = {"": self._structure(merge_settings(*base), problems)}
        for uri, raw in self._folders.items():
            layer = _mapping(raw, problems)
            if layer:
                resolved[uri.rstrip("/")] = self._structure(
                    merge_settings(*base, layer), problems)
        self._resolved = resolved
        self.epoch += 1
        self._problems = list(dict.fromkeys(problems))
        if self._problems:
            logger.warning("invalid settings: %s", "; ".join(self._problems))

    @staticmethod
    def _structure(raw: Mapping[str, Any], problems: list[str]) -> Settings:
        try:
            return structure_settings(raw)
        except SettingsError as exc:
            problems.extend(exc.problems)
            return Settings()


def _mapping(raw: Any, problems: list[str]) -> Mapping[str, Any] | None:
    """A pulled section as a mapping; ``null`` is no setting, anything else is a problem."""
    if raw is None or isinstance(raw, Mapping):
        return raw
    problems.append(f"expected an object, got {type(raw).__name__} @ {SECTION}")
    return None


def _inside(uri: str, folder: str) -> bool:
    return uri == folder or uri.startswith(folder + "/")
