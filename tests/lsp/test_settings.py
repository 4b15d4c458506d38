"""Settings end to end: editor settings, and the config files they override.

Editor settings come as initializationOptions, workspace/configuration and
didChangeConfiguration; config files are ``.layerwise.toml`` and ``[tool.layerwise]``. For the
config file tests, the vscode profile answers ``workspace/configuration`` as VS Code does, with
every key of the section (defaults included), and watches files for the server; the neovim
profile answers with the keys set only and does not watch files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import pytest_lsp
from lsprotocol import types
from pygls.uris import to_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient

from layerwise.config import merge_settings

from .helpers import (
    BROKEN,
    SERVER_COMMAND,
    RecordingClient,
    Workspace,
    codes,
    make_client,
    open_document,
    pull,
    pulls,
    start_session,
    wait_for_message,
    wait_for_publish,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(
    scope="module",
    params=["vscode", "neovim"],
    config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client),
)
async def configurable(request: pytest.FixtureRequest, lsp_client: LanguageClient,
                       workspace: Workspace):
    """A server of this module's own, whose settings the tests change."""
    await start_session(lsp_client, request.param, workspace)
    yield
    await lsp_client.shutdown_session()


@pytest_asyncio.fixture(loop_scope="module")
async def tuned(configurable: RecordingClient) -> RecordingClient:
    """The module's server, back on default settings."""
    configurable.set_configuration({}, section="layerwise")
    configurable.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None))
    return configurable

TWO_STAGES = "FROM alpine:3.20 AS tools\nRUN x\nFROM alpine:3.20 AS app\nRUN echo\n"


async def reconfigure(client: RecordingClient, uri: str, section: Any,
                      settings: Any = None) -> list[types.Diagnostic]:
    """Change the ``layerwise`` section, notify the server, and return the new diagnostics.

    A client that answers ``workspace/configuration`` is asked by the server; one that cannot
    sends the settings in the notification itself.
    """
    before = len(client.published)
    client.set_configuration(section, section="layerwise")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings=settings if settings is not None else None))
    if pulls(client):
        report = await pull(client, uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    params = await wait_for_publish(client, uri, after=before)
    assert params.version == 1  # the same text, re-published under the new settings
    return list(params.diagnostics)


async def current(client: RecordingClient, uri: str) -> list[types.Diagnostic]:
    """The diagnostics of a document at version 1."""
    if pulls(client):
        report = await pull(client, uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    return list((await wait_for_publish(client, uri, lambda p: p.version == 1)).diagnostics)


def severities(items: list[types.Diagnostic]) -> dict[str, types.DiagnosticSeverity | None]:
    """Rule id → severity of LW0xx diagnostics."""
    return {str(d.code): d.severity for d in items if str(d.code).startswith("LW0")}


async def test_severity_override_off_select_and_ignore(tuned: RecordingClient) -> None:
    client = tuned
    uri = open_document(client, BROKEN)
    assert severities(await current(client, uri)) == {
        "LW001": types.DiagnosticSeverity.Error, "LW006": types.DiagnosticSeverity.Error}

    items = await reconfigure(client, uri, {"rules": {"LW001": "warning",
                                                      "unterminated-heredoc": "off"}})
    assert severities(items) == {"LW001": types.DiagnosticSeverity.Warning}

    items = await reconfigure(client, uri, {"rules": {"LW0": "hint"}})
    assert severities(items) == {"LW001": types.DiagnosticSeverity.Hint,
                                 "LW006": types.DiagnosticSeverity.Hint}

    items = await reconfigure(client, uri, {"select": ["LW0"], "ignore": ["parse-error"]})
    assert codes(items) == ["LW006"] and codes(items, "LW") == ["LW006"]


async def test_target_and_disabling_diagnostics(tuned: RecordingClient) -> None:
    client = tuned
    uri = open_document(client, TWO_STAGES)
    assert codes(await current(client, uri), "LW106") == ["LW106"]  # `tools` is never used
    assert codes(await reconfigure(client, uri, {"target": "tools"}), "LW106") == []
    assert await reconfigure(client, uri, {"diagnostics": {"enable": False}}) == []
    assert codes(await reconfigure(client, uri, {}), "LW106") == ["LW106"]


async def test_invalid_settings_show_one_message_and_use_defaults(
        tuned: RecordingClient) -> None:
    client = tuned
    uri = open_document(client, BROKEN)
    await current(client, uri)
    assert severities(await reconfigure(client, uri, {"rules": {"LW001": "warning"}}))[
        "LW001"] == types.DiagnosticSeverity.Warning

    before = len(client.messages)
    bad = {"rules": {"LW001": "loud"}, "select": "LW1", "colour": "red"}
    items = await reconfigure(client, uri, bad)
    message = await wait_for_message(client, "invalid settings", after=before)
    assert message.type == types.MessageType.Error
    for key in ("layerwise.rules", "LW001='loud'", "layerwise.select", "colour"):
        assert key in message.message
    assert [m for m in client.messages[before:] if "invalid settings" in m.message] == [message]
    assert severities(items) == {"LW001": types.DiagnosticSeverity.Error,
                                 "LW006": types.DiagnosticSeverity.Error}


async def test_an_unknown_rule_is_dropped_with_one_message(tuned: RecordingClient) -> None:
    client = tuned
    uri = open_document(client, TWO_STAGES)
    assert codes(await current(client, uri), "LW106") == ["LW106"]

    before = len(client.messages)
    items = await reconfigure(client, uri, {"rules": {"LW999": "off", "LW106": "off"}})
    assert codes(items, "LW106") == []  # the valid key still applies
    message = await wait_for_message(client, "LW999", after=before)
    assert "unknown rule, name or prefix 'LW999' @ layerwise.rules" in message.message
    assert "invalid settings" not in message.message
    assert [m for m in client.messages[before:] if "Layerwise" in m.message] == [message]


@pytest.mark.initialization_options({"layerwise": {"rules": {"LW006": "off"}}})
@pytest.mark.asyncio(loop_scope="function")
async def test_initialization_options(fresh_client: RecordingClient) -> None:
    uri = open_document(fresh_client, BROKEN)
    assert codes(await current(fresh_client, uri)) == ["LW001"]


@pytest.mark.initialization_options({"rules": {"LW001": 3}})
@pytest.mark.asyncio(loop_scope="function")
async def test_invalid_initialization_options(fresh_client: RecordingClient) -> None:
    message = await wait_for_message(fresh_client, "invalid settings")
    assert "layerwise.rules" in message.message
    uri = open_document(fresh_client, BROKEN)
    assert codes(await current(fresh_client, uri)) == ["LW001", "LW006"]


@pytest.mark.parametrize("fresh_client", ["plain"], indirect=True)
@pytest.mark.asyncio(loop_scope="function")
async def test_settings_pushed_by_a_client_that_cannot_be_asked(
        fresh_client: RecordingClient) -> None:
    client = fresh_client
    uri = open_document(client, BROKEN)
    await current(client, uri)
    items = await reconfigure(client, uri, None,
                              settings={"layerwise": {"rules": {"LW006": "off"}}})
    assert codes(items) == ["LW001"]


# --------------------------------------------------------------------------- config files

#: What VS Code answers for the ``layerwise`` section when nothing is set.
VSCODE_SECTION: dict[str, Any] = {
    "rules": {}, "select": [], "ignore": [], "target": None, "context": None,
    "ignorePaths": [], "diagnostics": {"enable": True}, "server": {"command": []},
    "interpreter": [],
}
#: Two stages (LW106: `tools` is unused) and a parse error (LW001).
TWO_STAGES_BROKEN = ('FROM alpine:3.20 AS tools\nRUN x\nFROM alpine:3.20 AS app\n'
                     'CMD ["a", 1]\n')
CONFIG_MESSAGE = "invalid config file"


@pytest_asyncio.fixture(loop_scope="module")
async def editor(configurable: RecordingClient) -> RecordingClient:
    """This module's server (one per profile), with no editor setting set."""
    set_editor_settings(configurable, {})
    return configurable


def set_editor_settings(client: RecordingClient, section: dict[str, Any]) -> None:
    """Set the editor's ``layerwise`` section and tell the server (which pulls it)."""
    answer = merge_settings(VSCODE_SECTION, section) if client.profile == "vscode" else section
    client.set_configuration(answer, section="layerwise")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))


def project(client: RecordingClient, files: dict[str, str]) -> tuple[Path, str]:
    """A new folder holding ``files``, and the uri of a Dockerfile in a subfolder of it."""
    assert client.workspace is not None
    path = to_fs_path(client.workspace.new_uri())
    assert path is not None
    folder = Path(path).parent
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "app").mkdir()
    return folder, (folder / "app" / "Dockerfile").as_uri()


async def diagnostics_of(client: RecordingClient, uri: str,
                         after: int) -> list[types.Diagnostic]:
    """A document's diagnostics: pulled, or the first published from index ``after`` on."""
    if pulls(client):
        report = await pull(client, uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    return list((await wait_for_publish(client, uri, after=after)).diagnostics)


async def open_and_check(client: RecordingClient, uri: str,
                         text: str = BROKEN) -> list[types.Diagnostic]:
    """Open a document and return its first diagnostics."""
    before = len(client.published)
    open_document(client, text, uri)
    return await diagnostics_of(client, uri, before)


async def file_changed(client: RecordingClient, uri: str, path: Path, text: str | None,
                       kind: types.FileChangeType = types.FileChangeType.Changed,
                       ) -> list[types.Diagnostic]:
    """Write (``None``: delete) a config file and report it as a watching client does.

    Returns the diagnostics of ``uri`` that follow.
    """
    before = len(client.published)
    if text is None:
        path.unlink()
    else:
        path.write_text(text, encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=path.as_uri(), type=kind)]))
    return await diagnostics_of(client, uri, before)


def levels(items: list[types.Diagnostic]) -> dict[str, types.DiagnosticSeverity | None]:
    """Rule id → severity, for every rule."""
    return {str(d.code): d.severity for d in items}


def config_messages(client: RecordingClient, after: int = 0) -> list[str]:
    """The ``window/showMessage`` texts about invalid config files from index ``after`` on."""
    return [m.message for m in client.messages[after:] if CONFIG_MESSAGE in m.message]


async def test_config_file_disables_a_rule_and_changes_a_severity(
        editor: RecordingClient) -> None:
    _, uri = project(editor, {".layerwise.toml": '[rules]\nLW006 = "off"\nLW001 = "hint"\n'})
    items = await open_and_check(editor, uri)
    assert levels(items) == {"LW001": types.DiagnosticSeverity.Hint}


async def test_pyproject_tool_layerwise(editor: RecordingClient) -> None:
    _, uri = project(editor, {"pyproject.toml": '[project]\nname = "demo"\n\n'
                                                '[tool.layerwise.rules]\nLW006 = "off"\n'})
    assert codes(await open_and_check(editor, uri), "LW") == ["LW001"]


async def test_editor_settings_override_the_file_key_by_key(editor: RecordingClient) -> None:
    _, uri = project(editor, {".layerwise.toml": 'select = ["LW0"]\n\n'
                                                 '[rules]\nLW001 = "warning"\n'})
    set_editor_settings(editor, {"rules": {"LW001": "error", "LW106": "warning"}})
    items = await open_and_check(editor, uri, TWO_STAGES_BROKEN)
    # the file's select holds although VS Code sends `select: []`; the editor's LW001 wins
    assert levels(items) == {"LW001": types.DiagnosticSeverity.Error}

    before = len(editor.published)
    set_editor_settings(editor, {"select": ["LW1"], "rules": {"LW106": "warning"}})
    items = await diagnostics_of(editor, uri, before)
    assert levels(items) == {"LW106": types.DiagnosticSeverity.Warning}


async def test_editing_the_file_updates_diagnostics(editor: RecordingClient) -> None:
    folder, uri = project(editor, {".layerwise.toml": '[rules]\nLW006 = "off"\n'})
    config = folder / ".layerwise.toml"
    assert codes(await open_and_check(editor, uri), "LW") == ["LW001"]
    items = await file_changed(editor, uri, config, 'ignore = ["parse-error"]\n')
    assert codes(items, "LW") == ["LW006"]
    items = await file_changed(editor, uri, config, None, types.FileChangeType.Deleted)
    assert codes(items, "LW") == ["LW001", "LW006"]
    items = await file_changed(editor, uri, folder / "pyproject.toml",
                               '[tool.layerwise]\nselect = ["LW006"]\n',
                               types.FileChangeType.Created)
    assert codes(items, "LW") == ["LW006"]


INVALID = [
    ("target = 3\n", ["target", "expected a string"]),
    ('[rules]\nLW006 = "loud"\n', ["rules", "LW006='loud'"]),
    ('selec = ["LW0"]\n', ["selec", "unknown setting", "select"]),
    ('target = "app\n', ["invalid TOML"]),
]


@pytest.mark.parametrize(("text", "named"), INVALID, ids=["type", "level", "key", "toml"])
async def test_an_invalid_file_gets_one_message_and_is_ignored(
        editor: RecordingClient, text: str, named: list[str]) -> None:
    before = len(editor.messages)
    folder, uri = project(editor, {".layerwise.toml": text})
    config = folder / ".layerwise.toml"
    assert codes(await open_and_check(editor, uri), "LW") == ["LW001", "LW006"]
    second = (folder / "app" / "Other.Dockerfile").as_uri()
    assert codes(await open_and_check(editor, second), "LW") == ["LW001", "LW006"]

    [message] = config_messages(editor, before)
    assert [m.type for m in editor.messages[before:] if CONFIG_MESSAGE in m.message] == [
        types.MessageType.Error]
    for part in [str(config), *named]:
        assert part in message

    items = await file_changed(editor, uri, config, '[rules]\nLW001 = "off"\n')
    assert codes(items, "LW") == ["LW006"]
    assert len(config_messages(editor, before)) == 1  # fixed: nothing more to say


async def test_a_file_with_an_unknown_rule_applies_without_it(editor: RecordingClient) -> None:
    before = len(editor.messages)
    folder, uri = project(editor, {".layerwise.toml": '[rules]\nLW999 = "off"\nLW006 = "off"\n'})
    assert codes(await open_and_check(editor, uri), "LW") == ["LW001"]
    second = (folder / "app" / "Other.Dockerfile").as_uri()
    assert codes(await open_and_check(editor, second), "LW") == ["LW001"]

    message = await wait_for_message(editor, "LW999", after=before)
    assert message.message == (
        "Layerwise: ignoring unknown rules in config file: "
        f"{folder / '.layerwise.toml'}: rules: unknown rule, name or prefix 'LW999'")
    assert [m for m in editor.messages[before:] if "Layerwise" in m.message] == [message]


async def test_the_server_watches_config_files_if_the_client_can(
        editor: RecordingClient) -> None:
    watched = [r for r in editor.registrations
               if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    if editor.profile != "vscode":
        assert watched == []  # Neovim cannot: config files are re-read on open and save
        return
    [registration] = watched
    options = registration.register_options
    assert isinstance(options, dict)
    assert {w["globPattern"] for w in options["watchers"]} >= {
        "**/.layerwise.toml", "**/pyproject.toml"}


async def test_without_watching_a_save_rereads_config_files(editor: RecordingClient) -> None:
    if editor.registrations:
        pytest.skip("this client watches config files")
    folder, uri = project(editor, {".layerwise.toml": '[rules]\nLW006 = "off"\n'})
    assert codes(await open_and_check(editor, uri), "LW") == ["LW001"]
    (folder / ".layerwise.toml").write_text('[rules]\nLW001 = "off"\n', encoding="utf-8")
    before = len(editor.published)
    editor.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert codes(await diagnostics_of(editor, uri, before), "LW") == ["LW006"]
