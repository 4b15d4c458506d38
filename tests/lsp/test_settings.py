"""Settings end to end: initializationOptions, workspace/configuration, didChangeConfiguration."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

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
