"""The parser's own guarantees: positions, tolerance, directives, heredocs, flags."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from layerwise.syntax.nodes import Blank, Comment, Directive, Instruction
from layerwise.syntax.parser import parse
from layerwise.syntax.source import decode
from layerwise.syntax.span import Position, Span


def _only(text: str, index: int = -1) -> Instruction:
    return parse(text).instructions[index]


def test_columns_count_code_points_after_emoji_and_cjk() -> None:
    inst = _only('FROM a\nLABEL note="🙂 日本" version=1\n')
    key = inst.pairs[1].key
    assert key.value == "version"
    assert key.span == Span.of(1, 18, 1, 25)


def test_crlf_bom_and_lossless_nodes() -> None:
    data = b"\xef\xbb\xbf# syntax=docker/dockerfile:1\r\nFROM alpine\r\nRUN echo hi\r\n"
    text = decode(data).text
    tree = parse(text)
    assert [type(n).__name__ for n in tree.nodes] == ["Directive", "Instruction", "Instruction"]
    assert tree.instructions[1].args.value == "echo hi"
    assert tree.instructions[1].args.span == Span.of(2, 4, 2, 11)
    assert "".join(tree.node_text(n) for n in tree.nodes) == text


def test_continuation_with_comment_and_blank_lines_maps_every_piece() -> None:
    text = "FROM a\nRUN apt-get update \\\n    # refresh\n\n    && apt-get install -y curl\n"
    inst = _only(text)
    assert inst.args.value == "apt-get update     && apt-get install -y curl"
    assert (inst.start_line, inst.end_line) == (1, 4)
    assert inst.comment_lines == (2,)
    assert inst.empty_continuation_lines == (3,)
    offset = inst.logical.text.index("&&")
    assert inst.logical.position(offset) == Position(4, 4)


def test_backtick_escape_directive() -> None:
    tree = parse("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
                 "RUN powershell -Command `\n    Write-Host hi\n")
    assert tree.escape == "`"
    assert isinstance(tree.nodes[0], Directive)
    assert tree.instructions[1].end_line == 3


def test_directives_only_at_the_top() -> None:
    tree = parse("# hello\n# escape=`\nFROM a\n")
    assert tree.escape == "\\"
    assert isinstance(tree.nodes[1], Comment)


def test_flags_and_mount_options() -> None:
    inst = _only("FROM a\nRUN --mount=type=cache,target=/root/.cache --network=none make\n")
    mount = inst.flag("mount")
    assert mount is not None and mount.value == "type=cache,target=/root/.cache"
    assert [(k, v) for k, v, _ in mount.options()] == [("type", "cache"),
                                                       ("target", "/root/.cache")]
    assert mount.options()[1][2] == Span.of(1, 23, 1, 42)
    network = inst.flag("network")
    assert network is not None and network.name_span == Span.of(1, 45, 1, 52)
    assert inst.args.value == "make"


def test_heredocs_several_per_instruction_with_chomp_and_quotes() -> None:
    text = "FROM a\nCOPY <<one <<-'two' /dst/\nfirst\none\n\tsecond\n\ttwo\nRUN echo after\n"
    tree = parse(text)
    copy = tree.instructions[1]
    first, second = copy.heredocs
    assert (first.name, first.content, first.expand) == ("one", "first\n", True)
    assert (second.name, second.chomp, second.expand) == ("two", True, False)
    assert second.text == "second\n"
    assert second.terminator == Span.of(5, 0, 5, 4)
    assert copy.end_line == 5
    assert tree.instructions[2].name == "RUN"


def test_comment_right_after_terminator_and_shebang_body() -> None:
    text = "FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n# done\nCMD x\n"
    tree = parse(text)
    assert tree.instructions[1].heredocs[0].content.startswith("#!/usr/bin/env python3")
    assert isinstance(tree.nodes[2], Comment)
    assert tree.instructions[2].name == "CMD"


def test_onbuild_inner_instruction() -> None:
    inst = _only("FROM a\nONBUILD COPY --chown=app . /src\n")
    assert inst.sub is not None and inst.sub.name == "COPY"
    assert inst.sub.flag("chown") is not None
    assert inst.effective is inst.sub


def test_from_as_stage_and_exec_form() -> None:
    tree = parse('FROM golang:1.22 As build\nCMD ["go", "run", "."]\n')
    assert [w.value for w in tree.instructions[0].words] == ["golang:1.22", "As", "build"]
    cmd = tree.instructions[1]
    assert cmd.json and [t.value for t in cmd.exec_args] == ["go", "run", "."]
    assert cmd.exec_args[1].span == Span.of(1, 11, 1, 16)


def test_half_typed_and_junk_input_recovers_at_next_instruction() -> None:
    tree = parse("FROM a\nCOPY --fr\n\x00\x01junk line\nRUN echo ok\n")
    names = [i.keyword.value for i in tree.instructions]
    assert names[0] == "FROM" and names[-1] == "RUN"
    assert tree.instructions[1].flags[0].name == "fr"


def test_unterminated_heredoc_stops_before_the_next_instruction() -> None:
    tree = parse("FROM a\nRUN <<EOF\napt-get update\nCOPY . /app\n")
    assert [e.code for e in tree.errors] == ["LW006"]
    assert tree.instructions[-1].name == "COPY"


def test_empty_and_comment_only_files() -> None:
    assert parse("").nodes == ()
    tree = parse("# only\n\n")
    assert [type(n) for n in tree.nodes] == [Comment, Blank]
    assert tree.errors and tree.errors[0].code == "LW001"


def test_invalid_utf8_is_replaced_and_reported() -> None:
    decoded = decode(b"FROM a\nLABEL x=\xff\n")
    assert "\ufffd" in decoded.text
    assert decoded.problems[0].span.start == Position(1, 8)


def test_utf16_file_is_reported() -> None:
    decoded = decode("FROM a\n".encode("utf-16"))
    assert decoded.text == "FROM a\n"
    assert "UTF-16" in decoded.problems[0].message


def test_tokens_and_flags_locate_themselves_across_continuation_lines() -> None:
    text = "FROM a\nCOPY --chown=app:app \\\n  --from=build /out /app\n"
    copy = _only(text)
    chown, source = copy.flags
    assert chown.span == Span.of(1, 5, 1, 20)
    assert (chown.name_span, chown.value_span) == (Span.of(1, 7, 1, 12), Span.of(1, 13, 1, 20))
    assert source.value_span == Span.of(2, 9, 2, 14)
    assert copy.words[1].span == Span.of(2, 20, 2, 24)
    assert copy.args.span == Span.of(2, 15, 2, 24)
    again = _only(text)
    assert again.flags == copy.flags and hash(again.flags) == hash(copy.flags)
    assert again.words == copy.words and hash(again.words) == hash(copy.words)
    assert copy.words[0] != copy.words[1]
    with pytest.raises(FrozenInstanceError):
        copy.args.value = "x"  # type: ignore[misc]


def test_flag_option_values_and_their_spans() -> None:
    inst = _only("FROM a\nRUN --mount=type=secret,ID=s,required make\n")
    mount = inst.flag("mount")
    assert mount is not None
    assert mount.option_values() == (("type", "secret"), ("id", "s"), ("required", None))
    assert [span for _, _, span in mount.options()] == [
        Span.of(1, 12, 1, 23), Span.of(1, 24, 1, 28), Span.of(1, 29, 1, 37)]
