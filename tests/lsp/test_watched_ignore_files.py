"""Ignore files end to end: a changed ``.dockerignore`` re-lints the Dockerfiles of its context.

LW306 reads the build context. The server re-reads it when the client reports that an ignore
file changed (``workspace/didChangeWatchedFiles``) or, for clients that cannot watch files, when
an ignore file open in the editor is saved. The vscode profile pushes diagnostics and watches
files; the neovim profile pulls and does not watch.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from .helpers import (
    RecordingClient,
    change_document,
    open_document,
    pull,
    pulls,
    wait_for_publish,
)

pytestmark = pytest.mark.asyncio(loop_scope="function")

COPY_ALL = "FROM alpine:3.20\nCOPY . /app\n"
#: Excludes every pattern LW306 asks for.
GOOD_IGNORE = ".git\n.env*\n*.pem\n*.key\nid_*\n.npmrc\n.aws\n*.tfvars\nkubeconfig\n"
WARNING = types.DiagnosticSeverity.Warning
INFORMATION = types.DiagnosticSeverity.Information


def build_context(folder: Path) -> str:
    """A context holding a Dockerfile that copies all of it and a ``.env`` file; its uri."""
    token = "ghp" + "_" + "x" * 36  # fake, and assembled so that secret scanners stay quiet
    (folder / ".env").write_text(f"GITHUB_TOKEN={token}\n", encoding="utf-8")
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(COPY_ALL, encoding="utf-8")
    return dockerfile.as_uri()


async def lw306(client: RecordingClient, uri: str, after: int) -> types.DiagnosticSeverity | None:
    """The severity of LW306 on ``uri``: pulled, or first published from index ``after`` on."""
    if pulls(client):
        report = await pull(client, uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        items = list(report.items)
    else:
        items = list((await wait_for_publish(client, uri, after=after)).diagnostics)
    found = [d.severity for d in items if d.code == "LW306"]
    assert len(found) <= 1
    return found[0] if found else None


async def opened(client: RecordingClient, uri: str) -> types.DiagnosticSeverity | None:
    """Open a Dockerfile (its text is on disk); the severity of LW306 on it.

    Two requests follow: the server asks a client that can watch files to watch them before it
    answers the first, and has the client's answer before the second.
    """
    before = len(client.published)
    open_document(client, COPY_ALL, uri)
    severity = await lw306(client, uri, before)
    for _ in range(2):
        await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    return severity


def write(files: dict[Path, str | None]) -> list[types.FileEvent]:
    """Write (``None``: delete) files; the events a watching client reports for that."""
    events = []
    for path, text in files.items():
        if text is None:
            path.unlink()
            kind = types.FileChangeType.Deleted
        else:
            kind = types.FileChangeType.Changed if path.exists() else types.FileChangeType.Created
            path.write_text(text, encoding="utf-8")
        events.append(types.FileEvent(uri=path.as_uri(), type=kind))
    return events


async def changed(client: RecordingClient, uri: str,
                  files: dict[Path, str | None]) -> types.DiagnosticSeverity | None:
    """Write ``files``, report them in one ``didChangeWatchedFiles``; LW306's severity after."""
    before = len(client.published)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=write(files)))
    return await lw306(client, uri, before)


async def test_creating_changing_and_deleting_the_ignore_file(
        fresh_client: RecordingClient, tmp_path: Path) -> None:
    client = fresh_client
    uri = build_context(tmp_path)
    ignore = tmp_path / ".dockerignore"
    assert await opened(client, uri) == WARNING  # .env would be sent, and no ignore file
    # .env is excluded, the other patterns LW306 wants are not: Information
    assert await changed(client, uri, {ignore: ".env\n"}) == INFORMATION
    assert await changed(client, uri, {ignore: GOOD_IGNORE}) is None
    assert await changed(client, uri, {ignore: None}) == WARNING


async def test_several_ignore_files_in_one_notification(
        fresh_client: RecordingClient, tmp_path: Path) -> None:
    client = fresh_client
    uri = build_context(tmp_path)
    assert await opened(client, uri) == WARNING
    # <Dockerfile>.dockerignore wins over .dockerignore
    files: dict[Path, str | None] = {tmp_path / ".dockerignore": "node_modules\n",
                                     tmp_path / "Dockerfile.dockerignore": GOOD_IGNORE}
    assert await changed(client, uri, files) is None
    assert await changed(client, uri, {tmp_path / "Dockerfile.dockerignore": None}) == WARNING


async def test_a_pull_naming_its_previous_result_gets_the_new_diagnostics(
        fresh_client: RecordingClient, tmp_path: Path) -> None:
    client = fresh_client
    if not pulls(client):
        pytest.skip("this client does not pull diagnostics")
    uri = build_context(tmp_path)
    assert await opened(client, uri) == WARNING
    first = await pull(client, uri)
    assert isinstance(first, types.RelatedFullDocumentDiagnosticReport)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=write({tmp_path / ".dockerignore": GOOD_IGNORE})))
    again = await pull(client, uri, first.result_id)
    assert isinstance(again, types.RelatedFullDocumentDiagnosticReport)
    assert [d for d in again.items if d.code == "LW306"] == []


async def test_an_open_ignore_file_is_no_dockerfile_and_its_saved_text_counts(
        fresh_client: RecordingClient, tmp_path: Path) -> None:
    client = fresh_client
    uri = build_context(tmp_path)
    ignore = tmp_path / ".dockerignore"
    assert await opened(client, uri) == WARNING
    ignore_uri = ignore.as_uri()
    before = len(client.published)
    open_document(client, "RUN is no pattern\n", ignore_uri)  # not a file on disk yet
    if pulls(client):
        report = await pull(client, ignore_uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert list(report.items) == []
    else:
        assert list((await wait_for_publish(client, ignore_uri, after=before)).diagnostics) == []

    # Unsaved text does not count: BuildKit reads the disk.
    before = len(client.published)
    change_document(client, ignore_uri, 2, (0, 0), (1, 0), GOOD_IGNORE)
    watching = client.profile == "vscode"
    if watching:  # the client reports writes only; make the server re-read anyway
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=ignore_uri, type=types.FileChangeType.Changed)]))
    assert await lw306(client, uri, before) == WARNING

    # Saved: a watching client reports the write, another one the save.
    before = len(client.published)
    ignore.write_text(GOOD_IGNORE, encoding="utf-8")
    if watching:
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=ignore_uri, type=types.FileChangeType.Created)]))
    else:
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=ignore_uri)))
    assert await lw306(client, uri, before) is None


async def test_the_server_watches_ignore_files_if_the_client_can(
        fresh_client: RecordingClient, tmp_path: Path) -> None:
    client = fresh_client
    await opened(client, build_context(tmp_path))
    watched = [r for r in client.registrations
               if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    if client.profile != "vscode":
        assert watched == []  # Neovim cannot: an ignore file open in it re-lints on save
        return
    [registration] = watched
    options = registration.register_options
    assert isinstance(options, dict)
    assert {w["globPattern"] for w in options["watchers"]} == {
        "**/.layerwise.toml", "**/pyproject.toml", "**/.dockerignore", "**/*.dockerignore"}
