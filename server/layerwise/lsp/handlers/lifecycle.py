"""Initialize, initialized, configuration changes, watched files and workspace folders."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from ...config import CONFIG_FILE_NAMES
from ...model.context import DOCKERIGNORE
from ..capabilities import ClientFeatures
from ..documents import is_ignore_file
from ..encoding import Codec, choose_encoding
from . import diagnostics

if TYPE_CHECKING:
    from ..server import LayerwiseServer

logger = logging.getLogger(__name__)

#: The ignore files of build contexts: ``.dockerignore`` and ``<Dockerfile>.dockerignore``.
IGNORE_FILE_GLOBS = (f"**/{DOCKERIGNORE}", f"**/*{DOCKERIGNORE}")


def initialize(ls: LayerwiseServer, params: types.InitializeParams) -> None:
    """Read the client's capabilities and initialization options; pick push or pull (unless
    the start of the session did, see :mod:`..early`)."""
    if ls.started is not None:
        if ls.client.pull_diagnostics:
            diagnostics.register_pull(ls)
        return
    sent = ls.protocol.initialize_json
    capabilities = sent.get("capabilities") if isinstance(sent, dict) else None
    ls.client = ClientFeatures.of(capabilities)
    ls.documents.codec = Codec(choose_encoding(capabilities))
    ls.settings.folder_uris = list(ls.workspace.folders)
    ls.settings.set_initialization_options(params.initialization_options)
    if ls.client.pull_diagnostics:
        diagnostics.register_pull(ls)
    logger.info("client %s: position encoding %s, %s diagnostics",
                params.client_info.name if params.client_info else "?",
                ls.workspace.position_encoding,
                "pull" if ls.client.pull_diagnostics else "push")


def initialized(ls: LayerwiseServer, params: types.InitializedParams) -> None:
    """Report bad initialization options, pull the workspace settings, watch config and ignore
    files."""
    report(ls)
    if ls.client.configuration and not (ls.started is not None and ls.started.pulled):
        _start_pull(ls)
    if ls.client.watched_files:
        ls.spawn(_watch_files(ls))


def workspace_did_change_configuration(
        ls: LayerwiseServer, params: types.DidChangeConfigurationParams) -> None:
    """Re-read the settings (pull them if the client can be asked) and re-lint."""
    if ls.client.configuration:
        _start_pull(ls)
    else:
        ls.settings.set_pushed(params.settings)
        _applied(ls)


def workspace_did_change_watched_files(
        ls: LayerwiseServer, params: types.DidChangeWatchedFilesParams) -> None:
    """Config or ignore files were created, changed or deleted: re-read them and re-lint once.

    Build contexts go first, so that documents whose settings change too are published once.
    """
    uris = [change.uri for change in params.changes]
    if any(is_ignore_file(uri) for uri in uris):
        reload_build_contexts(ls)
    if any(uri.rpartition("/")[2] in CONFIG_FILE_NAMES for uri in uris):
        reload_config_files(ls)


def reload_build_contexts(ls: LayerwiseServer) -> None:
    """Re-read the build contexts (an ignore file changed on disk) and re-lint every document.

    Contexts follow the ignore files on disk, which is what BuildKit reads: the unsaved text of
    an ignore file open in the editor does not count.
    """
    ls.documents.forget_contexts()
    if ls.diagnostics.pull:
        ls.diagnostics.refresh()
        return
    for doc in ls.documents:
        ls.diagnostics.changed(doc)


def reload_config_files(ls: LayerwiseServer) -> None:
    """Re-read the config files; re-lint if that changes settings, report invalid files.

    While editor settings are being pulled, their arrival re-lints.
    """
    if ls.settings.reload_config_files() and not ls.settings.pending:
        ls.diagnostics.refresh()
    report(ls)


def check_config_files(ls: LayerwiseServer, uri: str) -> None:
    """Before a document opens: re-read unwatched config files; report an invalid one."""
    if not ls.settings.watched:
        reload_config_files(ls)
    ls.settings.for_uri(uri)  # reads its config file
    report(ls)


async def _watch_files(ls: LayerwiseServer) -> None:
    """Ask the client to report changes of config and ignore files anywhere in the workspace."""
    globs = [*(f"**/{name}" for name in CONFIG_FILE_NAMES), *IGNORE_FILE_GLOBS]
    watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in globs]
    registration = types.Registration(
        id="layerwise-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration]))
    except JsonRpcException as exc:  # then they are re-read when a document opens or is saved
        logger.warning("cannot watch config and ignore files: %s", exc)
        return
    ls.settings.watched = True


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
        params = ls.from_json(ls.settings.configuration_params(), types.ConfigurationParams)
        result: Any = await ls.workspace_configuration_async(params)
    except Exception as exc:  # noqa: BLE001 - a client may refuse; keep what we have
        logger.warning("workspace/configuration failed: %s", exc)
        ls.settings.pulled(number, None, failed=True)
        return
    if ls.settings.pulled(number, result):
        _applied(ls)


def _applied(ls: LayerwiseServer) -> None:
    report(ls)
    ls.diagnostics.refresh()


def report(ls: LayerwiseServer) -> None:
    """Show what is wrong with the editor settings and config files, once per problem."""
    messages = [ls.settings.take_message(), *ls.settings.take_file_messages()]
    for message in messages:
        if message is not None:
            ls.show_message(message, types.MessageType.Error)


def register(server: LayerwiseServer) -> None:
    """Register the lifecycle handlers."""
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(workspace_did_change_configuration)
    server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(workspace_did_change_watched_files)
    server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(
        workspace_did_change_workspace_folders)
