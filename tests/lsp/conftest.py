"""End-to-end fixtures: a real ``layerwise --stdio`` process driven by pytest-lsp.

``client`` is one server per client profile for the whole session (fast); tests that change
settings or break things use a fresh server of their own (``fresh_client``).
"""

from __future__ import annotations

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from .helpers import SERVER_COMMAND, Workspace, make_client, start_session

PROFILES = ["vscode", "neovim"]


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A workspace folder shared by the session's documents (one subfolder per document)."""
    return Workspace(tmp_path_factory.mktemp("workspace"))


@pytest_lsp.fixture(
    scope="session",
    params=PROFILES,
    config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client),
)
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient,
                 workspace: Workspace):
    """One initialized server per profile, shared by the session."""
    await start_session(lsp_client, request.param, workspace)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(
    params=PROFILES,
    config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client),
)
async def fresh_client(request: pytest.FixtureRequest, lsp_client: LanguageClient,
                       workspace: Workspace):
    """A server of its own, for tests that change settings or break things."""
    options = getattr(request, "node", None)
    marker = options.get_closest_marker("initialization_options") if options else None
    await start_session(lsp_client, request.param, workspace,
                        initialization_options=marker.args[0] if marker else None)
    yield
    await lsp_client.shutdown_session()


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers of this folder."""
    config.addinivalue_line(
        "markers", "initialization_options(options): initializationOptions for fresh_client")


