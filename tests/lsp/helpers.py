"""Helpers for the end-to-end tests: client profiles, documents, waiting for diagnostics.

Nothing here sleeps: waiting is ``client.wait_for_notification(...)`` until the recorded
notifications contain what the test needs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER_COMMAND = [sys.executable, "-m", "layerwise", "--stdio"]

#: A Dockerfile with a parse error (LW001 on `1`) and an unterminated heredoc (LW006 on `<<EOF`).
BROKEN = 'FROM alpine:3.20\nCMD ["a", 1]\nRUN <<EOF\necho hi\n'

_counter = itertools.count(1)


class Workspace:
    """A folder on disk whose subfolders hold the tests' Dockerfiles."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uri = root.as_uri()

    def new_uri(self, name: str = "Dockerfile") -> str:
        """The uri of a new Dockerfile in a folder of its own (created, the file is not)."""
        folder = self.root / f"case-{next(_counter)}"
        folder.mkdir()
        return (folder / name).as_uri()


# --------------------------------------------------------------------------- the client


class RecordingClient(LanguageClient):
    """pytest-lsp's client, also keeping every ``publishDiagnostics`` in order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.Registration] = []
        self.profile = ""
        self.init_result: types.InitializeResult | None = None
        self.workspace: Workspace | None = None


def _record_publish(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.published.append(params)
    client.diagnostics[params.uri] = params.diagnostics


def _record_registration(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def make_client() -> RecordingClient:
    """A test client that records every diagnostics notification and capability registration."""
    client = RecordingClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record_publish
    features[types.CLIENT_REGISTER_CAPABILITY] = _record_registration
    register_lsp_features(client, features)
    return client


def capabilities(profile: str) -> types.ClientCapabilities:
    """The capabilities of a profile.

    ``vscode``: VS Code 1.65.2 (cannot pull diagnostics, UTF-16). ``neovim``: the newest Neovim
    pytest-lsp knows; it pulls diagnostics and offers UTF-8 first. ``plain``: Neovim without
    Markdown, snippets, nested symbols or ``workspace/configuration``, in UTF-16.
    ``noresolve``: VS Code without ``codeAction/resolve`` support.
    """
    if profile == "vscode":
        return client_capabilities("visual_studio_code")
    if profile == "noresolve":  # VS Code without codeAction/resolve: edits must come inline
        caps = client_capabilities("visual_studio_code")
        assert caps.text_document is not None and caps.text_document.code_action is not None
        caps.text_document.code_action.resolve_support = None
        caps.text_document.code_action.data_support = None
        return caps
    caps = client_capabilities("neovim")
    assert caps.text_document is not None
    if caps.text_document.diagnostic is None:  # make sure the Neovim-like profile pulls
        caps.text_document.diagnostic = types.DiagnosticClientCapabilities()
    if profile == "plain":
        caps.text_document.hover = types.HoverClientCapabilities(
            content_format=[types.MarkupKind.PlainText])
        caps.text_document.completion = types.CompletionClientCapabilities(
            completion_item=types.ClientCompletionItemOptions(
                snippet_support=False, documentation_format=[types.MarkupKind.PlainText]))
        caps.text_document.document_symbol = types.DocumentSymbolClientCapabilities(
            hierarchical_document_symbol_support=False)
        caps.general = types.GeneralClientCapabilities(position_encodings=["utf-16"])
        assert caps.workspace is not None
        caps.workspace.configuration = False
    return caps


async def start_session(client: RecordingClient, profile: str, workspace: Workspace,
                        initialization_options: Any = None) -> None:
    """Initialize ``client`` as ``profile`` would, in ``workspace``."""
    client.profile = profile
    client.workspace = workspace
    client.init_result = await client.initialize_session(types.InitializeParams(
        capabilities=capabilities(profile),
        root_uri=workspace.uri,
        workspace_folders=[types.WorkspaceFolder(uri=workspace.uri, name="workspace")],
        initialization_options=initialization_options,
        client_info=types.ClientInfo(name=f"pytest-lsp as {profile}"),
    ))


def pulls(client: RecordingClient) -> bool:
    """Whether the client's profile pulls diagnostics."""
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic)


def encoding(client: RecordingClient) -> str:
    """The negotiated position encoding."""
    assert client.init_result is not None
    return str(client.init_result.capabilities.position_encoding or "utf-16")


def units(client: RecordingClient, text: str) -> int:
    """The length of ``text`` in the negotiated encoding's code units."""
    enc = encoding(client)
    if enc == "utf-8":
        return len(text.encode("utf-8"))
    if enc == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- documents


def open_document(client: RecordingClient, text: str, uri: str | None = None,
                  version: int = 1) -> str:
    """Open a new document (in a folder of its own); return its uri."""
    assert client.workspace is not None
    uri = uri or client.workspace.new_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile",
                                             version=version, text=text)))
    return uri


def change_document(client: RecordingClient, uri: str, version: int, start: tuple[int, int],
                    end: tuple[int, int], text: str) -> None:
    """Send one incremental change."""
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(*start), types.Position(*end)), text=text)]))


def close_document(client: RecordingClient, uri: str) -> None:
    """Close a document."""
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))


async def wait_for_publish(
        client: RecordingClient, uri: str,
        accept: Callable[[types.PublishDiagnosticsParams], bool] = lambda p: True,
        *, after: int = 0) -> types.PublishDiagnosticsParams:
    """The first publish for ``uri`` (from index ``after`` on) that ``accept`` takes."""
    while True:
        for params in client.published[after:]:
            if params.uri == uri and accept(params):
                return params
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def pull(client: RecordingClient, uri: str,
               previous: str | None = None) -> types.DocumentDiagnosticReport:
    """Pull one document's diagnostics."""
    return await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=previous))


async def diagnostics(client: RecordingClient, uri: str, version: int,
                      prefix: str = "LW0") -> list[types.Diagnostic]:
    """The diagnostics of ``uri`` at ``version``: pushed (waiting for them) or pulled.

    Only rules whose id starts with ``prefix`` count (by default the syntax rules, which the
    test files are about), so that rules added later do not change these tests.
    """
    if pulls(client):
        report = await pull(client, uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        items = list(report.items)
    else:
        params = await wait_for_publish(client, uri, lambda p: p.version == version)
        items = list(params.diagnostics)
    return [d for d in items if str(d.code).startswith(prefix)]


async def wait_for_message(client: RecordingClient, contains: str,
                           *, after: int = 0) -> types.ShowMessageParams:
    """The first ``window/showMessage`` (from index ``after`` on) containing ``contains``."""
    while True:
        for params in client.messages[after:]:
            if contains in params.message:
                return params
        await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)


def codes(items: list[types.Diagnostic], prefix: str = "LW0") -> list[str]:
    """The rule ids of diagnostics starting with ``prefix``, in order."""
    return [str(d.code) for d in items if str(d.code).startswith(prefix)]


async def raw_request(client: RecordingClient, method: str, params: Any) -> Any:
    """Send a request exactly as given (even if it breaks the LSP types); return its result.

    pygls's client only sends typed requests, so this writes the JSON itself and registers
    the response future the way pygls does.
    """
    msg_id = f"raw-{next(_counter)}"
    future: concurrent.futures.Future[Any] = concurrent.futures.Future()
    client.protocol._request_futures[msg_id] = future
    client.protocol._send_data(
        {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
    return await asyncio.wrap_future(future)


def raw_notify(client: RecordingClient, method: str, params: Any) -> None:
    """Send a notification exactly as given."""
    client.protocol._send_data(
        {"jsonrpc": "2.0", "method": method, "params": params})


def pos(line: int, character: int) -> types.Position:
    """An LSP position."""
    return types.Position(line=line, character=character)


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    """A text document identifier."""
    return types.TextDocumentIdentifier(uri=uri)


# --------------------------------------------------------------------------- applying edits

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def offset_at(client: RecordingClient, text: str, position: types.Position) -> int:
    """The offset in ``text`` of an LSP position in the client's encoding (strict: no clamping).

    A position inside a character (in the middle of a surrogate pair or a UTF-8 sequence) or
    past the end of its line is an error: a real editor would apply the edit elsewhere.
    """
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    assert position.line < len(starts), f"line {position.line} is past the end"
    start = starts[position.line]
    end = (starts[position.line + 1] if position.line + 1 < len(starts) else len(text))
    line = _LINE_BREAK.sub("", text[start:end])
    count = 0
    for col, char in enumerate(line):
        if count == position.character:
            return start + col
        assert count < position.character, f"{position} falls inside {line[col - 1]!r}"
        count += units(client, char)
    assert count == position.character, f"{position} is past the end of {line!r}"
    return start + len(line)


def workspace_edits(client: RecordingClient, uri: str, version: int,
                    edit: types.WorkspaceEdit) -> list[types.TextEdit]:
    """The edits of ``uri`` in a workspace edit, in the shape the client asked for.

    Clients with ``workspace.workspaceEdit.documentChanges`` get versioned document changes
    (for the version the edit was computed on), the others ``changes``.
    """
    caps = client.capabilities
    versioned = bool(caps and caps.workspace and caps.workspace.workspace_edit
                     and caps.workspace.workspace_edit.document_changes)
    if versioned:
        assert edit.changes is None and edit.document_changes is not None
        found: list[types.TextEdit] = []
        for change in edit.document_changes:
            assert isinstance(change, types.TextDocumentEdit)
            assert change.text_document.uri == uri
            assert change.text_document.version == version
            found.extend(e for e in change.edits if isinstance(e, types.TextEdit))
        return found
    assert edit.document_changes is None and edit.changes is not None
    assert set(edit.changes) == {uri}
    return list(edit.changes[uri])


def apply_text_edits(client: RecordingClient, text: str,
                     edits: list[types.TextEdit]) -> tuple[str, list[types.TextEdit]]:
    """Apply LSP edits (client encoding) as an editor does; return the text and the edits
    from last to first (the order in which they can be sent as incremental changes).

    Overlapping edits are an error, as LSP says.
    """
    spans = sorted(((offset_at(client, text, e.range.start),
                     offset_at(client, text, e.range.end), n, e) for n, e in enumerate(edits)),
                   key=lambda t: (t[0], t[1], t[2]))
    for (a_start, a_end, _, a), (b_start, _, _, b) in itertools.pairwise(spans):
        assert a_end <= b_start, f"overlapping edits: {a} and {b}"
        assert a_start <= a_end
    out = text
    for start, end, _, e in reversed(spans):
        out = out[:start] + e.new_text + out[end:]
    return out, [e for _, _, _, e in reversed(spans)]


def send_edits(client: RecordingClient, uri: str, version: int,
               edits: list[types.TextEdit]) -> None:
    """Send edits (last first, as :func:`apply_text_edits` orders them) as one didChange."""
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                         for e in edits]))
