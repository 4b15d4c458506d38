"""Definition, references, highlights and rename for stages and variables."""

from __future__ import annotations

import pytest

from layerwise.features.navigation import (
    RenameError,
    definition,
    highlights,
    prepare_rename,
    references,
    rename,
)
from layerwise.model.analysis import Analysis
from layerwise.syntax.span import Position, Span, TextEdit

from .helpers import doc

STAGES = """
    FROM golang:1.22 AS Build
    RUN go build -o /out/app .
    FROM build AS test
    RUN --mount=type=bind,from=build,target=/src go vet /src
    FROM alpine:3.20
    COPY --from=build /out/app /app
    COPY --from=0 /etc/ssl /etc/ssl
"""
AS_NAME = Span.of(0, 20, 0, 25)
FROM_REF = Span.of(2, 5, 2, 10)
MOUNT_REF = Span.of(3, 27, 3, 32)
COPY_REF = Span.of(5, 12, 5, 17)
INDEX_REF = Span.of(6, 12, 6, 13)

VARIABLES = """
    ARG VERSION=1.0
    FROM alpine:${VERSION} AS base
    ARG VERSION
    ENV APP=/opt/app-$VERSION
    RUN echo ${APP:-$VERSION} \\
        && ls $APP
    ENV APP=/srv
    RUN <<EOF
    cd $APP
    EOF
    FROM base
    RUN echo $APP
"""


def apply(analysis: Analysis, edits: list[TextEdit]) -> str:
    """The document text after applying single-line edits."""
    lines = analysis.dockerfile.text.split("\n")
    for edit in sorted(edits, key=lambda e: e.span.start, reverse=True):
        (line, start), (end_line, end) = edit.span
        assert line == end_line
        lines[line] = lines[line][:start] + edit.new_text + lines[line][end:]
    return "\n".join(lines)


@pytest.mark.parametrize("pos", [
    Position(0, 22), Position(2, 7), Position(3, 30), Position(5, 15), Position(6, 13),
], ids=["as", "from", "mount-from", "copy-from", "index"])
def test_stage_definition_from_every_reference(pos: Position) -> None:
    assert definition(doc(STAGES), pos) == [AS_NAME]


def test_stage_references_and_highlights() -> None:
    analysis = doc(STAGES)
    everything = [AS_NAME, FROM_REF, MOUNT_REF, COPY_REF, INDEX_REF]
    assert references(analysis, Position(5, 14), True) == everything
    assert references(analysis, Position(5, 14), False) == everything[1:]
    assert highlights(analysis, Position(0, 21)) == [
        (AS_NAME, "write"), (FROM_REF, "read"), (MOUNT_REF, "read"), (COPY_REF, "read"),
        (INDEX_REF, "read")]


def test_image_names_are_not_stage_references() -> None:
    analysis = doc(STAGES)
    assert references(analysis, Position(4, 7), True) == []
    assert definition(analysis, Position(4, 7)) == []


def test_unnamed_stage_definition_is_its_from() -> None:
    analysis = doc("FROM alpine\nFROM debian\nCOPY --from=0 /a /a\n")
    assert definition(analysis, Position(2, 12)) == [Span.of(0, 0, 0, 4)]


def test_rename_stage_renames_all_four_forms_but_not_indexes() -> None:
    analysis = doc(STAGES)
    assert prepare_rename(analysis, Position(3, 28)) == (MOUNT_REF, "build")
    assert prepare_rename(analysis, Position(0, 20)) == (AS_NAME, "Build")
    assert prepare_rename(analysis, INDEX_REF.start) is None
    edits = rename(analysis, Position(2, 6), "compile")
    assert edits == [TextEdit(s, "compile") for s in (AS_NAME, FROM_REF, MOUNT_REF, COPY_REF)]
    assert apply(analysis, edits).split("\n")[:6] == [
        "FROM golang:1.22 AS compile",
        "RUN go build -o /out/app .",
        "FROM compile AS test",
        "RUN --mount=type=bind,from=compile,target=/src go vet /src",
        "FROM alpine:3.20",
        "COPY --from=compile /out/app /app",
    ]


@pytest.mark.parametrize(("new_name", "message"), [
    ("9lives", ("'9lives' is not a valid stage name: it must start with a letter and contain "
                "only letters, digits, '-', '_' and '.'.")),
    ("my stage", ("'my stage' is not a valid stage name: it must start with a letter and "
                  "contain only letters, digits, '-', '_' and '.'.")),
    ("TEST", "A stage named 'test' already exists (line 3)."),
])
def test_rename_stage_refusals(new_name: str, message: str) -> None:
    with pytest.raises(RenameError) as caught:
        rename(doc(STAGES), AS_NAME.start, new_name)
    assert caught.value.message == message


def test_rename_stage_refuses_to_shadow_an_image() -> None:
    analysis = doc("""
        FROM golang AS build
        FROM alpine
        COPY --from=busybox /bin/busybox /bin/
    """)
    with pytest.raises(RenameError) as caught:
        rename(analysis, Position(0, 16), "busybox")
    assert caught.value.message == ("'busybox' is the image used on line 3; a stage of that "
                                    "name would replace it there.")


def test_rename_stage_refuses_references_through_variables() -> None:
    analysis = doc("""
        FROM golang AS build
        FROM alpine
        ARG SRC=build
        COPY --from=${SRC} /x /x
    """)
    assert references(analysis, Position(0, 16), True)[1] == Span.of(3, 12, 3, 18)
    with pytest.raises(RenameError) as caught:
        rename(analysis, Position(0, 16), "compile")
    assert caught.value.message == ("Line 4 names this stage through '${SRC}'; change that "
                                    "reference by hand first.")


def test_rename_stage_by_index_is_refused() -> None:
    with pytest.raises(RenameError) as caught:
        rename(doc(STAGES), INDEX_REF.start, "compile")
    assert caught.value.message == "'0' refers to the stage by index; rename it at its " \
        "'AS build'."


def test_stage_names_after_unicode_text() -> None:
    analysis = doc("""
        FROM golang AS build
        FROM alpine
        COPY --chown=用户 --from=build /a /b
        LABEL x="🎉" y="🎉"
        RUN --mount=type=bind,from=build,target=/🎉 ls
    """)
    assert references(analysis, Position(0, 16), False) == [
        Span.of(2, 23, 2, 28), Span.of(4, 27, 4, 32)]
    assert definition(analysis, Position(2, 25)) == [Span.of(0, 15, 0, 20)]


def test_mount_from_split_across_lines() -> None:
    analysis = doc("""
        FROM golang AS build
        FROM alpine
        RUN --mount=type=bind,\\
        from=build,target=/src ls
    """)
    assert references(analysis, Position(0, 16), False) == [Span.of(3, 5, 3, 10)]
    assert definition(analysis, Position(3, 7)) == [Span.of(0, 15, 0, 20)]
    assert rename(analysis, Position(3, 7), "compile") == [
        TextEdit(Span.of(0, 15, 0, 20), "compile"), TextEdit(Span.of(3, 5, 3, 10), "compile")]


APP_FIRST = [Span.of(3, 4, 3, 7), Span.of(4, 11, 4, 14), Span.of(5, 11, 5, 14)]
APP_SECOND = [Span.of(6, 4, 6, 7), Span.of(8, 4, 8, 7), Span.of(11, 10, 11, 13)]
VERSION_ALL = [Span.of(0, 4, 0, 11), Span.of(1, 14, 1, 21), Span.of(2, 4, 2, 11),
               Span.of(3, 18, 3, 25), Span.of(4, 17, 4, 24)]


def test_each_env_definition_has_its_own_references() -> None:
    analysis = doc(VARIABLES)
    assert references(analysis, Position(4, 12), True) == APP_FIRST
    assert references(analysis, Position(8, 5), True) == APP_SECOND
    assert definition(analysis, Position(11, 11)) == [Span.of(6, 4, 6, 7)]
    assert highlights(analysis, Position(6, 5)) == [
        (APP_SECOND[0], "write"), (APP_SECOND[1], "read"), (APP_SECOND[2], "read")]


def test_global_arg_and_its_redeclaration_are_one_family() -> None:
    analysis = doc(VARIABLES)
    for pos in (Position(0, 5), Position(1, 16), Position(2, 5), Position(4, 20)):
        assert references(analysis, pos, True) == VERSION_ALL
    assert references(analysis, Position(0, 5), False) == [VERSION_ALL[1], *VERSION_ALL[3:]]
    assert definition(analysis, Position(2, 6)) == [VERSION_ALL[0]]
    assert definition(analysis, Position(4, 18)) == [VERSION_ALL[2]]
    assert definition(analysis, Position(1, 15)) == [VERSION_ALL[0]]


def test_rename_variable() -> None:
    analysis = doc(VARIABLES)
    assert prepare_rename(analysis, Position(4, 12)) == (APP_FIRST[1], "APP")
    text = apply(analysis, rename(analysis, Position(4, 12), "HOME_DIR"))
    assert text.split("\n")[3:12] == [
        "ENV HOME_DIR=/opt/app-$VERSION",
        "RUN echo ${HOME_DIR:-$VERSION} \\",
        "    && ls $HOME_DIR",
        "ENV APP=/srv",
        "RUN <<EOF",
        "cd $APP",
        "EOF",
        "FROM base",
        "RUN echo $APP",
    ]
    edits = rename(analysis, Position(0, 5), "V")
    assert [e.span for e in edits] == VERSION_ALL


@pytest.mark.parametrize(("pos", "new_name", "message"), [
    (Position(3, 5), "1X", ("'1X' is not a valid variable name: use letters, digits and '_', "
                            "and do not start with a digit.")),
    (Position(3, 5), "TARGETOS", "'TARGETOS' is predefined by BuildKit; choose another name."),
    (Position(3, 5), "VERSION", "'VERSION' is already defined on line 3."),
    (Position(0, 5), "APP", "'APP' is already defined on line 4."),
], ids=["invalid", "predefined", "visible", "defined-later"])
def test_rename_variable_refusals(pos: Position, new_name: str, message: str) -> None:
    with pytest.raises(RenameError) as caught:
        rename(doc(VARIABLES), pos, new_name)
    assert caught.value.message == message


def test_predefined_and_unset_variables_cannot_be_renamed() -> None:
    analysis = doc("""
        FROM --platform=$BUILDPLATFORM alpine
        RUN echo $NOWHERE
    """)
    assert prepare_rename(analysis, Position(0, 20)) is None
    assert prepare_rename(analysis, Position(1, 12)) is None
    assert definition(analysis, Position(0, 20)) == []
    with pytest.raises(RenameError) as caught:
        rename(analysis, Position(0, 20), "PLATFORM")
    assert caught.value.message == "'BUILDPLATFORM' is predefined by BuildKit and cannot be " \
        "renamed."
    with pytest.raises(RenameError) as caught:
        rename(analysis, Position(1, 12), "SOMEWHERE")
    assert caught.value.message == "'NOWHERE' is not defined here, so there is nothing to " \
        "rename."


def test_nothing_to_navigate() -> None:
    analysis = doc(STAGES)
    for pos in (Position(1, 1), Position(40, 0), Position(-3, 2), Position(1, 99)):
        assert definition(analysis, pos) == []
        assert references(analysis, pos, True) == []
        assert highlights(analysis, pos) == []
        assert prepare_rename(analysis, pos) is None
    with pytest.raises(RenameError) as caught:
        rename(analysis, Position(1, 1), "x")
    assert caught.value.message == "There is no stage or variable name here."


def test_escaped_and_single_quoted_dollars_are_not_uses() -> None:
    analysis = doc("""
        FROM alpine
        ENV A=1
        RUN echo \\$A '$A' "$A"
    """)
    assert references(analysis, Position(1, 4), True) == [
        Span.of(1, 4, 1, 5), Span.of(2, 20, 2, 21)]
