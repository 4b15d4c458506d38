"""Initialize, initialized, configuration changes and workspace folders."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ..capabilities import ClientFeatures
from . import diagnostics

if TYPE_CHECKING:
    from ..server import LayerwiseServer

logger = logging.getLogger(__name__)


def initialize(ls: LayerwiseServer, params: types.InitializeParams) -> None:
    """Read the client's capabilities and initialization options; pick push or pull."""
    ls.client = ClientFeatures.of(params.capabilities)
    ls.documents.codec = ls.workspace.position_codec
    ls.settings.folder_uris = list(ls.workspace.folders)
    ls.settings.set_initialization_options(params.initialization_options)
    if ls.client.pull_diagnostics:
        diagnostics.register_pull(ls)
    logger.info("client %s: position encoding %s, %s diagnostics",
                params.client_info.name if params.client_info else "?",
                ls.workspace.position_encoding,
                "pull" if ls.client.pull_diagnostics else "push")


def initialized(ls: LayerwiseServer, params: types.InitializedParams) -> None:
    """Report bad initialization options, then pull the workspace settings."""
    _report(ls)
    if ls.client.configuration:
        _start_pull(ls)


def workspace_did_change_configuration(
        ls: LayerwiseServer, params: types.DidChangeConfigurationParams) -> None:
    """Re-read the settings (pull them if the client can be asked) and re-lint."""
    if ls.client.configuration:
        _start_pull(ls)
    else:
        ls.settings.set_pushed(params.settings)
        _applied(ls)


def workspace_did_change_workspace_folders(
        ls: LayerwiseServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    """Folders carry their own settings: re-pull them."""
    if ls.client.configuration:
        _start_pull(ls)


def _start_pull(ls: LayerwiseServer) -> None:
    """Mark the settings as pending right away (before the next message), then ask for them.

    Documents opened or changed meanwhile wait for the answer instead of being checked under
    the settings that are about to be replaced.
    """
    ls.settings.folder_uris = list(ls.workspace.folders)
    number = ls.settings.pulling()
    ls.spawn(_pull(ls, number))


async def _pull(ls: LayerwiseServer, number: int) -> None:
    """Ask for the ``layerwise`` section globally and per folder; keep only the newest answer."""
    try:
        result: Any = await ls.workspace_configuration_async(ls.settings.configuration_params())
    except Exception as exc:  # a client may refuse; keep what we have
        logger.warning("workspace/configuration failed: %s", exc)
        ls.settings.pulled(number, None, failed=True)
        return
    if ls.settings.pulled(number, result):
        _applied(ls)


def _applied(ls: LayerwiseServer) -> None:
    _report(ls)
    ls.diagnostics.refresh()


def _report(ls: LayerwiseServer) -> None:
    if (message := ls.settings.take_message()) is not None:
        ls.show_message(message, types.MessageType.Error)


def register(server: LayerwiseServer) -> None:
    """Register the lifecycle handlers."""
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(workspace_did_change_configuration)
    server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(
        workspace_did_change_workspace_folders)
