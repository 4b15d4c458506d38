"""The start-up baseline of bench_lsp.sh: a pygls server that does nothing but publish empty
diagnostics for what it is sent (not part of Layerwise)."""

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer("empty", "0", text_document_sync_kind=types.TextDocumentSyncKind.Incremental)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    """Publish no diagnostics for an opened document."""
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=params.text_document.uri, version=params.text_document.version, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    """Publish no diagnostics for a changed document."""
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=params.text_document.uri, version=params.text_document.version, diagnostics=[]))


if __name__ == "__main__":
    server.start_io()
