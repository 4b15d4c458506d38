"""Code actions: quick fixes for findings, "Extract stage" refactorings, fix-all.

Quick fixes carry their edits. A fix that edits another file (adding patterns to the
``.dockerignore``) is planned on that file's current text (the open document's, else the
disk's) and offered only when the client can apply it: creating a missing file takes
``documentChanges`` with the ``create`` resource operation.

Refactorings and fix-all are costlier: they carry a ``data`` payload (uri, version, revision,
kind, range, title) and get their edit from ``codeAction/resolve``, or inline for clients that
cannot resolve. An action resolved after its document changed comes back without an edit: its
range no longer means the same text, and applying a plan computed for other text could break
the file.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path

from ...rules.base import Finding
from ...rules.run import run_rules
from ...syntax.span import Span, TextEdit
from .. import convert, offer, wire
from ..documents import Document

if TYPE_CHECKING:
    from ...features.actions.extract_stage import ExtractPlan
    from ...features.actions.quick_fixes import QuickFix
    from ..server import LayerwiseServer

logger = logging.getLogger(__name__)

QUICK_FIX = types.CodeActionKind.QuickFix.value
EXTRACT = types.CodeActionKind.RefactorExtract.value
FIX_ALL = convert.FIX_ALL_KIND
FIX_ALL_TITLE = "Fix all safely fixable problems (Layerwise)"


# --------------------------------------------------------------------------- requests


def text_document_code_action(
        ls: LayerwiseServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    """The actions for a range: quick fixes, then refactorings, then fix-all.

    Synchronous on purpose: the range means the text the client had when it asked, and no
    later change may be applied before the answer is computed.
    """
    from ...features.actions.fix_all import safe_edits

    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    only = params.context.only
    span = convert.from_range(doc, params.range)
    actions: list[types.CodeAction] = []
    if _wanted(QUICK_FIX, only):
        actions += _quick_fixes(ls, doc, span, params.context.diagnostics)
    if _wanted(EXTRACT, only):
        for plan in _plans(ls, doc, span):
            actions.append(_deferred(ls, doc, EXTRACT, plan.title, params.range))
    if _wanted(FIX_ALL, only) and _rules_on(ls, doc) and safe_edits(ls.documents.findings(doc)):
        actions.append(_deferred(ls, doc, FIX_ALL, FIX_ALL_TITLE, params.range))
    return actions or None


def code_action_resolve(ls: LayerwiseServer, action: types.CodeAction) -> types.CodeAction:
    """Compute the edit of a refactoring or of fix-all (none if the document changed since)."""
    data = action.data
    if action.edit is not None or not isinstance(data, dict):
        return action
    doc = ls.documents.get(str(data.get("uri")))
    if doc is None or data.get("version") != doc.version or data.get(
            "revision") != doc.revision:
        logger.info("code action %r: the document changed since it was offered; no edit",
                    action.title)
        return action
    rng = _range_of(data.get("range"))
    edits = _edits(ls, doc, str(data.get("kind")), str(data.get("title")), rng)
    if edits is not None:
        action.edit = convert.workspace_edit(doc, doc.version, edits,
                                             document_changes=ls.client.document_changes)
    return action


# --------------------------------------------------------------------------- quick fixes


def _quick_fixes(ls: LayerwiseServer, doc: Document, span: Span,
                 sent: Sequence[types.Diagnostic]) -> list[types.CodeAction]:
    """Quick fixes for the findings the client's diagnostics name, else those in ``span``.

    Each action names its diagnostic: the client's own object when it sent one.
    """
    from ...features.actions.quick_fixes import quick_fixes

    if not _rules_on(ls, doc):
        return []
    findings = ls.documents.findings(doc)
    ours = {(str(d.code), _key(d.range)): d for d in sent if d.source == wire.SOURCE}
    shown: dict[int, types.Diagnostic] = {}
    if ours:
        chosen: list[Finding] = []
        for finding in findings:
            match = ours.get((finding.rule_id, _key(convert.to_range(doc, finding.span))))
            if match is not None:
                chosen.append(finding)
                shown[id(finding)] = match
        if not chosen:
            return []
        findings = chosen
        span = Span(min(f.span.start for f in chosen), max(f.span.end for f in chosen))
    try:
        fixes = quick_fixes(ls.documents.analysis(doc), findings, span)
    except Exception:
        logger.exception("quick fixes failed on %s (version %s)", doc.uri, doc.version)
        return []
    actions = []
    for fix in fixes:
        edit = _fix_edit(ls, doc, fix)
        if edit is None:
            continue
        diagnostic = shown.get(id(fix.finding)) or ls.from_json(
            wire.diagnostic_json(doc, fix.finding), types.Diagnostic)
        actions.append(convert.code_action(fix.title, fix.kind, edit=edit,
                                           diagnostics=[diagnostic], preferred=fix.preferred))
    return actions


def _fix_edit(ls: LayerwiseServer, doc: Document, fix: QuickFix) -> types.WorkspaceEdit | None:
    """The edit of a quick fix; None when it edits other files the client cannot change, or
    that cannot be edited, or that already hold what it would add."""
    from ...features.actions.other_files import Uneditable, current_text

    if not fix.files:
        return convert.workspace_edit(doc, doc.version, fix.edits,
                                      document_changes=ls.client.document_changes)
    files = []
    for file_edit in fix.files:
        target = _open_document(ls, file_edit.path)
        new = False
        if target is None:
            try:
                text = current_text(file_edit.path)
            except Uneditable as exc:
                logger.info("code action %r: %s", fix.title, exc)
                return None
            new = text is None
            target = Document(from_fs_path(str(file_edit.path)) or file_edit.path.as_uri(),
                              None, text or "", ls.documents.codec)
        edits = file_edit.text_edits(target.text)
        if edits:
            files.append(convert.FileChange(target, target.version, edits, new))
    if not files and not fix.edits:
        return None
    return convert.multi_file_edit(doc, doc.version, fix.edits, files,
                                   document_changes=ls.client.document_changes,
                                   create_files=_creates_files(ls))


def _open_document(ls: LayerwiseServer, path: Path) -> Document | None:
    """The open document of a file, whatever spelling of its uri the client uses."""
    return next((d for d in ls.documents if d.path == path), None)


def _key(rng: types.Range) -> tuple[int, int, int, int]:
    return (rng.start.line, rng.start.character, rng.end.line, rng.end.character)


def _rules_on(ls: LayerwiseServer, doc: Document) -> bool:
    """Whether findings are shown (with diagnostics off, there is nothing to fix)."""
    return ls.documents.settings(doc).diagnostics.enable


# --------------------------------------------------------------------------- deferred actions


def _deferred(ls: LayerwiseServer, doc: Document, kind: str, title: str,
              rng: types.Range) -> types.CodeAction:
    """An action whose edit comes on resolve, or at once when the client cannot resolve."""
    if not _resolves(ls):
        edits = _edits(ls, doc, kind, title, rng)
        edit = None if edits is None else convert.workspace_edit(
            doc, doc.version, edits, document_changes=ls.client.document_changes)
        return convert.code_action(title, kind, edit=edit)
    data = {"uri": doc.uri, "version": doc.version, "revision": doc.revision, "kind": kind,
            "range": list(_key(rng)), "title": title}
    return convert.code_action(title, kind, data=data)


def _edits(ls: LayerwiseServer, doc: Document, kind: str, title: str,
           rng: types.Range | None) -> list[TextEdit] | None:
    """The core edits of a deferred action on the document's current text."""
    if kind == FIX_ALL:
        return _fix_all(ls, doc)
    if kind == EXTRACT and rng is not None:
        for plan in _plans(ls, doc, convert.from_range(doc, rng)):
            if plan.title == title:
                return list(plan.edits)
        logger.info("code action %r no longer applies to %s", title, doc.uri)
    return None


def _plans(ls: LayerwiseServer, doc: Document, span: Span) -> list[ExtractPlan]:
    """The extract refactorings that apply to ``span`` (the selection or the cursor's line)."""
    from ...features.actions.extract_stage import extract_parallel, extract_stage

    analysis = ls.documents.analysis(doc)
    plans = []
    for planner in (extract_stage, extract_parallel):
        try:
            plan = planner(analysis, span)
        except Exception:
            logger.exception("%s failed on %s (version %s)", planner.__name__, doc.uri,
                             doc.version)
            continue
        if plan is not None:
            plans.append(plan)
    return plans


def _fix_all(ls: LayerwiseServer, doc: Document) -> list[TextEdit] | None:
    """Every safe fix, to a fixpoint, as one edit over the changed lines."""
    from ...features.actions.fix_all import fix_text

    if not _rules_on(ls, doc):
        return None
    settings = ls.documents.settings(doc)
    selection = settings.rule_selection()

    def findings_of(text: str) -> list[Finding]:
        if text == doc.text:
            return ls.documents.findings(doc)
        draft = Document(doc.uri, doc.version, text, doc.codec, doc.language_id)
        # The store is the one place that analyses; a draft is never cached.
        analysis = ls.documents._analyze(draft, settings)
        return run_rules(analysis, selection)

    try:
        fixed = fix_text(doc.text, findings_of)
    except Exception:
        logger.exception("fix-all failed on %s (version %s)", doc.uri, doc.version)
        return None
    edit = convert.replacement(doc.text, fixed)
    return [edit] if edit is not None else []


# --------------------------------------------------------------------------- helpers


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether ``context.only`` asks for ``kind`` (a kind includes its sub-kinds)."""
    if only is None:
        return True
    return any(not want or kind == want or kind.startswith(f"{want}.")
               for want in map(str, only))


def _resolves(ls: LayerwiseServer) -> bool:
    """Whether the client keeps ``data`` and resolves an action's ``edit`` lazily."""
    caps = ls.client_capabilities.text_document
    actions = caps.code_action if caps is not None else None
    if actions is None or not actions.data_support or actions.resolve_support is None:
        return False
    return "edit" in actions.resolve_support.properties


def _creates_files(ls: LayerwiseServer) -> bool:
    """Whether the client applies ``CreateFile`` operations in a workspace edit."""
    workspace = ls.client_capabilities.workspace
    edits = workspace.workspace_edit if workspace is not None else None
    operations = edits.resource_operations if edits is not None else None
    return types.ResourceOperationKind.Create in (operations or ())


def _range_of(value: Any) -> types.Range | None:
    """The range kept in an action's ``data``."""
    if (isinstance(value, list) and len(value) == 4
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)):
        return types.Range(types.Position(value[0], value[1]),
                           types.Position(value[2], value[3]))
    return None


def register(server: LayerwiseServer) -> None:
    """Register code actions and their resolution."""
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=list(offer.CODE_ACTION_KINDS), resolve_provider=True))(text_document_code_action)
    server.feature(types.CODE_ACTION_RESOLVE)(code_action_resolve)
