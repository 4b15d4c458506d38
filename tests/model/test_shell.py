"""Tests for the shell model: commands, words, redirects and their context."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layerwise.model.shell import (
    Command,
    Script,
    Word,
    cached_script,
    getopt,
    parse_script,
    script_language,
)


def names(script: Script) -> list[str | None]:
    """The command names of a script, in order."""
    return [c.name.value for c in script.commands]


def argv(command: Command) -> list[str | None]:
    """A command's argument values."""
    return [a.value for a in command.args]


def spanned(text: str, start: int, end: int) -> str:
    """The text a span covers."""
    return text[start:end]


# -- lists, pipes and context -------------------------------------------------------------------


def test_and_or_semicolon_flatten_in_order() -> None:
    script = parse_script("apt-get update && apt-get install -y curl; rm -rf /x || true")
    assert names(script) == ["apt-get", "apt-get", "rm", "true"]
    assert argv(script.commands[1]) == ["install", "-y", "curl"]
    assert [c.in_condition for c in script.commands] == [False, False, False, True]
    assert not script.has_error


def test_pipeline_flags_and_scopes() -> None:
    script = parse_script("curl -fsSL https://x/y.tgz | tar -xz | cat")
    curl, tar, cat = script.commands
    assert (curl.pipe_in, curl.pipe_out) == (False, True)
    assert (tar.pipe_in, tar.pipe_out) == (True, True)
    assert (cat.pipe_in, cat.pipe_out) == (True, False)
    assert len({curl.scope, tar.scope, cat.scope}) == 3


def test_set_eux_is_an_ordinary_command() -> None:
    script = parse_script("set -eux; set -o pipefail; make")
    assert names(script) == ["set", "set", "make"]
    assert argv(script.commands[1]) == ["-o", "pipefail"]


def test_newlines_and_line_continuations() -> None:
    text = "apt-get install \\\n    -y \\\n    curl\nmake \\\n install"
    script = parse_script(text)
    assert names(script) == ["apt-get", "make"]
    assert argv(script.commands[0]) == ["install", "-y", "curl"]
    curl = script.commands[0].args[2]
    assert spanned(text, curl.start, curl.end) == "curl"
    assert argv(script.commands[1]) == ["install"]


def test_compound_statements_flatten() -> None:
    text = (
        "if [ -f x ]; then a; elif b; then c; else d; fi; while read l; do e; done < f; "
        "for i in 1 2; do g $i; done; case $x in a) h;; esac; f() { k; }; { m; n; }; ( o; p )"
    )
    script = parse_script(text)
    assert names(script) == ["a", "b", "c", "d", "read", "e", "g", "h", "k", "m", "n", "o", "p"]
    by_name = {c.name.value: c for c in script.commands}
    assert all(by_name[n].in_condition for n in "abcdeh")
    assert not any(by_name[n].in_condition for n in "gkmnop")
    assert by_name["o"].in_subshell and by_name["p"].in_subshell and not by_name["m"].in_subshell
    assert by_name["o"].scope == by_name["p"].scope != ()
    assert by_name["e"].redirects[0].target == Word(
        "f", "f", text.index("< f") + 2, text.index("< f") + 3
    )


def test_negation() -> None:
    (command,) = parse_script("! grep -q x f").commands
    assert command.negated and command.name.value == "grep"


def test_command_substitution_runs_before_its_command() -> None:
    script = parse_script('VERSION="$(curl -s https://x/v)" && tar -xf "$(ls *.tgz)"')
    assert names(script) == ["curl", "", "ls", "tar"]
    curl = script.commands[0]
    assert curl.in_subshell and curl.pipe_out
    assert script.commands[1].assignments == (("VERSION", None),)


# -- words and quoting --------------------------------------------------------------------------


def test_quote_removal_and_escapes() -> None:
    text = """echo "a b" 'c $d' e\\ f "g\\"h" $'x\\ty' pre"mid"'end' ~/f{a,b}* "" """
    (command,) = parse_script(text).commands
    assert argv(command) == ["a b", "c $d", "e f", 'g"h', "x\ty", "premidend", "~/f{a,b}*", ""]
    assert [a.raw for a in command.args][:2] == ['"a b"', "'c $d'"]


def test_expansions_have_no_value_but_keep_plain_variable_parts() -> None:
    pwd_command, command = parse_script('cp "$SRC/app-${V}.tgz" $(pwd) ${X:-d} "$@"').commands
    assert pwd_command.name.value == "pwd"
    src, pwd, default, at = command.args
    assert src.value is None
    assert src.parts == (("SRC", True), ("/app-", False), ("V", True), (".tgz", False))
    assert pwd.value is None and pwd.parts == ()
    assert default.parts == () and at.parts == ()


def test_word_offsets_are_code_points_after_emoji_and_cjk() -> None:
    text = "echo '😀 日本' && rm -rf /tmp/x"
    script = parse_script(text)
    rm = script.commands[1]
    assert (rm.start, rm.end) == (15, 28)
    assert (rm.args[1].start, rm.args[1].end) == (22, 28)
    assert spanned(text, rm.args[1].start, rm.args[1].end) == "/tmp/x"
    assert script.commands[0].args[0].value == "😀 日本"


def test_pinned_offsets() -> None:
    text = "A=1 apt-get -y install curl > /log 2>&1"
    (command,) = parse_script(text).commands
    assert (command.start, command.end) == (0, 39)
    assert (command.name.start, command.name.end) == (4, 11)
    assert [(a.start, a.end) for a in command.args] == [(12, 14), (15, 22), (23, 27)]
    out, err = command.redirects
    assert (out.op, out.target and out.target.value, out.start, out.end) == (">", "/log", 28, 34)
    assert (err.op, err.target and err.target.value) == ("2>&", "1")


# -- assignments --------------------------------------------------------------------------------


def test_prefix_pure_and_exported_assignments() -> None:
    script = parse_script(
        'DEBIAN_FRONTEND=noninteractive apt-get install -y x; X=1 Y="a b"; export Z=2 W; unset X'
    )
    install, pure, export, unset = script.commands
    assert install.name.value == "apt-get"
    assert install.assignments == (("DEBIAN_FRONTEND", "noninteractive"),)
    assert pure.name.value == "" and pure.assignments == (("X", "1"), ("Y", "a b"))
    assert export.name.value == "export" and export.assignments == (("Z", "2"),)
    assert argv(export) == ["W"]
    assert unset.name.value == "unset" and argv(unset) == ["X"]


# -- redirects and heredocs ---------------------------------------------------------------------


def test_redirect_operators() -> None:
    (command,) = parse_script("cmd >> /a 2> /b &> /c 2>&- < /d >| /e").commands
    assert [(r.op, r.target and r.target.value) for r in command.redirects] == [
        (">>", "/a"),
        ("2>", "/b"),
        ("&>", "/c"),
        ("2>&-", None),
        ("<", "/d"),
        (">|", "/e"),
    ]


def test_redirect_after_list_belongs_to_last_command() -> None:
    a, b = parse_script("a && b > /out").commands
    assert a.redirects == () and b.redirects[0].target == Word("/out", "/out", 9, 13)


def test_heredoc_with_file_redirect() -> None:
    text = "cat <<EOF > /etc/x\nhello $NAME\nEOF\necho done"
    cat, echo = parse_script(text).commands
    heredoc, out = cat.redirects
    assert heredoc.op == "<<" and heredoc.target is not None and heredoc.target.value == "EOF"
    assert heredoc.body is not None and heredoc.body.raw == "hello $NAME\n"
    assert heredoc.body.value is None
    assert (out.op, out.target and out.target.value) == (">", "/etc/x")
    assert echo.name.value == "echo"


def test_quoted_heredoc_body_is_literal_and_dash_strips_tabs() -> None:
    script = parse_script("cat <<-'EOF' > /f\n\tA=$B\n\tEOF\n")
    body = script.commands[0].redirects[0].body
    assert body is not None and body.value is not None
    assert body.value.strip("\n") == "A=$B"


def test_heredoc_piped_into_shell_then_list() -> None:
    text = "apt-get update && cat <<'EOF' | sh && echo ok\necho hi\nEOF\n"
    update, cat, sh, echo = parse_script(text).commands
    assert update.name.value == "apt-get"
    assert cat.pipe_out and not cat.pipe_in
    assert sh.name.value == "sh" and sh.pipe_in
    assert echo.name.value == "echo" and not echo.pipe_in


def test_bash_heredoc_body_is_parsed_as_script() -> None:
    text = "bash <<EOF\nrm -rf /tmp/a\nEOF"
    _, rm = parse_script(text).commands
    assert rm.name.value == "rm" and rm.parent == 0 and rm.in_subshell
    assert spanned(text, rm.start, rm.end) == "rm -rf /tmp/a"


def test_shebang_language() -> None:
    assert script_language("#!/usr/bin/env python3\nprint(1)") == "python3"
    assert script_language("#!/bin/bash -e\nset -x") == "sh"
    assert script_language("#!/usr/bin/env -S bash -eu\n") == "sh"
    assert script_language("apt-get update") == "sh"
    assert script_language("#!/usr/bin/perl -w\n") == "perl"


# -- nested shells and wrappers -----------------------------------------------------------------


def test_sh_c_single_quoted_maps_offsets_exactly() -> None:
    text = "sh -c 'cd /src && make install' && echo ok"
    sh, cd, make, echo = parse_script(text).commands
    assert [sh.name.value, cd.name.value, make.name.value, echo.name.value] == [
        "sh",
        "cd",
        "make",
        "echo",
    ]
    assert cd.parent == 0 and make.parent == 0 and echo.parent is None
    assert cd.in_subshell and cd.scope != sh.scope
    assert spanned(text, make.start, make.end) == "make install"
    assert spanned(text, cd.args[0].start, cd.args[0].end) == "/src"


def test_bash_options_before_c_and_double_quotes_with_escapes() -> None:
    text = 'bash -euxo pipefail -c "echo \\"$HOME\\" > /f; rm -rf /x"'
    script = parse_script(text)
    assert names(script) == ["bash", "echo", "rm"]
    echo, rm = script.commands[1:]
    assert echo.redirects[0].target is not None and echo.redirects[0].target.value == "/f"
    assert spanned(text, rm.start, rm.end) == "rm -rf /x"
    assert spanned(text, rm.args[1].start, rm.args[1].end) == "/x"


def test_nested_script_with_plain_variables_is_parsed() -> None:
    text = 'bash -c "cd $APP_HOME && make install"'
    _, cd, make = parse_script(text).commands
    assert cd.args[0].value is None and cd.args[0].parts == (("APP_HOME", True),)
    assert spanned(text, cd.args[0].start, cd.args[0].end) == "$APP_HOME"
    assert make.name.value == "make" and make.parent == 0


def test_nested_script_with_command_substitution_is_not_parsed() -> None:
    assert names(parse_script('sh -c "echo $(id -u)"')) == ["id", "sh"]


def test_wrappers_expose_the_command_they_run() -> None:
    script = parse_script("sudo -u app env PIP_NO_CACHE_DIR=1 pip install x > /log")
    sudo, env, pip = script.commands
    assert (env.name.value, env.parent) == ("env", 0)
    assert (pip.name.value, pip.parent) == ("pip", 1)
    assert pip.assignments == (("PIP_NO_CACHE_DIR", "1"),)
    assert argv(pip) == ["install", "x"]
    assert sudo.redirects and not pip.redirects


def test_command_v_is_not_a_wrapper() -> None:
    assert names(parse_script("command -v curl")) == ["command"]


# -- robustness ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'echo "unterminated && rm -rf /x',
        "sh -c 'unterminated",
        "cat <<EOF",
        "a && b )) c; d ( fi then",
        "\x00\x01\x02\xff\ufffd\udcff",
        "".join(map(chr, range(256))),
        "$((",
        "",
    ],
)
def test_junk_never_raises(text: str) -> None:
    script = parse_script(text)
    assert isinstance(script, Script)
    for command in script.commands:
        assert 0 <= command.start <= command.end <= len(text)


def test_unbalanced_quote_reports_error_and_keeps_what_parsed() -> None:
    script = parse_script('apt-get update && echo "abc && rm -rf /x')
    assert script.has_error
    assert names(script)[:2] == ["apt-get", "echo"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab $'\"\\`(){}|&;<>\n#*=-!😀\x00")), max_size=60))
def test_random_text_never_raises(text: str) -> None:
    script = parse_script(text)
    for command in script.commands:
        assert 0 <= command.start <= command.end <= len(text)


def test_cached_script_reuses_results() -> None:
    text = "apt-get update && apt-get install -y x"
    assert cached_script(text) is cached_script(text)
    assert cached_script(text) == parse_script(text)


# -- getopt -------------------------------------------------------------------------------------


def test_getopt_clusters_attached_values_and_long_options() -> None:
    (command,) = parse_script(
        "curl -fsSLo /tmp/x --retry 3 --output-dir=/d https://x -- -y"
    ).commands
    opts, operands = getopt(command.args, "o", {"--retry"})
    assert [(o.name, o.value and o.value.value) for o in opts] == [
        ("-f", None),
        ("-s", None),
        ("-S", None),
        ("-L", None),
        ("-o", "/tmp/x"),
        ("--retry", "3"),
        ("--output-dir", "/d"),
    ]
    assert [w.value for w in operands] == ["https://x", "-y"]
    output_dir = opts[-1].value
    assert output_dir is not None and (output_dir.start, output_dir.end) == (42, 44)


def test_getopt_optional_and_posix() -> None:
    (command,) = parse_script("sed -i.bak -e s/a/b/ f").commands
    opts, operands = getopt(command.args, "e", optional="i")
    assert [(o.name, o.value and o.value.value) for o in opts] == [("-i", ".bak"), ("-e", "s/a/b/")]
    assert [w.value for w in operands] == ["f"]
    command = parse_script("sudo -u x apt-get -y install").commands[0]
    _, operands = getopt(command.args, "u", posix=True)
    assert [w.value for w in operands] == ["apt-get", "-y", "install"]
