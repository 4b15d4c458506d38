"""Completion items on the wire: the exact JSON for snippet and plain-text clients."""

from __future__ import annotations

import json

import pytest
from lsprotocol import types
from pygls.protocol import default_converter

from layerwise.features.completion import CompletionEntry
from layerwise.lsp import convert
from layerwise.lsp.documents import Document
from layerwise.lsp.encoding import Codec
from layerwise.syntax.span import Span

TEXT = "FROM golang:1.22 AS build\nCOPY --chown=😀 --from=bu /a /b\n"
#: ``bu`` (code points 22-24 of line 1) is 23-25 in UTF-16: the emoji takes two units.
TYPED = Span.of(1, 22, 1, 24)
ENTRIES = [
    CompletionEntry("build", "stage", "FROM golang:1.22 (line 1)", "Stage 0 'build'.", "build",
                    False, "0000", "build", TYPED),
    CompletionEntry("0", "stage", "", "", "0", False, "1000", "0", TYPED),
    CompletionEntry("ADD", "instruction", "ADD <src> <dest>", "", "ADD ${1:src} ${2:dest}", True,
                    "1ADD", "ADD", None),
]


def _range(start: int, end: int) -> dict[str, object]:
    return {"start": {"line": 1, "character": start}, "end": {"line": 1, "character": end}}


def _expected(snippets: bool) -> dict[str, object]:
    return {"isIncomplete": False, "items": [
        {"label": "build", "kind": 9, "detail": "FROM golang:1.22 (line 1)",
         "documentation": "Stage 0 'build'.", "sortText": "0000", "filterText": "build",
         "insertTextFormat": 1, "textEdit": {"range": _range(23, 25), "newText": "build"}},
        {"label": "0", "kind": 9, "sortText": "1000", "filterText": "0", "insertTextFormat": 1,
         "textEdit": {"range": _range(23, 25), "newText": "0"}},
        {"label": "ADD", "kind": 14, "detail": "ADD <src> <dest>", "sortText": "1ADD",
         "filterText": "ADD",
         "insertText": "ADD ${1:src} ${2:dest}" if snippets else "ADD src dest",
         "insertTextFormat": 2 if snippets else 1},
    ]}


@pytest.mark.parametrize("snippets", [True, False], ids=["snippets", "plain"])
def test_completion_list_json(snippets: bool) -> None:
    doc = Document("file:///w/Dockerfile", 1, TEXT,
                   Codec())
    wire = convert.completion_list(doc, ENTRIES, snippets=snippets)
    assert json.dumps(wire) == json.dumps(_expected(snippets))  # key order included
    typed = default_converter().structure(wire, types.CompletionList)
    assert json.dumps(default_converter().unstructure(typed)) == json.dumps(wire)
