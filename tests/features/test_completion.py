"""Completion: contexts, labels, ordering, details and replace spans."""

from __future__ import annotations

import pytest

from layerwise.features.completion import CompletionEntry, complete
from layerwise.syntax.span import Position, Span

from .helpers import at, doc


def labels(source: str, **kwargs: bool) -> list[str]:
    """The labels offered at the cursor, in order."""
    analysis, pos = at(source)
    return [e.label for e in complete(analysis, pos, **kwargs)]


def entries(source: str, **kwargs: bool) -> dict[str, CompletionEntry]:
    """The entries offered at the cursor, by label."""
    analysis, pos = at(source)
    return {e.label: e for e in complete(analysis, pos, **kwargs)}


STAGES = """
    FROM golang:1.22 AS build
    FROM node:20 AS assets
    FROM alpine:3.20 AS app
    COPY --from=‸ /a /b
    FROM app AS test
"""


def test_from_flag_offers_every_other_stage_nearest_first_then_indexes() -> None:
    assert labels(STAGES) == ["assets", "test", "build", "1", "3", "0"]


def test_from_flag_excludes_the_current_stage_and_includes_a_forward_one() -> None:
    offered = labels(STAGES)
    assert "app" not in offered and "2" not in offered
    assert "test" in offered


def test_stage_entries_show_base_and_line() -> None:
    found = entries(STAGES)
    assert found["build"].detail == "FROM golang:1.22 (line 1)"
    assert found["test"].detail == "FROM app (line 5)"
    assert found["0"].detail == "FROM golang:1.22 (line 1)"
    assert found["build"].kind == "stage"
    assert found["build"].replace == Span.of(3, 12, 3, 12)
    assert [e.sort_text for e in found.values()] == sorted(e.sort_text for e in found.values())


def test_partial_stage_name_is_replaced_up_to_the_cursor() -> None:
    found = entries("""
        FROM golang:1.22 AS build
        FROM alpine:3.20
        COPY --from=bu‸ /out /out
    """)
    assert found["build"].replace == Span.of(2, 12, 2, 14)


def test_mount_from_offers_stages() -> None:
    found = entries("""
        FROM golang:1.22 AS build
        FROM alpine:3.20 AS app
        RUN --mount=type=bind,from=b‸,target=/src make
    """)
    assert list(found) == ["build", "0"]
    assert found["build"].replace == Span.of(2, 27, 2, 28)


def test_duplicate_stage_names_resolve_to_the_first_stage() -> None:
    found = entries("""
        FROM alpine AS tools
        FROM debian AS tools
        FROM busybox
        COPY --from=‸ /x /x
    """)
    assert [label for label in found if not label.isdigit()] == ["tools"]
    assert found["tools"].detail == "FROM alpine (line 1)"


def test_from_offers_earlier_stages_then_images_in_the_file() -> None:
    assert labels("""
        FROM golang:1.22 AS build
        FROM node:20 AS assets
        FROM ‸
        FROM python:3.12 AS later
    """) == ["assets", "build", "golang:1.22", "node:20", "python:3.12", "scratch"]


def test_from_after_platform_flag_still_offers_bases() -> None:
    assert labels("""
        FROM golang:1.22 AS build
        FROM --platform=$BUILDPLATFORM ‸
    """) == ["build", "golang:1.22", "scratch"]


def test_from_offers_as_after_the_image() -> None:
    assert labels("""
        FROM alpine:3.20 ‸
    """) == ["AS"]


def test_new_line_offers_instruction_snippets() -> None:
    found = entries("""
        FROM alpine:3.20
        ‸
    """)
    assert found["COPY"].insert_text == "COPY ${1:src} ${2:dest}"
    assert found["COPY"].is_snippet
    assert found["COPY --from"].insert_text == "COPY --from=${1:stage} ${2:src} ${3:dest}"
    assert found["RUN"].kind == "instruction"
    assert found["RUN"].detail == "RUN [OPTIONS] <command> ..."
    assert "# syntax" not in found


def test_plain_keywords_without_snippet_support() -> None:
    found = entries("""
        FROM alpine:3.20
        ‸
    """, snippets=False)
    assert found["COPY"].insert_text == "COPY"
    assert not found["COPY"].is_snippet
    assert "COPY --from" not in found


def test_partial_keyword_is_replaced() -> None:
    found = entries("""
        FROM alpine:3.20
        co‸
    """)
    assert found["COPY"].replace == Span.of(1, 0, 1, 2)
    assert found["COPY"].filter_text == "COPY"


def test_keyword_before_arguments_is_inserted_without_a_snippet() -> None:
    found = entries("""
        FROM alpine:3.20
        CO‸ . /app
    """)
    assert found["COPY"].insert_text == "COPY"


def test_before_the_first_from_only_arg_and_from_and_directives() -> None:
    assert labels("""
        # syntax=docker/dockerfile:1
        ‸
    """) == ["# escape", "# check", "ARG", "FROM", "FROM … AS"]


def test_directive_names_on_a_comment_line_at_the_top() -> None:
    found = entries("""
        # syntax=docker/dockerfile:1
        # es‸
    """, snippets=False)
    assert list(found) == ["# escape", "# check"]
    assert found["# escape"].insert_text == "# escape=`"
    assert found["# escape"].replace == Span.of(1, 0, 1, 4)


def test_no_directives_after_the_first_instruction() -> None:
    assert labels("""
        FROM alpine
        # sy‸
    """) == []


def test_comments_offer_nothing() -> None:
    assert labels("""
        FROM alpine
        # a comment about $‸
    """) == []


@pytest.mark.parametrize(("line", "expected"), [
    ("RUN --‸", ["--mount", "--network", "--security"]),
    ("COPY --‸", ["--from", "--chown", "--chmod", "--link", "--parents", "--exclude"]),
    ("ADD -‸", ["--chown", "--chmod", "--link", "--checksum", "--keep-git-dir", "--exclude",
                "--unpack"]),
    ("HEALTHCHECK --‸", ["--interval", "--timeout", "--start-period", "--start-interval",
                         "--retries"]),
    ("COPY --link --‸", ["--from", "--chown", "--chmod", "--parents", "--exclude"]),
    ("RUN --mount=type=cache,target=/x --‸", ["--mount", "--network", "--security"]),
    ("WORKDIR --‸", []),
    ("COPY a --‸", []),
], ids=["run", "copy", "add", "healthcheck", "used-flag-hidden", "mount-repeats", "no-flags",
        "after-args"])
def test_flags(line: str, expected: list[str]) -> None:
    assert labels(f"FROM alpine\n{line}\n") == expected


def test_from_platform_flag() -> None:
    found = entries("""
        FROM --‸
    """)
    assert list(found) == ["--platform"]
    assert found["--platform"].insert_text == "--platform="
    assert found["--platform"].replace == Span.of(0, 5, 0, 7)


def test_boolean_flags_insert_without_equals() -> None:
    found = entries("FROM alpine\nCOPY --l‸\n")
    assert found["--link"].insert_text == "--link"
    assert found["--from"].insert_text == "--from="


@pytest.mark.parametrize(("line", "expected"), [
    ("RUN --network=‸", ["default", "none", "host"]),
    ("RUN --security=‸", ["sandbox", "insecure"]),
    ("COPY --link=‸", ["true", "false"]),
    ("HEALTHCHECK --interval=‸", ["30s"]),
], ids=["network", "security", "bool", "duration"])
def test_flag_values(line: str, expected: list[str]) -> None:
    assert labels(f"FROM alpine\n{line}\n") == expected


def test_mount_types() -> None:
    found = entries("FROM alpine\nRUN --mount=type=ca‸\n")
    assert list(found) == ["cache", "bind", "secret", "ssh", "tmpfs"]
    assert found["cache"].replace == Span.of(1, 17, 1, 19)


def test_mount_without_type_offers_type_first_then_bind_keys() -> None:
    found = entries("FROM alpine\nRUN --mount=‸\n")
    assert list(found) == ["type", "target", "source", "from", "rw"]
    assert found["type"].insert_text == "type=${1|cache,bind,secret,ssh,tmpfs|}"
    assert found["type"].is_snippet


@pytest.mark.parametrize(("value", "expected"), [
    ("type=cache,", ["target", "id", "source", "from", "sharing", "mode", "uid", "gid",
                     "readonly"]),
    ("type=secret,id=npm,", ["target", "env", "required", "mode", "uid", "gid"]),
    ("type=ssh,", ["target", "id", "required", "mode", "uid", "gid"]),
    ("type=tmpfs,", ["target", "size"]),
    ("type=bind,dst=/src,", ["source", "from", "rw"]),
], ids=["cache", "secret", "ssh", "tmpfs", "bind-alias-used"])
def test_mount_keys_per_type(value: str, expected: list[str]) -> None:
    assert labels(f"FROM alpine\nRUN --mount={value}‸ make\n") == expected


def test_mount_key_values() -> None:
    assert labels("FROM alpine\nRUN --mount=type=cache,sharing=‸\n") == [
        "shared", "private", "locked"]
    assert labels("FROM alpine\nRUN --mount=type=secret,required=‸\n") == ["true", "false"]


def test_mount_type_after_cursor_decides_keys() -> None:
    assert labels("FROM alpine\nRUN --mount=‸,type=tmpfs\n") == ["target", "size"]


def test_variables_in_scope_with_values_then_predefined() -> None:
    found = entries("""
        ARG VERSION=1.22
        FROM golang:${VERSION}
        ARG VERSION
        ENV GOPATH=/go APP=/app/${VERSION}
        RUN echo $‸
    """)
    names = list(found)
    assert names[:3] == ["APP", "GOPATH", "VERSION"]
    assert found["APP"].detail == "/app/1.22"
    assert found["APP"].documentation == "ENV on line 4."
    assert found["VERSION"].detail == "1.22"
    assert found["VERSION"].documentation == "ARG on line 3."
    assert found["TARGETARCH"].detail == "predefined (e.g. amd64)"
    assert "declare 'ARG TARGETARCH'" in found["TARGETARCH"].documentation
    assert "HTTPS_PROXY" in found
    assert found["APP"].insert_text == "APP"
    assert found["APP"].replace == Span.of(4, 10, 4, 10)


def test_braced_variable_gets_its_closing_brace() -> None:
    found = entries("FROM alpine\nENV HOME_DIR=/root\nWORKDIR ${HO‸\n")
    assert found["HOME_DIR"].insert_text == "HOME_DIR}"
    assert found["HOME_DIR"].replace == Span.of(2, 10, 2, 12)
    found = entries("FROM alpine\nENV HOME_DIR=/root\nWORKDIR ${HO‸}/x\n")
    assert found["HOME_DIR"].insert_text == "HOME_DIR"


def test_variables_on_from_lines_come_from_the_global_scope() -> None:
    found = entries("""
        ARG TAG=3.20
        FROM alpine:${‸
    """)
    assert found["TAG"].detail == "3.20"
    assert found["TAG"].documentation == "Global ARG on line 1."
    assert found["TARGETPLATFORM"].documentation == "Set by BuildKit for the build."


def test_variables_defined_later_are_not_offered() -> None:
    offered = labels("FROM alpine\nRUN echo $‸\nENV LATER=1\n")
    assert "LATER" not in offered


def test_escaped_dollar_offers_nothing() -> None:
    assert labels("FROM alpine\nRUN echo \\$‸\n") == []


def test_unicode_before_the_cursor_counts_code_points() -> None:
    found = entries("""
        FROM alpine
        ENV GREETING=hi
        RUN echo "日本🎉" ${GR‸
    """)
    assert found["GREETING"].replace == Span.of(2, 17, 2, 19)


def test_heredoc_body_offers_variables_but_no_instructions() -> None:
    analysis, pos = at("""
        FROM alpine
        ENV A=1
        RUN <<EOF
        echo "🎉" $‸
        EOF
    """)
    found = {e.label: e for e in complete(analysis, pos)}
    assert found["A"].replace == Span.of(3, 10, 3, 10)
    assert labels("FROM alpine\nRUN <<EOF\nCO‸\nEOF\n") == []


def test_onbuild_offers_the_instructions_it_can_wrap() -> None:
    offered = labels("FROM alpine\nONBUILD RU‸\n")
    assert "RUN" in offered and "COPY" in offered
    assert not {"ONBUILD", "FROM", "MAINTAINER"} & set(offered)


def test_healthcheck_offers_cmd_and_none() -> None:
    assert labels("FROM alpine\nHEALTHCHECK --interval=5s ‸\n") == ["CMD", "NONE"]


def test_positions_outside_the_text() -> None:
    analysis = doc("""
        FROM alpine
        RUN echo hi
    """)
    past_end = complete(analysis, Position(50, 7))
    assert "RUN" in [e.label for e in past_end]
    assert past_end[0].replace == Span.of(50, 0, 50, 0)
    assert complete(analysis, Position(-1, 0)) == []
    assert [e.label for e in complete(analysis, Position(1, 99))] == []
    assert complete(analysis, Position(0, -5)) == []


def test_continuation_line_flags() -> None:
    found = entries("""
        FROM alpine
        RUN --mount=type=cache,target=/root/.cache \\
            --net‸ \\
            pip install x
    """)
    assert list(found) == ["--mount", "--network", "--security"]
    assert found["--network"].replace == Span.of(2, 4, 2, 9)
