"""The one translation point between Layerwise's core types and lsprotocol's LSP types.

Positions are converted by :mod:`.wire` (which also builds diagnostics as JSON).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from os.path import commonprefix
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ..syntax.span import Position, Span, TextEdit
from .wire import TextLines, core_position, lsp_position, range_json

if TYPE_CHECKING:
    from ..features.completion import CompletionEntry
    from ..features.hover import HoverResult
    from ..features.symbols import FoldingRange, Symbol

#: Lines end at CR LF, CR or LF, as LSP counts them.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# --------------------------------------------------------------------------- positions


def to_lsp_position(doc: TextLines, pos: Position) -> types.Position:
    """A core position (code points) as an LSP position (client units); clamped to the text."""
    return types.Position(*lsp_position(doc, pos))


def to_range(doc: TextLines, span: Span) -> types.Range:
    """A core span as an LSP range."""
    return types.Range(to_lsp_position(doc, span.start), to_lsp_position(doc, span.end))


def from_lsp_position(doc: TextLines, pos: types.Position) -> Position:
    """An LSP position as a core position, clamped to the text.

    Past the end of a line is its end; past the last line is the end of the file.
    """
    return Position(*core_position(doc, pos.line, pos.character))


def from_range(doc: TextLines, rng: types.Range) -> Span:
    """An LSP range as a core span (clamped, start before end)."""
    start, end = from_lsp_position(doc, rng.start), from_lsp_position(doc, rng.end)
    return Span(start, end) if start <= end else Span(end, start)


def location(doc: TextLines, span: Span) -> types.Location:
    """A span of ``doc`` as a location."""
    return types.Location(uri=doc.uri, range=to_range(doc, span))


def text_edit(doc: TextLines, edit: TextEdit) -> types.TextEdit:
    """A core edit as an LSP edit."""
    return types.TextEdit(range=to_range(doc, edit.span), new_text=edit.new_text)


def workspace_edit(doc: TextLines, version: int | None, edits: Iterable[TextEdit], *,
                   document_changes: bool) -> types.WorkspaceEdit:
    """Edits of one document as a workspace edit, versioned when the client supports it."""
    if document_changes:
        return types.WorkspaceEdit(document_changes=[_document_edit(doc, version, edits)])
    return types.WorkspaceEdit(changes={doc.uri: [text_edit(doc, e) for e in edits]})


def _document_edit(doc: TextLines, version: int | None,
                   edits: Iterable[TextEdit]) -> types.TextDocumentEdit:
    """Edits of one document for ``documentChanges`` (``version`` None: not open)."""
    return types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=version),
        edits=[text_edit(doc, e) for e in edits])


@dataclass(frozen=True, slots=True)
class FileChange:
    """Edits of a file other than the Dockerfile, positioned in ``target``'s current text.

    ``version`` is the open document's, None for a file on disk; ``new``: it must be created.
    """

    target: TextLines
    version: int | None
    edits: tuple[TextEdit, ...]
    new: bool = False


def multi_file_edit(doc: TextLines, version: int | None, edits: Sequence[TextEdit],
                    files: Sequence[FileChange], *, document_changes: bool,
                    create_files: bool) -> types.WorkspaceEdit | None:
    """Edits of other files (created first where needed), then of ``doc``, as one edit.

    A new file needs ``documentChanges`` and the ``create`` resource operation: without them
    there is no edit (None). Otherwise the shape follows the client, as :func:`workspace_edit`.
    """
    if any(f.new for f in files) and not (document_changes and create_files):
        return None
    if not document_changes:
        changes = {f.target.uri: [text_edit(f.target, e) for e in f.edits] for f in files}
        if edits:
            changes[doc.uri] = [text_edit(doc, e) for e in edits]
        return types.WorkspaceEdit(changes=changes)
    operations: list[types.TextDocumentEdit | types.CreateFile | types.RenameFile
                     | types.DeleteFile] = []
    for f in files:
        if f.new:
            operations.append(types.CreateFile(
                uri=f.target.uri, options=types.CreateFileOptions(ignore_if_exists=True)))
        operations.append(_document_edit(f.target, f.version, f.edits))
    if edits:
        operations.append(_document_edit(doc, version, edits))
    return types.WorkspaceEdit(document_changes=operations)


def replacement(old: str, new: str) -> TextEdit | None:
    """One edit that turns ``old`` into ``new``: the changed lines, whole (``None``: no change).

    Positions count lines the way LSP does (CR LF, CR and LF), so the edit converts with the
    document's lines.
    """
    if old == new:
        return None
    prefix = len(commonprefix([old, new]))
    limit = min(len(old), len(new)) - prefix
    suffix = min(len(commonprefix([old[::-1], new[::-1]])), limit)
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(old)]
    first = bisect_right(starts, prefix) - 1
    start = starts[first]
    end = len(old) - suffix
    last = bisect_left(starts, end)
    if last < len(starts):
        end, end_pos = starts[last], Position(last, 0)
    else:
        end, end_pos = len(old), Position(len(starts) - 1, len(old) - starts[-1])
    kept = len(old) - end
    return TextEdit(Span(Position(first, 0), end_pos), new[start: len(new) - kept])


# --------------------------------------------------------------------------- diagnostics


# --------------------------------------------------------------------------- completion

_KIND_NAMES: dict[str, types.CompletionItemKind] = {
    "instruction": types.CompletionItemKind.Keyword,
    "keyword": types.CompletionItemKind.Keyword,
    "directive": types.CompletionItemKind.Keyword,
    "flag": types.CompletionItemKind.Property,
    "option": types.CompletionItemKind.Property,
    "key": types.CompletionItemKind.Property,
    "property": types.CompletionItemKind.Property,
    "value": types.CompletionItemKind.EnumMember,
    "enum": types.CompletionItemKind.EnumMember,
    "stage": types.CompletionItemKind.Module,
    "module": types.CompletionItemKind.Module,
    "stage_index": types.CompletionItemKind.Value,
    "index": types.CompletionItemKind.Value,
    "image": types.CompletionItemKind.Reference,
    "reference": types.CompletionItemKind.Reference,
    "variable": types.CompletionItemKind.Variable,
    "arg": types.CompletionItemKind.Variable,
    "env": types.CompletionItemKind.Variable,
    "constant": types.CompletionItemKind.Constant,
    "snippet": types.CompletionItemKind.Snippet,
    "file": types.CompletionItemKind.File,
    "folder": types.CompletionItemKind.Folder,
    "text": types.CompletionItemKind.Text,
}

_SNIPPET_SYNTAX = re.compile(r"\$\{\d+:((?:[^{}\\]|\\.)*)\}|\$\{\d+\}|\$\d+|\\([$}\\])")


def _kind_name(kind: object) -> str:
    if isinstance(kind, Enum):
        return str(kind.name if isinstance(kind.value, int) else kind.value).lower()
    return str(kind).lower()


def completion_kind(kind: object) -> types.CompletionItemKind | None:
    """Map the core's completion kind (a name, or an LSP-numbered enum) to LSP's."""
    if kind is None:
        return None
    if isinstance(kind, int) and not isinstance(kind, bool):
        try:
            return types.CompletionItemKind(int(kind))
        except ValueError:
            return None
    name = _kind_name(kind)
    if name in _KIND_NAMES:
        return _KIND_NAMES[name]
    for member in types.CompletionItemKind:
        if member.name.lower() == name:
            return member
    return None


def plain_snippet(text: str) -> str:
    """Snippet syntax reduced to the text it inserts (placeholders keep their default)."""
    return _SNIPPET_SYNTAX.sub(lambda m: m.group(1) or m.group(2) or "", text)


def completion_list(doc: TextLines, entries: Iterable[CompletionEntry], *,
                    snippets: bool) -> dict[str, Any]:
    """Completion entries as a complete list of items (documentation in plain text), in the
    JSON form pygls would write for the typed ``CompletionList`` (key order included); built
    directly, as a list of a hundred stage names would otherwise spend most of its time in
    attrs validation and cattrs.

    Entries replacing the same span (usually all of them) share one converted range.
    """
    ranges: dict[Span, dict[str, Any]] = {}
    items = []
    for entry in entries:
        rng = None
        if entry.replace is not None:
            rng = ranges.get(entry.replace)
            if rng is None:
                rng = ranges[entry.replace] = range_json(doc, entry.replace)
        items.append(_completion_item(entry, rng, snippets))
    return {"isIncomplete": False, "items": items}


def _completion_item(entry: CompletionEntry, rng: dict[str, Any] | None,
                     snippets: bool) -> dict[str, Any]:
    """One item: a text edit of ``rng``, or insert text when the client picks the range."""
    is_snippet = bool(entry.is_snippet) and snippets
    text = entry.insert_text if entry.insert_text is not None else entry.label
    if entry.is_snippet and not snippets:
        text = plain_snippet(text)
    item: dict[str, Any] = {"label": entry.label}
    kind = completion_kind(entry.kind)
    if kind is not None:
        item["kind"] = kind.value
    if entry.detail:
        item["detail"] = entry.detail
    if entry.documentation:
        item["documentation"] = entry.documentation
    if entry.sort_text is not None:
        item["sortText"] = entry.sort_text
    if entry.filter_text is not None:
        item["filterText"] = entry.filter_text
    if rng is None:
        item["insertText"] = text
    item["insertTextFormat"] = (types.InsertTextFormat.Snippet if is_snippet
                                else types.InsertTextFormat.PlainText).value
    if rng is not None:
        item["textEdit"] = {"range": rng, "newText": text}
    return item


# --------------------------------------------------------------------------- hover, symbols


def hover(doc: TextLines, result: HoverResult, *, markdown: bool) -> types.Hover:
    """A hover result as an LSP hover in the client's preferred markup."""
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    return types.Hover(contents=types.MarkupContent(kind=kind, value=result.text),
                       range=to_range(doc, result.span) if result.span is not None else None)


_HIGHLIGHT_KINDS = {
    "read": types.DocumentHighlightKind.Read,
    "write": types.DocumentHighlightKind.Write,
    "text": types.DocumentHighlightKind.Text,
}


def highlight(doc: TextLines, span: Span, kind: str) -> types.DocumentHighlight:
    """One occurrence for document highlight."""
    return types.DocumentHighlight(range=to_range(doc, span),
                                   kind=_HIGHLIGHT_KINDS.get(str(kind).lower(),
                                                             types.DocumentHighlightKind.Text))


_SYMBOL_NAMES: dict[str, types.SymbolKind] = {
    "stage": types.SymbolKind.Module,
    "instruction": types.SymbolKind.Function,
    "arg": types.SymbolKind.Variable,
    "env": types.SymbolKind.Variable,
    "variable": types.SymbolKind.Variable,
    "label": types.SymbolKind.Property,
    "directive": types.SymbolKind.Key,
    "heredoc": types.SymbolKind.String,
    "comment": types.SymbolKind.String,
}


def symbol_kind(kind: object) -> types.SymbolKind:
    """Map the core's symbol kind (a name, or an LSP-numbered enum) to LSP's."""
    if isinstance(kind, int) and not isinstance(kind, bool):
        try:
            return types.SymbolKind(int(kind))
        except ValueError:
            return types.SymbolKind.Object
    name = _kind_name(kind)
    if name in _SYMBOL_NAMES:
        return _SYMBOL_NAMES[name]
    for member in types.SymbolKind:
        if member.name.lower() == name:
            return member
    return types.SymbolKind.Object


def document_symbol(doc: TextLines, symbol: Symbol) -> types.DocumentSymbol:
    """A core symbol (and its children) as a hierarchical document symbol."""
    rng = to_range(doc, symbol.span)
    selection = to_range(doc, symbol.selection_span)
    if not _range_contains(rng, selection):
        selection = types.Range(rng.start, rng.start)
    children = [document_symbol(doc, child) for child in symbol.children]
    return types.DocumentSymbol(
        name=symbol.name or "?",
        kind=symbol_kind(symbol.kind),
        range=rng,
        selection_range=selection,
        detail=symbol.detail or None,
        children=children or None,
    )


def _range_contains(outer: types.Range, inner: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)
    return key(outer.start) <= key(inner.start) and key(inner.end) <= key(outer.end)


_FOLDING_KINDS = {
    "comment": types.FoldingRangeKind.Comment,
    "imports": types.FoldingRangeKind.Imports,
    "region": types.FoldingRangeKind.Region,
}


def folding_range(folding: FoldingRange) -> types.FoldingRange:
    """A core folding range (whole lines) as an LSP folding range."""
    kind = None
    if folding.kind is not None:
        kind = _FOLDING_KINDS.get(_kind_name(folding.kind))
    return types.FoldingRange(start_line=folding.start_line, end_line=folding.end_line,
                              kind=kind)


# --------------------------------------------------------------------------- code actions

#: The kind of Layerwise's "fix all" action (VS Code's ``source.fixAll`` on save includes it).
FIX_ALL_KIND = "source.fixAll.layerwise"


def code_action_kind(kind: str) -> types.CodeActionKind | str:
    """A core action kind (``quickfix``, ``refactor.extract``...) as LSP's."""
    try:
        return types.CodeActionKind(kind)
    except ValueError:
        return kind


def code_action(title: str, kind: str, *, edit: types.WorkspaceEdit | None = None,
                diagnostics: Sequence[types.Diagnostic] = (), preferred: bool = False,
                data: Any = None) -> types.CodeAction:
    """A code action; without ``edit`` it is completed by ``codeAction/resolve``."""
    return types.CodeAction(title=title, kind=code_action_kind(kind),
                            diagnostics=list(diagnostics) or None,
                            is_preferred=True if preferred else None, edit=edit, data=data)
