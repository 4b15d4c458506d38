"""Diagnostics: pushed with their version to clients that cannot pull, served on pull otherwise.

Never both. On open, push at once. On change, push once every message already received is
handled (:meth:`LayerwiseServer.after_input`), so a burst of edits is analysed once, at its last
version; a superseded version is never analysed, and since analysis runs on the loop, a result
can never be published for a version that is already outdated.
While the server waits for the client's answer to ``workspace/configuration``, it neither
publishes nor serves diagnostics computed under the settings being replaced.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from .. import offer, wire
from ..sent import SentDiagnostics
from ..server import JsonText

if TYPE_CHECKING:
    from ...config import Settings
    from ..documents import Document
    from ..server import LayerwiseServer

logger = logging.getLogger(__name__)



class DiagnosticsPublisher:
    """Decides when and how the diagnostics of each open document reach the client."""

    def __init__(self, server: LayerwiseServer) -> None:
        self._server = server
        self._scheduled: dict[str, None] = {}
        self._deferred: set[str] = set()
        self._waiting = False
        self._published: dict[str, Settings] = {}
        """The settings each document's diagnostics were last published under."""
        self._sent = SentDiagnostics()

    @property
    def pull(self) -> bool:
        """Whether the client pulls (then nothing is ever pushed)."""
        return self._server.client.pull_diagnostics

    def adopt(self, sent: SentDiagnostics, published: dict[str, Settings]) -> None:
        """Take over what the start of the session published (see :mod:`..early`)."""
        self._sent = sent
        self._published.update(published)

    def diagnostics(self, doc: Document) -> list[str]:
        """The diagnostics of a document's current version, each in JSON text."""
        return self._sent.items(self._server.documents, doc)

    def opened(self, doc: Document) -> None:
        """Publish at once for a freshly opened document."""
        if self.pull:
            return
        self._scheduled.pop(doc.uri, None)
        if self._server.settings.pending:
            self._defer(doc.uri)
        else:
            self._publish(doc)

    def changed(self, doc: Document) -> None:
        """Publish the document's diagnostics as soon as the loop is free."""
        if self.pull:
            return
        if self._server.settings.pending:
            self._defer(doc.uri)
        elif doc.uri not in self._scheduled:
            if not self._scheduled:
                self._server.after_input(self._flush)
            self._scheduled[doc.uri] = None

    def closed(self, uri: str) -> None:
        """Clear a closed document's diagnostics."""
        self._scheduled.pop(uri, None)
        self._deferred.discard(uri)
        self._published.pop(uri, None)
        self._sent.forget(uri)
        if not self.pull:
            self._server.publish_diagnostics(uri, None, [])

    def refresh(self) -> None:
        """Settings arrived: re-publish what they change, or ask a pulling client to pull."""
        if self.pull:
            if self._server.client.diagnostic_refresh:
                self._server.workspace_diagnostic_refresh(None)
            return
        for doc in self._server.documents:
            if (doc.uri in self._deferred
                    or self._server.documents.settings(doc) != self._published.get(doc.uri)):
                self._deferred.discard(doc.uri)
                self._scheduled.pop(doc.uri, None)
                self._publish(doc)

    def _defer(self, uri: str) -> None:
        """Publish once the settings being fetched have arrived (not under the old ones)."""
        self._deferred.add(uri)
        if not self._waiting:
            self._waiting = True
            self._server.spawn(self._after_settings())

    async def _after_settings(self) -> None:
        try:
            while self._server.settings.pending:
                await self._server.settings.settled()
        finally:
            self._waiting = False
        for uri in sorted(self._deferred):
            self._deferred.discard(uri)
            doc = self._server.documents.get(uri)
            if doc is not None:
                self._publish(doc)

    def _flush(self) -> None:
        """Publish for the documents changed (those closed or published since are not left)."""
        scheduled, self._scheduled = self._scheduled, {}
        for uri in scheduled:
            doc = self._server.documents.get(uri)
            if doc is not None:
                self._publish(doc)

    def _publish(self, doc: Document) -> None:
        try:
            self._published[doc.uri] = self._server.documents.settings(doc)
            items = self.diagnostics(doc)
        except Exception:
            logger.exception("cannot compute the diagnostics of %s", doc.uri)
            return
        self._server.publish_diagnostics(doc.uri, doc.version, items)


async def text_document_diagnostic(
        ls: LayerwiseServer, params: types.DocumentDiagnosticParams,
) -> types.DocumentDiagnosticReport | JsonText:
    """Serve the diagnostics of one document to a pulling client (under settled settings).

    A full report goes out in JSON text, as pygls would write it (the protocol passes it
    through), so that it carries the publisher's JSON diagnostics.
    """
    await ls.settings.settled()
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    result_id = ls.documents.result_id(doc, ls.settings.epoch)
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return JsonText(wire.full_report_json(result_id, ls.diagnostics.diagnostics(doc)))


def register(server: LayerwiseServer) -> None:
    """Attach the publisher; the pull handler is registered at initialize if the client pulls."""
    server.diagnostics = DiagnosticsPublisher(server)


def register_pull(server: LayerwiseServer) -> None:
    """Offer ``textDocument/diagnostic`` (called during initialize for pulling clients)."""
    server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DiagnosticOptions(
        identifier=offer.DIAGNOSTIC_IDENTIFIER, inter_file_dependencies=False,
        workspace_diagnostics=False))(text_document_diagnostic)
