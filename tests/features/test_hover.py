"""Hover: the stage graph, instruction and flag docs, variable values."""

from __future__ import annotations

import textwrap

import pytest

from layerwise.features.hover import HoverResult, hover
from layerwise.syntax.span import Position, Span

from .helpers import at, doc

BUILD = """
    FROM debian:12 AS base
    FROM base AS deps
    RUN --mount=type=cache,target=/root/.cache make deps
    FROM base AS assets
    FROM deps AS build
    COPY --from=assets /out /app/static
    FROM build AS app
"""

BUILD_HOVER = textwrap.dedent("""\
    **Stage** `build` (index 3, line 5)

    - base: stage `deps`
    - needs: `deps` (FROM, line 5); `assets` (COPY --from, line 6)
    - needed by: `app` (FROM, line 7)
    - its layers are part of the target `app`'s image

    **Build waves** (stages in a wave build in parallel):
    1. `base`
    2. `deps`, `assets`
    3. `build`
    4. `app`

    **Critical path**: `base` → `deps` → `build` → `app`

    ```text
    ┌──────┐
    │ base │
    └─┬────┘
      ├───────────┐
      ▼           ▼
    ┌──────┐    ┌────────┐
    │ deps │    │ assets │
    └─┬────┘    └─┬──────┘
      ├───────────┘
      ▼
    ╔═══════╗
    ║ build ║
    ╚═╤═════╝
      ▼
    ┌─────┐
    │ app │
    └─────┘
    ```""")


def show(source: str, *, markdown: bool = True) -> HoverResult:
    """The hover at the cursor, which must exist."""
    analysis, pos = at(source)
    found = hover(analysis, pos, markdown=markdown)
    assert found is not None
    return found


def test_stage_graph_on_the_stage_name() -> None:
    analysis = doc(BUILD)
    found = hover(analysis, Position(4, 15))
    assert found == HoverResult(BUILD_HOVER, Span.of(4, 13, 4, 18))


@pytest.mark.parametrize(("pos", "span"), [
    (Position(6, 6), Span.of(6, 5, 6, 10)),
    (Position(4, 13), Span.of(4, 13, 4, 18)),
], ids=["from-stage", "as-name-start"])
def test_every_stage_reference_shows_the_same_graph(pos: Position, span: Span) -> None:
    found = hover(doc(BUILD), pos)
    assert found == HoverResult(BUILD_HOVER, span)


def test_copy_from_and_mount_from_values_show_the_graph() -> None:
    analysis = doc(BUILD + "    RUN --mount=type=bind,from=assets,target=/a ls /a\n")
    copy = hover(analysis, Position(5, 14))
    mount = hover(analysis, Position(7, 29))
    assert copy is not None and copy.span == Span.of(5, 12, 5, 18)
    assert copy.text.startswith("**Stage** `assets` (index 2, line 4)")
    assert "- needed by: `build` (COPY --from, line 6); `app` (RUN --mount=from, line 8)" \
        in copy.text
    assert mount is not None and mount.span == Span.of(7, 27, 7, 33)
    assert mount.text == copy.text


def test_plain_text_graph_has_no_markdown() -> None:
    found = hover(doc(BUILD), Position(4, 15), markdown=False)
    assert found is not None
    assert found.text.startswith("Stage build (index 3, line 5)\n\n- base: stage deps\n")
    assert "**" not in found.text and "`" not in found.text
    assert "    ╔═══════╗\n    ║ build ║\n" in found.text


def test_skipped_stages_and_cycles_are_reported() -> None:
    found = show("""
        FROM alpine AS lint‸
        FROM alpine AS app
    """)
    assert "- the target `app` never needs it, so BuildKit skips it" in found.text
    assert "**Skipped** for target `app` (BuildKit never builds them): `lint`" in found.text
    cyclic = show("""
        FROM alpine AS a‸
        COPY --from=b /x /x
        FROM alpine AS b
        COPY --from=a /y /y
    """)
    assert "**Cycles** (BuildKit refuses these): `a` → `b` → `a`" in cyclic.text


def test_image_base_and_platform() -> None:
    found = show("""
        ARG TAG=1.22
        FROM --platform=$BUILDPLATFORM golang:${TAG} AS bu‸ild
    """)
    assert "- base: image `golang:1.22` for platform `$BUILDPLATFORM`" in found.text
    assert "- this is the build target" in found.text


def test_instruction_keyword() -> None:
    found = show("""
        FROM alpine
        CO‸PY . /app
    """)
    assert found.span == Span.of(1, 0, 1, 4)
    assert found.text == textwrap.dedent("""\
        **COPY**: Copies files and directories from the build context, from another stage \
(--from) or from an image into the image.

        ```dockerfile
        COPY [OPTIONS] <src> ... <dest>
        COPY [OPTIONS] ["<src>", ... "<dest>"]
        ```

        Example:
        ```dockerfile
        COPY --from=build /out/app /usr/local/bin/app
        ```

        [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)""")


def test_instruction_keyword_plain_text() -> None:
    found = show("FROM alpine\nonbuild r‸un echo hi\n", markdown=False)
    assert found.span == Span.of(1, 8, 1, 11)
    assert found.text.startswith("RUN: Runs a command")
    assert found.text.endswith(
        "Dockerfile reference: RUN: https://docs.docker.com/reference/dockerfile/#run")


def test_flag() -> None:
    found = show("FROM alpine\nRUN --net‸work=none make\n")
    assert found.span == Span.of(1, 4, 1, 18)
    assert found.text.startswith("**--network** (RUN): Chooses the network of this command")
    assert "Values: `default`, `none`, `host`" in found.text
    assert found.text.endswith("(https://docs.docker.com/reference/dockerfile/#run---network)")


def test_boolean_flag_usage() -> None:
    found = show("FROM alpine\nCOPY --li‸nk . /app\n")
    assert "```dockerfile\nCOPY --link[=<boolean>]\n```" in found.text


def test_mount_key_and_type() -> None:
    key = show("FROM alpine\nRUN --mount=type=cache,sha‸ring=locked make\n")
    assert key.span == Span.of(1, 23, 1, 37)
    assert key.text.startswith("**sharing** (--mount option): How parallel builds share")
    assert "Values: `shared`, `private`, `locked`" in key.text
    kind = show("FROM alpine\nRUN --mount=type=sec‸ret,id=npm make\n")
    assert kind.span == Span.of(1, 12, 1, 23)
    assert kind.text.startswith("**--mount=type=secret**: A secret passed with")
    assert "#run---mounttypesecret" in kind.text
    key_of_type = show("FROM alpine\nRUN --mount=ty‸pe=secret,id=npm make\n")
    assert key_of_type.text.startswith("**type** (--mount option): The kind of mount")
    alias = show("FROM alpine\nRUN --mount=type=cache,ds‸t=/root/.cache make\n")
    assert alias.text.startswith("**target** (--mount option): Where the mount appears")


def test_variable_use_with_default() -> None:
    found = show("""
        FROM alpine
        ENV MODE=release
        RUN echo ${MO‸DE:-debug} ${UNSET:-fallback}
    """)
    assert found.span == Span.of(2, 11, 2, 15)
    assert found.text == ("**ENV** `MODE` = `release`\n\n"
                          "`${MODE:-debug}` expands to `release` here.\n\n"
                          "Set on line 2.")


def test_unset_variable_with_default() -> None:
    found = show("FROM alpine\nRUN echo ${UN‸SET:-fallback}\n")
    assert found.text == ("**Variable** `UNSET` is not set here.\n\n"
                          "It expands to an empty string unless the build environment sets it.")


def test_global_arg_used_in_a_stage_without_redeclaring() -> None:
    found = show("""
        ARG VERSION=1.0
        FROM alpine
        RUN echo $VERS‸ION
    """)
    assert found.text == ("**Variable** `VERSION` is not set here.\n\n"
                          "The global ARG on line 1 is visible inside a stage only after "
                          "`ARG VERSION`.")


def test_arg_without_default() -> None:
    found = show("FROM alpine\nARG TOK‸EN\n")
    assert found.text == ("**ARG** `TOKEN` = unknown\n\nDefined here on line 2.\n\n"
                          "It has no default: pass one with `--build-arg TOKEN=…`.")


def test_redeclared_global_arg_takes_the_global_value() -> None:
    found = show("""
        ARG VERSION=1.0
        FROM alpine
        ARG VERSION
        RUN echo ${VERSION‸}
    """)
    assert found.text == "**ARG** `VERSION` = `1.0`\n\nSet on line 3."


def test_predefined_platform_args() -> None:
    in_from = show("FROM --platform=$BUILD‸PLATFORM alpine\n")
    assert in_from.text == ("**Predefined ARG** `BUILDPLATFORM` = `linux/amd64`\n\n"
                            "Set by BuildKit: the platform of the machine running the build "
                            "(`linux/amd64` on a linux/amd64 build).")
    in_stage = show("FROM alpine\nRUN echo $TARGET‸ARCH\n", markdown=False)
    assert in_stage.text == ("Variable TARGETARCH is not set here.\n\n"
                             "BuildKit sets it (the CPU architecture of the target platform), "
                             "but a stage only sees it after ARG TARGETARCH.")


def test_variable_after_unicode_text() -> None:
    analysis, pos = at("""
        FROM alpine
        ENV 名前=x GREETING="こんにちは🎉"
        LABEL note="🎉🎉 $GREE‸TING"
    """)
    found = hover(analysis, pos)
    assert found is not None
    assert found.span == Span.of(2, 16, 2, 24)
    assert found.text == "**ENV** `GREETING` = `こんにちは🎉`\n\nSet on line 2."


def test_variable_in_heredoc_body() -> None:
    found = show("""
        FROM alpine
        ARG NAME=world
        RUN <<EOF
        echo "hello $NA‸ME"
        EOF
    """)
    assert found.span == Span.of(3, 13, 3, 17)
    assert found.text.startswith("**ARG** `NAME` = `world`")


def test_directive() -> None:
    found = show("# esc‸ape=`\nFROM alpine\n")
    assert found.span == Span.of(0, 2, 0, 10)
    assert found.text.startswith("**# escape** (parser directive): Sets the escape character")


def test_rule_id_in_a_suppression_comment() -> None:
    found = show("""
        FROM alpine
        # layerwise: ignore=LW00‸3
        COPY --form=x . /
    """)
    assert found.span == Span.of(1, 20, 1, 25)
    assert found.text.startswith("**LW003** `unknown-flag`: ")
    assert "## What it does" in found.text


@pytest.mark.parametrize("pos", [
    Position(1, 0), Position(2, 3), Position(3, 6), Position(9, 0), Position(-1, 0),
    Position(0, 99),
], ids=["blank", "comment", "plain-argument", "past-end", "negative", "past-line-end"])
def test_nothing_to_show(pos: Position) -> None:
    analysis = doc("""
        FROM alpine:3.20

        # just a comment
        RUN echo hi
    """)
    assert hover(analysis, pos) is None


def test_graphs_too_wide_for_a_hover_are_not_drawn() -> None:
    source = "FROM alpine AS base\n" + "".join(
        f"FROM base AS a-stage-with-a-rather-long-name-{n}\n" for n in range(8))
    found = hover(doc(source), Position(0, 16))
    assert found is not None
    assert found.text.endswith("(The drawing is left out: 9 stages are too wide for a hover.)")


def test_plain_text_hovers_carry_no_markdown() -> None:
    analysis = doc("""
        ARG TAG=3.20
        FROM --platform=$BUILDPLATFORM alpine:${TAG} AS base
        # layerwise: ignore=LW003
        RUN --mount=type=cache,sharing=locked,target=/x --network=none echo ${TAG:-x}
        COPY --from=base --link /a /b
    """)
    seen = 0
    for line, text in enumerate(analysis.dockerfile.text.split("\n")):
        for col in range(len(text)):
            found = hover(analysis, Position(line, col), markdown=False)
            if found is not None:
                seen += 1
                assert "`" not in found.text and "**" not in found.text, found.text
                assert "\n#" not in found.text and "](" not in found.text, found.text
    assert seen > 100


def test_stage_overview_is_remembered_per_analysis_and_markup() -> None:
    analysis = doc(BUILD)
    markdown = hover(analysis, Position(4, 15))
    plain = hover(analysis, Position(6, 6), markdown=False)
    again = hover(analysis, Position(6, 6))
    assert markdown is not None and plain is not None and again is not None
    assert markdown.text == again.text == BUILD_HOVER
    assert plain.text.startswith("Stage build (index 3, line 5)") and "**" not in plain.text
    edited = doc(BUILD.replace("FROM deps AS build", "FROM base AS build"))
    changed = hover(edited, Position(4, 15))
    assert changed is not None and "- base: stage `base`" in changed.text
