"""Code actions end to end: ask for actions, resolve, apply the edit as the client would, send
it back with didChange and check the new diagnostics (both client profiles).

The ``vscode`` profile resolves edits, speaks UTF-16 and wants versioned ``documentChanges``;
the ``neovim`` profile resolves, negotiates UTF-8 and wants ``changes``; ``noresolve`` gets
every edit inline.
"""

from __future__ import annotations

import codecs
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import dockerfile
import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from layerwise.lsp import convert
from layerwise.model.analysis import analyze

from .helpers import (
    SERVER_COMMAND,
    RecordingClient,
    Workspace,
    apply_text_edits,
    capabilities,
    change_document,
    close_document,
    diagnostics,
    doc_id,
    make_client,
    open_document,
    pos,
    send_edits,
    units,
    workspace_edits,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

FIX_ALL = "source.fixAll.layerwise"


@dataclass
class Doc:
    """An open document as the client sees it."""

    uri: str
    text: str
    version: int = 1


async def open_doc(client: RecordingClient, text: str) -> Doc:
    """Open ``text`` and wait until the server has analysed it."""
    doc = Doc(open_document(client, text), text)
    await diagnostics(client, doc.uri, doc.version)
    return doc


async def lw(client: RecordingClient, doc: Doc, prefix: str = "LW") -> list[types.Diagnostic]:
    """The document's current diagnostics whose code starts with ``prefix``."""
    return await diagnostics(client, doc.uri, doc.version, prefix)


def lines(client: RecordingClient, doc: Doc, first: int, last: int) -> types.Range:
    """Whole lines ``first..last`` selected, as editors send a line selection."""
    return types.Range(pos(first, 0), pos(last + 1, 0))


def at(client: RecordingClient, doc: Doc, line: int, needle: str) -> types.Range:
    """The range of ``needle`` on a line, in the client's units."""
    text = doc.text.split("\n")[line]
    start = text.index(needle)
    return types.Range(pos(line, units(client, text[:start])),
                       pos(line, units(client, text[:start + len(needle)])))


def overlapping(items: list[types.Diagnostic], rng: types.Range) -> list[types.Diagnostic]:
    """The diagnostics an editor sends in ``context.diagnostics`` for ``rng``."""
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)
    return [d for d in items
            if key(d.range.start) <= key(rng.end) and key(rng.start) <= key(d.range.end)]


async def actions(client: RecordingClient, doc: Doc, rng: types.Range, *,
                  only: list[str] | None = None, send_diagnostics: bool = True
                  ) -> list[types.CodeAction]:
    """The code actions for ``rng``; with the overlapping diagnostics in the context, as
    editors do, unless ``send_diagnostics`` is false."""
    sent = overlapping(await lw(client, doc), rng) if send_diagnostics else []
    found = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc_id(doc.uri), range=rng,
        context=types.CodeActionContext(diagnostics=sent, only=only)))
    assert all(isinstance(a, types.CodeAction) for a in found or [])
    return list(found or [])  # type: ignore[arg-type]


def titled(found: list[types.CodeAction], prefix: str) -> types.CodeAction:
    """The action whose title starts with ``prefix``."""
    matches = [a for a in found if a.title.startswith(prefix)]
    assert len(matches) == 1, [a.title for a in found]
    return matches[0]


async def resolve(client: RecordingClient, action: types.CodeAction) -> types.CodeAction:
    """The action with its edit: resolved when it comes without one, as editors do."""
    if action.edit is not None:
        return action
    assert client.profile != "noresolve", "a client without resolve support got no edit"
    assert action.data is not None
    return await client.code_action_resolve_async(action)


async def apply(client: RecordingClient, doc: Doc, action: types.CodeAction) -> Doc:
    """Resolve and apply an action, send the change, wait for its diagnostics."""
    resolved = await resolve(client, action)
    assert resolved.edit is not None, f"{action.title!r} has no edit"
    edits = workspace_edits(client, doc.uri, doc.version, resolved.edit)
    text, ordered = apply_text_edits(client, doc.text, edits)
    new = Doc(doc.uri, text, doc.version + 1)
    send_edits(client, doc.uri, new.version, ordered)
    await lw(client, new)
    return new


def codes(items: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in items]


# --------------------------------------------------------------------------- capabilities


async def test_server_advertises_code_actions(client: RecordingClient) -> None:
    assert client.init_result is not None
    provider = client.init_result.capabilities.code_action_provider
    assert isinstance(provider, types.CodeActionOptions)
    assert provider.resolve_provider is True
    assert set(map(str, provider.code_action_kinds or ())) == {
        "quickfix", "refactor.extract", FIX_ALL}


# --------------------------------------------------------------------------- quick fixes

TYPO = "FROM alpine:3.20\n  RUNN echo hi\nCMD [\"sh\"]\n"


async def test_change_to_run_is_preferred_and_fixes_the_finding(client: RecordingClient) -> None:
    doc = await open_doc(client, TYPO)
    rng = at(client, doc, 1, "RUNN")
    found = await actions(client, doc, rng)
    assert [a.title for a in found] == ["Change to RUN", "Ignore LW002 for this instruction",
                                        "Ignore LW002 in this file",
                                        "Fix all safely fixable problems (Layerwise)"]
    fix = found[0]
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert not found[1].is_preferred and not found[2].is_preferred
    sent = overlapping(await lw(client, doc), rng)
    assert list(fix.diagnostics or ()) == sent and codes(sent) == ["LW002"]  # the client's own objects
    assert fix.edit is not None and fix.data is None  # quick fixes carry their edit
    after = await apply(client, doc, fix)
    assert after.text == TYPO.replace("RUNN", "RUN")
    assert "LW002" not in codes(await lw(client, after))


@pytest.mark.parametrize(("title", "expected"), [
    ("Ignore LW002 for this instruction",
     "FROM alpine:3.20\n  # layerwise: ignore=LW002\n  RUNN echo hi\nCMD [\"sh\"]\n"),
    ("Ignore LW002 in this file",
     "# layerwise: ignore-file=LW002\nFROM alpine:3.20\n  RUNN echo hi\nCMD [\"sh\"]\n"),
])
async def test_ignore_actions_silence_the_finding(client: RecordingClient, title: str,
                                                  expected: str) -> None:
    doc = await open_doc(client, TYPO)
    assert "LW002" in codes(await lw(client, doc))
    after = await apply(client, doc, titled(await actions(client, doc, pos_range(1, 4)), title))
    assert after.text == expected  # the indentation is kept
    assert "LW002" not in codes(await lw(client, after))


def pos_range(line: int, character: int) -> types.Range:
    """A cursor."""
    return types.Range(pos(line, character), pos(line, character))


async def test_quick_fixes_from_cached_findings_without_client_diagnostics(
        client: RecordingClient) -> None:
    doc = await open_doc(client, TYPO)
    found = await actions(client, doc, pos_range(1, 3), send_diagnostics=False)
    assert found[0].title == "Change to RUN" and found[0].is_preferred
    [diagnostic] = found[0].diagnostics or []
    assert diagnostic.code == "LW002" and diagnostic.source == "layerwise"
    assert diagnostic.range == at(client, doc, 1, "RUNN")


async def test_client_diagnostics_pick_the_findings(client: RecordingClient) -> None:
    doc = await open_doc(client, TYPO)
    # The client says nothing of LW002 there (say, it is stale): no fix for what it does not show.
    other = types.Diagnostic(range=at(client, doc, 1, "RUNN"), message="x", code="LW999",
                             source="layerwise")
    found = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc_id(doc.uri), range=pos_range(1, 3),
        context=types.CodeActionContext(diagnostics=[other], only=["quickfix"])))
    assert not found


# --------------------------------------------------------------------------- context.only

MIXED = textwrap.dedent("""\
    FROM alpine/git AS sources
    RUNN git clone https://example.com/zero.git /src/zero
    RUN git clone https://example.com/one.git /src/one
    RUN git clone https://example.com/two.git /src/two
    CMD ['sh']
    """)


@pytest.mark.parametrize(("only", "kinds"), [
    (["quickfix"], {"quickfix"}),
    (["refactor"], {"refactor.extract"}),
    (["refactor.extract"], {"refactor.extract"}),
    (["source"], {FIX_ALL}),
    (["source.fixAll"], {FIX_ALL}),
    (["quickfix", "source.fixAll"], {"quickfix", FIX_ALL}),
    (None, {"quickfix", "refactor.extract", FIX_ALL}),
])
async def test_context_only_filters_kinds(client: RecordingClient, only: list[str] | None,
                                          kinds: set[str]) -> None:
    doc = await open_doc(client, MIXED)
    found = await actions(client, doc, types.Range(pos(1, 0), pos(4, 0)), only=only)
    assert {str(a.kind) for a in found} == kinds


# --------------------------------------------------------------------------- the three patterns

CLONES = textwrap.dedent("""\
    FROM alpine/git AS sources
    RUN git clone https://example.com/one.git /src/one
    RUN git clone https://example.com/two.git /src/two

    FROM alpine:3.20
    COPY --from=sources /src /src
    """)


async def test_parallel_clones_from_a_shared_base(client: RecordingClient) -> None:
    doc = await open_doc(client, CLONES)
    found = await actions(client, doc, lines(client, doc, 1, 2))
    parallel = titled(found, "Extract 2 stages that build in parallel")
    assert parallel.title == "Extract 2 stages that build in parallel (fetch-one, fetch-two)"
    assert parallel.kind == types.CodeActionKind.RefactorExtract
    titled(found, "Extract stage from lines 2-3")
    if client.profile != "noresolve":
        assert parallel.edit is None and isinstance(parallel.data, dict)  # computed on resolve
    after = await apply(client, doc, parallel)
    dockerfile.parse_string(after.text)
    assert not codes(await lw(client, after, "LW0")) and not codes(await lw(client, after, "LW1"))
    analysis = analyze(after.text)
    names = {s.name: s.index for s in analysis.stages}
    assert set(analysis.graph.waves[0]) == {names["fetch-one"], names["fetch-two"]}
    # The hover of the stage the clones came from shows them in one wave.
    line = after.text.split("\n").index("FROM alpine/git AS sources")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=doc_id(doc.uri), position=pos(line, len("FROM alpine/git AS s"))))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "1. fetch-one, fetch-two" in hover.contents.value.replace("`", "")


DOWNLOAD = textwrap.dedent("""\
    FROM debian:12 AS app
    RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
    RUN curl -fsSL https://example.com/x.tgz -o /tmp/x.tgz && tar -xzf /tmp/x.tgz -C /opt
    RUN rm /tmp/x.tgz
    COPY . /app
    """)


async def test_download_and_unpack_moves_to_a_builder_stage(client: RecordingClient) -> None:
    doc = await open_doc(client, DOWNLOAD)
    size_before = codes(await lw(client, doc, "LW2"))
    assert size_before, "the download leaves files behind in layers"
    extract = titled(await actions(client, doc, lines(client, doc, 1, 3)), "Extract stage")
    assert extract.title == "Extract stage from lines 2-4"
    after = await apply(client, doc, extract)
    assert "FROM debian:12 AS fetch-x\n" in after.text
    assert "FROM debian:12 AS app\nCOPY --from=fetch-x /opt /opt\nCOPY . /app\n" in after.text
    dockerfile.parse_string(after.text)
    assert not codes(await lw(client, after, "LW0")) and not codes(await lw(client, after, "LW1"))
    assert len(codes(await lw(client, after, "LW2"))) < len(size_before)


SSH_KEY = textwrap.dedent("""\
    FROM alpine:3.20 AS app
    RUN apk add --no-cache git openssh-client
    COPY id_rsa /root/.ssh/id_rsa
    RUN git clone git@github.com:acme/app.git /src
    CMD ["/src/run"]
    """)


async def test_ssh_key_becomes_an_ssh_mount_in_a_throwaway_stage(
        client: RecordingClient) -> None:
    doc = await open_doc(client, SSH_KEY)
    assert codes(await lw(client, doc, "LW3")) == ["LW305"]
    found = await actions(client, doc, at(client, doc, 2, "id_rsa"))
    mount = titled(found, "Use an SSH mount instead of copying the key")
    assert not mount.is_preferred  # it changes how the image is built: review it
    after = await apply(client, doc, mount)
    assert "RUN --mount=type=ssh git clone git@github.com:acme/app.git /src\n" in after.text
    assert "id_rsa" not in after.text
    assert not codes(await lw(client, after, "LW3"))
    # Then build the clone in a stage of its own: only /src reaches the image.
    line = after.text.split("\n").index(
        "RUN --mount=type=ssh git clone git@github.com:acme/app.git /src")
    extract = titled(await actions(client, after, pos_range(line, 5)), "Extract stage")
    final = await apply(client, after, extract)
    assert textwrap.dedent("""\
        FROM app-base AS fetch-src
        RUN --mount=type=ssh git clone git@github.com:acme/app.git /src

        FROM app-base AS app
        COPY --from=fetch-src /src /src
        CMD ["/src/run"]
        """) in final.text
    dockerfile.parse_string(final.text)
    assert not codes(await lw(client, final, "LW3"))
    assert not codes(await lw(client, final, "LW0")) and not codes(await lw(client, final, "LW1"))


SSH_KEY_REMOVED = textwrap.dedent("""\
    FROM alpine:3.20 AS app
    RUN apk add --no-cache git openssh-client
    COPY id_rsa /root/.ssh/id_rsa
    RUN git clone git@github.com:acme/app.git /src
    RUN rm /root/.ssh/id_rsa
    CMD ["/src/run"]
    """)


async def test_removed_ssh_key_leaves_the_final_stage_once_extracted(
        client: RecordingClient) -> None:
    doc = await open_doc(client, SSH_KEY_REMOVED)
    assert "LW307" in codes(await lw(client, doc, "LW3"))
    found = await actions(client, doc, lines(client, doc, 2, 4))
    # Every quick fix offered applies as LSP requires (no overlapping edits).
    for action in found:
        if action.kind == types.CodeActionKind.QuickFix:
            edit = (await resolve(client, action)).edit
            assert edit is not None
            apply_text_edits(client, doc.text,
                             workspace_edits(client, doc.uri, doc.version, edit))
    after = await apply(client, doc, titled(found, "Extract stage"))
    dockerfile.parse_string(after.text)
    final_from = after.text.split("\n").index("FROM app-base AS app")
    final = after.text[after.text.index("FROM app-base AS app"):]
    assert "id_rsa" not in final and "COPY --from=fetch-src /src /src\n" in final
    # What is left of the secret rules is in the throw-away stage, not in the final image.
    assert all(d.range.start.line < final_from for d in await lw(client, after, "LW3"))


# --------------------------------------------------------------------------- fix-all

# 😀 and 中 come before every edit on line 1: 2 UTF-16 units and 4 UTF-8 bytes, 1 and 3.
MESSY = textwrap.dedent("""\
    FROM debian:12
    RUN echo "😀 中" && apt-get update && apt-get install -y curl
    RUNN echo "中 😀"
    CMD ['app']
    """)


async def test_fix_all_applies_every_safe_fix_once(client: RecordingClient) -> None:
    doc = await open_doc(client, MESSY)
    [fix_all] = await actions(client, doc, pos_range(0, 0), only=["source.fixAll"])
    assert fix_all.kind == FIX_ALL and not fix_all.diagnostics
    resolved = await resolve(client, fix_all)
    assert resolved.edit is not None
    assert len(workspace_edits(client, doc.uri, doc.version, resolved.edit)) == 1  # one edit
    after = await apply(client, doc, fix_all)
    assert after.text == textwrap.dedent("""\
        FROM debian:12
        RUN echo "😀 中" && apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
        RUN echo "中 😀"
        CMD ["app"]
        """)
    assert not {"LW002", "LW007", "LW204"} & set(codes(await lw(client, after)))
    # Twice: nothing left to do, so nothing is offered (or it would change nothing).
    again = await actions(client, after, pos_range(0, 0), only=["source.fixAll"])
    for action in again:
        edit = (await resolve(client, action)).edit
        assert edit is not None
        text, _ = apply_text_edits(client, after.text,
                                   workspace_edits(client, doc.uri, after.version, edit))
        assert text == after.text


async def test_unsafe_fix_after_an_emoji(client: RecordingClient) -> None:
    doc = await open_doc(client, MESSY)
    fix = titled(await actions(client, doc, at(client, doc, 1, "apt-get install")),
                 "Add --no-install-recommends")
    assert not fix.is_preferred
    after = await apply(client, doc, fix)
    assert after.text.split("\n")[1] == (
        'RUN echo "😀 中" && apt-get update && apt-get install --no-install-recommends -y curl')
    assert "LW205" not in codes(await lw(client, after))


# --------------------------------------------------------------------------- resolve


async def test_resolve_after_the_document_changed_gives_no_edit(client: RecordingClient) -> None:
    doc = await open_doc(client, CLONES)
    extract = titled(await actions(client, doc, lines(client, doc, 1, 2)), "Extract 2 stages")
    assert extract.edit is None and isinstance(extract.data, dict)
    assert extract.data["version"] == doc.version
    # The user types a line above the selection before picking the action.
    change_document(client, doc.uri, 2, (0, 0), (0, 0), "# sources\n")
    moved = Doc(doc.uri, "# sources\n" + doc.text, 2)
    await lw(client, moved)
    stale = await client.code_action_resolve_async(extract)
    assert stale.edit is None and stale.title == extract.title
    # Asked again, the action is computed for the new version and applies there.
    fresh = titled(await actions(client, moved, lines(client, moved, 2, 3)), "Extract 2 stages")
    after = await apply(client, moved, fresh)
    assert after.text.startswith("# sources\nFROM alpine/git AS fetch-one\n")
    dockerfile.parse_string(after.text)


async def test_resolve_keeps_an_action_it_does_not_know(client: RecordingClient) -> None:
    action = types.CodeAction(title="Not ours", kind=types.CodeActionKind.QuickFix,
                              data={"something": "else"})
    assert await client.code_action_resolve_async(action) == action


async def test_no_actions_on_a_document_that_is_not_open(client: RecordingClient) -> None:
    assert client.workspace is not None
    found = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc_id(client.workspace.new_uri()), range=pos_range(0, 0),
        context=types.CodeActionContext(diagnostics=[])))
    assert not found


@pytest.mark.asyncio(loop_scope="function")
@pytest.mark.parametrize("fresh_client", ["noresolve"], indirect=True)
async def test_clients_without_resolve_get_edits_inline(fresh_client: RecordingClient) -> None:
    client = fresh_client
    doc = await open_doc(client, MIXED)
    found = await actions(client, doc, lines(client, doc, 2, 3))
    kinds = {str(a.kind) for a in found}
    assert {"refactor.extract", FIX_ALL} <= kinds
    for action in found:
        assert action.edit is not None and action.data is None, action.title
    after = await apply(client, doc, titled(found, "Extract 2 stages that build in parallel"))
    dockerfile.parse_string(after.text)
    assert re.search(r"^FROM sources-base AS fetch-one$", after.text, re.MULTILINE)


@pytest.mark.asyncio(loop_scope="function")
@pytest.mark.initialization_options({"layerwise": {"diagnostics": {"enable": False}}})
async def test_no_fixes_for_findings_that_are_not_shown(fresh_client: RecordingClient) -> None:
    client = fresh_client
    doc = await open_doc(client, MIXED)
    assert not await lw(client, doc)
    found = await actions(client, doc, lines(client, doc, 1, 3))
    assert {str(a.kind) for a in found} == {"refactor.extract"}


# --------------------------------------------------------------------------- the fix-all edit


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("a\nb\nc\n", "a\nB\nc\n", ((1, 0), (2, 0), "B\n")),
    ("a\r\nb\r\nc", "a\r\nb\r\nC", ((2, 0), (2, 1), "C")),  # up to the end, no final break
    ("a\rb\rc\r", "a\rb\rc\rd\r", ((3, 0), (3, 0), "d\r")),  # CR alone ends a line too
    ("x😀 = 1\n", "x😀 = 2\n", ((0, 0), (1, 0), "x😀 = 2\n")),  # whole lines
    ("a\r\nb\n", "a\nb\n", ((0, 0), (1, 0), "a\n")),  # never splits a CR LF
    ("same\n", "same\n", None),
])
async def test_replacement_covers_the_changed_lines(
        old: str, new: str, expected: tuple[tuple[int, int], tuple[int, int], str] | None
) -> None:
    edit = convert.replacement(old, new)
    if expected is None:
        assert edit is None
        return
    assert edit is not None
    assert (tuple(edit.span.start), tuple(edit.span.end), edit.new_text) == expected
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", old)]
    start = starts[edit.span.start.line] + edit.span.start.col
    end = starts[edit.span.end.line] + edit.span.end.col
    assert old[:start] + edit.new_text + old[end:] == new


# --------------------------------------------------------------------------- other files

COPY_ALL = 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "index.js"]\n'
IGNORE_LINES = [".git", ".env*", "*.pem", "*.key", "id_*", ".npmrc", ".aws", "*.tfvars",
                "kubeconfig"]


async def open_on_disk(client: RecordingClient, text: str,
                       files: dict[str, str] | None = None) -> tuple[Doc, Path]:
    """Write a Dockerfile (and other files of its context) to disk, open it; return the
    document and its folder (the build context)."""
    assert client.workspace is not None
    uri = client.workspace.new_uri()
    path = Path(url2pathname(urlparse(uri).path))
    path.write_text(text)
    for name, content in (files or {}).items():
        (path.parent / name).write_text(content)
    return await open_doc_at(client, text, uri), path.parent


async def open_doc_at(client: RecordingClient, text: str, uri: str) -> Doc:
    """Open ``text`` at ``uri`` and wait until the server has analysed it."""
    doc = Doc(open_document(client, text, uri), text)
    await diagnostics(client, doc.uri, doc.version)
    return doc


async def ignore_action(client: RecordingClient, doc: Doc) -> types.CodeAction | None:
    """The action that edits the ignore file, if one is offered on the COPY."""
    found = await actions(client, doc, at(client, doc, 2, "COPY . ."), only=["quickfix"])
    matches = [a for a in found
               if ".dockerignore" in a.title and not a.title.startswith("Ignore ")]
    assert len(matches) <= 1, [a.title for a in found]
    return matches[0] if matches else None


def versioned(client: RecordingClient) -> bool:
    """Whether the client's profile takes ``documentChanges``."""
    caps = client.capabilities
    return bool(caps and caps.workspace and caps.workspace.workspace_edit
                and caps.workspace.workspace_edit.document_changes)


def edits_of(edit: types.WorkspaceEdit, uri: str, version: int | None) -> list[types.TextEdit]:
    """The text edits of ``uri`` in a ``documentChanges`` edit, checking their version."""
    found: list[types.TextEdit] = []
    for change in edit.document_changes or ():
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            assert change.text_document.version == version
            found.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    return found


async def test_creating_the_missing_ignore_file(client: RecordingClient) -> None:
    doc, folder = await open_on_disk(client, COPY_ALL, {"package.json": "{}"})
    assert "LW306" in codes(await lw(client, doc, "LW3"))
    action = await ignore_action(client, doc)
    if not versioned(client):  # a new file needs documentChanges and the create operation
        assert action is None
        return
    assert action is not None and action.edit is not None
    assert action.title == f"Create .dockerignore with {', '.join(IGNORE_LINES)}"
    assert not action.is_preferred and action.kind == types.CodeActionKind.QuickFix
    ignore_uri = (folder / ".dockerignore").as_uri()
    create, document = action.edit.document_changes or []
    assert create == types.CreateFile(
        uri=ignore_uri, options=types.CreateFileOptions(ignore_if_exists=True))
    assert isinstance(document, types.TextDocumentEdit)
    assert document.text_document == types.OptionalVersionedTextDocumentIdentifier(
        uri=ignore_uri, version=None)  # not open: no version
    [edit] = document.edits
    assert edit == types.TextEdit(range=types.Range(pos(0, 0), pos(0, 0)),
                                  new_text="".join(f"{line}\n" for line in IGNORE_LINES))
    # Applied as the client would: the file exists, and asking again offers nothing to add.
    (folder / ".dockerignore").write_text(edit.new_text)
    assert await ignore_action(client, doc) is None


async def test_appending_to_an_ignore_file_without_a_final_line_break(
        client: RecordingClient) -> None:
    doc, folder = await open_on_disk(client, COPY_ALL, {".dockerignore": "node_modules\n.git"})
    action = await ignore_action(client, doc)
    assert action is not None and action.edit is not None
    wanted = IGNORE_LINES[1:]  # .git is there already
    assert action.title == f"Add {', '.join(wanted)} to .dockerignore"
    ignore_uri = (folder / ".dockerignore").as_uri()
    if versioned(client):
        assert not any(isinstance(c, types.CreateFile) for c in action.edit.document_changes or ())
        edits = edits_of(action.edit, ignore_uri, None)
    else:
        assert action.edit.changes is not None and set(action.edit.changes) == {ignore_uri}
        edits = list(action.edit.changes[ignore_uri])
    text, _ = apply_text_edits(client, "node_modules\n.git", edits)
    assert text == "node_modules\n.git\n" + "".join(f"{line}\n" for line in wanted)


async def test_an_open_ignore_file_is_edited_as_the_editor_has_it(
        client: RecordingClient) -> None:
    doc, folder = await open_on_disk(client, COPY_ALL, {".dockerignore": "node_modules\n"})
    # The user has the ignore file open with unsaved changes; the last line, without a line
    # break, has 😀 (2 UTF-16 units, 4 UTF-8 bytes) before where the patterns go.
    unsaved = "node_modules\n*.pem\n*.key\n# 😀 keys"
    ignore = await open_doc_at(client, unsaved, (folder / ".dockerignore").as_uri())
    action = await ignore_action(client, doc)
    assert action is not None and action.edit is not None
    wanted = [line for line in IGNORE_LINES if line not in ("*.pem", "*.key")]
    if versioned(client):
        edits = edits_of(action.edit, ignore.uri, ignore.version)
    else:
        assert action.edit.changes is not None
        edits = list(action.edit.changes[ignore.uri])
    text, _ = apply_text_edits(client, unsaved, edits)
    assert text == unsaved + "\n" + "".join(f"{line}\n" for line in wanted)
    close_document(client, ignore.uri)


async def test_no_action_on_an_ignore_file_that_is_not_utf8(client: RecordingClient) -> None:
    doc, folder = await open_on_disk(client, COPY_ALL)
    (folder / ".dockerignore").write_bytes(codecs.BOM_UTF16_LE + "x\n".encode("utf-16-le"))
    assert await ignore_action(client, doc) is None  # appending UTF-8 would corrupt it


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND,
                                              client_factory=make_client))
async def no_create_client(lsp_client: RecordingClient, workspace: Workspace):
    """VS Code's capabilities without resource operations: it cannot create files."""
    caps = capabilities("vscode")
    assert caps.workspace is not None and caps.workspace.workspace_edit is not None
    caps.workspace.workspace_edit.resource_operations = None
    lsp_client.profile = "vscode"
    lsp_client.workspace = workspace
    lsp_client.init_result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=caps, root_uri=workspace.uri,
        workspace_folders=[types.WorkspaceFolder(uri=workspace.uri, name="workspace")]))
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio(loop_scope="function")
async def test_no_action_for_a_missing_file_the_client_cannot_create(
        no_create_client: RecordingClient) -> None:
    client = no_create_client
    doc, folder = await open_on_disk(client, COPY_ALL)
    assert "LW306" in codes(await lw(client, doc, "LW3"))
    assert await ignore_action(client, doc) is None
    # An existing file needs no resource operation: the action is back.
    (folder / ".dockerignore").write_text("node_modules\n")
    action = await ignore_action(client, doc)
    assert action is not None and action.edit is not None
    assert edits_of(action.edit, (folder / ".dockerignore").as_uri(), None)


async def test_fix_all_leaves_the_ignore_file_alone(client: RecordingClient) -> None:
    doc, _ = await open_on_disk(client, COPY_ALL)
    assert "LW306" in codes(await lw(client, doc, "LW3"))
    assert not await actions(client, doc, pos_range(0, 0), only=["source.fixAll"])
