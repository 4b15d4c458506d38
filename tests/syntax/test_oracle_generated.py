"""Generated Dockerfiles: Layerwise's parser agrees with BuildKit's on every one."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layerwise.syntax.parser import parse

from .oracle import known_divergence, oracle, ours

_words = st.sampled_from([
    "alpine", "a=b", "x", "'q w'", '"d q"', "$HOME", "${A:-b}", "--", "-", "=", "a\\ b", "#x",
    "[", "]", "\"", "'", "<<", "<<EOF", "<<-EOF", "<<'EOF'", "2<<EOF", "`", "é", "🙂", "\t",
    "AS", "as", "/app", ".", "--from=base", "--mount=type=cache,target=/x", "k=\"v v\"",
])
_keywords = st.sampled_from([
    "FROM", "RUN", "COPY", "ADD", "ENV", "ARG", "LABEL", "CMD", "ENTRYPOINT", "WORKDIR", "USER",
    "EXPOSE", "VOLUME", "SHELL", "HEALTHCHECK", "ONBUILD", "STOPSIGNAL", "MAINTAINER", "run",
    "Copy", "FROMM", "onbuild RUN", "HEALTHCHECK CMD", "HEALTHCHECK NONE", "ONBUILD COPY",
])
_json = st.lists(st.sampled_from(['"a"', '"b c"', '"\\u00e9"', '1', '"x\\"y"']), max_size=3).map(
    lambda xs: "[" + ", ".join(xs) + "]")


@st.composite
def _instruction(draw: st.DrawFn) -> str:
    """One instruction, possibly continued over lines, with heredoc bodies after it."""
    keyword = draw(_keywords)
    flags = draw(st.lists(st.sampled_from(
        ["--from=b", "--link", "--chmod=755", "--mount=type=secret,id=s", "--a=\"x y\""]),
        max_size=2))
    if draw(st.booleans()):
        args = [draw(_json)]
    else:
        args = draw(st.lists(_words, max_size=5))
    parts = [keyword, *flags, *args]
    text = parts[0]
    for part in parts[1:]:
        if draw(st.integers(0, 5)) == 0:
            filler = draw(st.sampled_from(["", "  # note", "", "\t"]))
            text += " \\\n" + (filler + "\n" if filler else "") + "  "
        else:
            text += " "
        text += part
    lines = [text]
    for word in args:
        if word.startswith(("<<", "2<<")) and draw(st.booleans()):
            name = word.lstrip("2<-'")
            name = name.strip("'")
            body = draw(st.lists(st.sampled_from(["echo hi", "\tindented", "#!/bin/sh", "", "RUN x"]),
                                 max_size=3))
            lines.extend(body)
            lines.append(("\t" if "-" in word else "") + name)
    return "\n".join(lines)


@st.composite
def _heredoc_instruction(draw: st.DrawFn) -> str:
    """RUN/COPY/ADD with one or two heredocs, terminated or not."""
    keyword = draw(st.sampled_from(["RUN", "COPY", "ADD", "run", "ONBUILD RUN"]))
    markers = draw(st.lists(st.sampled_from(["<<EOF", "<<-EOF", "<<'EOF'", '<<"EOF"', "3<<EOF",
                                             "<<A", "<<-A"]), min_size=1, max_size=2))
    extra = draw(st.sampled_from(["", " cat", " bash", " /dst/", " > /x", " --mount=type=cache"]))
    lines = [keyword + " " + " ".join(markers) + extra]
    for marker in markers:
        name = marker.lstrip("0123456789<-").strip("'\"")
        lines.extend(draw(st.lists(st.sampled_from(
            ["echo hi", "\tindented", "#!/usr/bin/env python3", "", "  EOF", "EOF2", "\tA"]),
            max_size=3)))
        if draw(st.integers(0, 9)):
            lines.append(("\t" if "-" in marker else "") + name)
    return "\n".join(lines)


@st.composite
def _dockerfile(draw: st.DrawFn) -> str:
    """A whole file: optional directives, comments, blank lines and instructions."""
    head = draw(st.lists(st.sampled_from(
        ["# syntax=docker/dockerfile:1", "# escape=`", "# escape=\\", "# a comment", ""]),
        max_size=2))
    body = draw(st.lists(st.one_of(_instruction(), _heredoc_instruction(), st.sampled_from(["", "# c", "   "])),
                         min_size=1, max_size=8))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(head + ["FROM base"] + body)
    return text + (newline if draw(st.booleans()) else "")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_dockerfile())
def test_generated_files_agree_with_buildkit(text: str) -> None:
    """Same instructions, lines, flags, values and heredocs; errors exactly when rejected."""
    if known_divergence(text):
        return
    tree = parse(text)
    expected = oracle(text)
    parse_errors = [e for e in tree.errors if e.code in ("LW001", "LW006")]
    if expected is None:
        assert parse_errors, f"BuildKit rejects this file but Layerwise reports nothing:\n{text!r}"
        return
    assert not parse_errors, f"Layerwise reports {parse_errors} on a file BuildKit accepts"
    assert ours(tree) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_is_lossless_and_never_raises(text: str) -> None:
    """Any text parses; the nodes cover every line in order and re-join to the input."""
    tree = parse(text)
    assert "".join(tree.node_text(n) for n in tree.nodes) == text
    expected_line = 0
    for node in tree.nodes:
        assert node.start_line == expected_line
        expected_line = node.end_line + 1
    assert expected_line == len(tree.lines)
