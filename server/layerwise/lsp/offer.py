"""What the server offers a client: the ``initialize`` result, as JSON.

pygls builds the same capabilities from the registered handlers (which take their options from
here); the start of a session (:mod:`.early`) answers ``initialize`` with these before pygls is
loaded. The full server checks that they agree for its client, and so do the tests, for many.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from .capabilities import get
from .encoding import choose_encoding

__all__ = ["CODE_ACTION_KINDS", "DIAGNOSTIC_IDENTIFIER", "TRIGGER_CHARACTERS",
           "initialize_result"]

#: Characters after which clients ask for completions: ``-`` and ``=`` for flags and their
#: values, ``$`` and ``{`` for variables, a space after keywords.
TRIGGER_CHARACTERS = ["-", "=", "$", "{", " "]
#: The kinds of code actions offered: quick fixes, extract a stage, fix all.
CODE_ACTION_KINDS = ["quickfix", "refactor.extract", "source.fixAll.layerwise"]
#: The identifier of Layerwise's pull diagnostics.
DIAGNOSTIC_IDENTIFIER = "layerwise"
#: ``TextDocumentSyncKind.Incremental``.
_INCREMENTAL = 2


def initialize_result(capabilities: Any, *, pull: bool) -> dict[str, Any]:
    """The answer to ``initialize`` for a client's capabilities (JSON); ``pull`` offers pull
    diagnostics."""
    return {"capabilities": _server_capabilities(capabilities, pull),
            "serverInfo": {"name": "layerwise", "version": __version__}}


def _server_capabilities(capabilities: Any, pull: bool) -> dict[str, Any]:
    sync: dict[str, Any] = {"openClose": True, "change": _INCREMENTAL}
    for unsupported in ("willSave", "willSaveWaitUntil"):  # said "no" to clients that ask
        if get(capabilities, "textDocument", "synchronization", unsupported) is not None:
            sync[unsupported] = False
    sync["save"] = {"includeText": False}
    # RenameOptions only for clients that support prepareRename (the specification says so).
    rename = ({"prepareProvider": True}
              if get(capabilities, "textDocument", "rename", "prepareSupport") else True)
    offered: dict[str, Any] = {
        "positionEncoding": choose_encoding(capabilities),
        "textDocumentSync": sync,
        "completionProvider": {"triggerCharacters": TRIGGER_CHARACTERS,
                               "resolveProvider": False},
        "hoverProvider": True,
        "definitionProvider": True,
        "referencesProvider": True,
        "documentHighlightProvider": True,
        "documentSymbolProvider": True,
        "codeActionProvider": {"codeActionKinds": CODE_ACTION_KINDS, "resolveProvider": True},
        "renameProvider": rename,
        "foldingRangeProvider": True,
        "executeCommandProvider": {"commands": []},
        "workspace": {"workspaceFolders": {"supported": True, "changeNotifications": True},
                      "fileOperations": {}},
    }
    if pull:
        offered["diagnosticProvider"] = {"identifier": DIAGNOSTIC_IDENTIFIER,
                                         "interFileDependencies": False,
                                         "workspaceDiagnostics": False}
    return offered
