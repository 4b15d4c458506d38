"""Initialize: the capabilities Layerwise announces, per client profile."""

from __future__ import annotations

import pytest
from lsprotocol import types

from layerwise import __version__

from .helpers import RecordingClient, pulls

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_capabilities(client: RecordingClient) -> None:
    assert client.init_result is not None
    caps = client.init_result.capabilities
    assert client.init_result.server_info == types.ServerInfo(name="layerwise",
                                                              version=__version__)
    sync = caps.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.open_close and sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.completion_provider is not None
    assert list(caps.completion_provider.trigger_characters or ()) == ["-", "=", "$", "{", " "]
    assert caps.hover_provider and caps.definition_provider and caps.references_provider
    assert caps.document_highlight_provider
    assert caps.rename_provider == types.RenameOptions(prepare_provider=True)
    assert caps.document_symbol_provider and caps.folding_range_provider


async def test_position_encoding_is_negotiated(client: RecordingClient) -> None:
    assert client.init_result is not None
    offered = (client.capabilities.general.position_encodings
               if client.capabilities and client.capabilities.general else None)
    expected = "utf-8" if offered and offered[0] == "utf-8" else "utf-16"
    assert client.init_result.capabilities.position_encoding == expected
    assert expected == ("utf-16" if client.profile == "vscode" else "utf-8")


async def test_diagnostics_are_pulled_only_by_clients_that_can(client: RecordingClient) -> None:
    assert client.init_result is not None
    provider = client.init_result.capabilities.diagnostic_provider
    if pulls(client):
        assert isinstance(provider, types.DiagnosticOptions)
        assert provider.identifier == "layerwise"
        assert not provider.inter_file_dependencies and not provider.workspace_diagnostics
    else:
        assert provider is None
