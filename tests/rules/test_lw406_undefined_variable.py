"""LW406 undefined-variable."""

from __future__ import annotations

import pytest

from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_typo_pins_range_message_and_fix() -> None:
    (finding,) = fires("FROM alpine\nENV PATH=$PAHT:/tmp/bin\n", "LW406")
    assert finding.span == Span.of(1, 9, 1, 14)
    assert finding.message == "Usage of undefined variable '$PAHT' (did you mean $PATH?)"
    assert finding.data == {"buildkit": "UndefinedVar", "variable": "PAHT", "suggestion": "PATH"}
    assert finding.fix is not None and not finding.fix.safe
    assert finding.fix.edits == (TextEdit(Span.of(1, 10, 1, 14), "PATH"),)


def test_buildkit_use_before_definition_points_at_the_definition() -> None:
    (finding,) = fires("FROM alpine\nCOPY $foo .\nARG foo=bar\nRUN echo $foo\n", "LW406")
    assert finding.span == Span.of(1, 5, 1, 9)
    assert finding.message == ("Usage of undefined variable '$foo'; it is defined only later in "
                               "the stage (line 3), move that definition above")
    assert finding.related[0].span == Span.of(2, 4, 2, 7)


def test_buildkit_near_miss_among_args() -> None:
    (finding,) = fires("""\
        FROM alpine
        ARG DIR_BINARIES=binaries/
        ARG DIR_ASSETS=assets/
        ARG DIR_CONFIG=config/
        COPY $DIR_ASSET .
        """, "LW406")
    assert finding.message == ("Usage of undefined variable '$DIR_ASSET' "
                               "(did you mean $DIR_ASSETS?)")
    assert finding.span == Span.of(4, 5, 4, 15)


@pytest.mark.parametrize("source", [
    "FROM alpine AS base\nCOPY $foo .\n",
    "FROM alpine AS base\nARG VERSION=$foo\n",
    "FROM scratch\nCOPY $APP_DIR /app/\n",
    "FROM scratch\nUSER $user\n",
    "FROM scratch\nVOLUME [\"$data\"]\n",
    "FROM scratch\nLABEL $key=1\n",
    "FROM scratch\nSTOPSIGNAL $sig\n",
    "FROM scratch\nADD --chown=$owner a /b\n",
])
def test_undefined_names_fire(source: str) -> None:
    (finding,) = fires(source, "LW406")
    assert finding.message.endswith("; declare it with ARG or ENV before this instruction")


@pytest.mark.parametrize("source", [
    "FROM scratch\nARG foo\nCOPY Dockerfile${foo} .\n",
    "FROM alpine AS base\nARG foo=Dockerfile\n\nFROM base\nCOPY $foo .\n",
    "FROM alpine\nRUN echo $PATH $undefined\n",
    "FROM alpine AS base\nARG foo\nCOPY $foo .\n",
    "FROM python AS base\nARG VERSION=$PYTHON_VERSION\n",
    "FROM golang:1.22\nWORKDIR $GOPATH/src/app\n",
    "FROM scratch\nARG a=1 b=$a\n",
    "FROM scratch\nENV a=1\nENV b=$a\n",
    "FROM scratch\nENV a='$b' c=\\$d\n",
    "FROM scratch\nCMD echo $x\nENTRYPOINT [\"$y\"]\nHEALTHCHECK CMD $z\nEXPOSE $port\n",
    "FROM scratch\nSHELL [\"$sh\"]\n",
    "FROM scratch\nCOPY <<'EOF' /x\n$foo\nEOF\n",
    "FROM alpine\nONBUILD COPY $foo .\n",
    "FROM scratch\nCOPY --from=$stage /a /b\n",
])
def test_defined_or_unchecked_uses_are_silent(source: str) -> None:
    silent(source, "LW406")


def test_predefined_arguments_need_a_declaration() -> None:
    (finding,) = fires("FROM alpine\nENV http_proxy=$HTTP_PROXY\n", "LW406")
    assert finding.span == Span.of(1, 15, 1, 26)
    assert finding.message == ("Usage of undefined variable '$HTTP_PROXY'; declare ARG "
                               "HTTP_PROXY in this stage to use the predefined build argument")
    assert finding.fix is not None
    assert finding.fix.edits == (TextEdit(Span.of(1, 0, 1, 0), "ARG HTTP_PROXY\n"),)
    silent("FROM alpine\nARG HTTP_PROXY\nENV http_proxy=$HTTP_PROXY\n", "LW406")


def test_global_and_platform_args_are_left_to_arg_scope() -> None:
    for source in ("ARG VERSION=1\nFROM alpine\nLABEL version=$VERSION\n",
                   "ARG V=1\nFROM alpine\nCOPY $V /x\nARG V\n",
                   "FROM alpine\nCOPY bin-$TARGETARCH /usr/bin/app\n"):
        silent(source, "LW406")
        fires(source, "LW109")


def test_env_does_not_see_its_own_values() -> None:
    (finding,) = fires("FROM alpine\nENV a=1 b=$a\n", "LW406")
    assert finding.span == Span.of(1, 10, 1, 12)
    assert finding.message == ("Usage of undefined variable '$a'; an ENV instruction does not "
                               "see the values it sets, so set a in an earlier ENV")


def test_heredoc_bodies_and_mount_options_are_located() -> None:
    found = fires("""\
        FROM scratch
        COPY <<EOF /etc/app.conf
        name=$name
        EOF
        RUN --mount=type=cache,target=$cache true
        """, "LW406")
    assert [f.span for f in found] == [Span.of(2, 5, 2, 10), Span.of(4, 30, 4, 36)]
    assert "quote its delimiter (<<'EOF')" in found[0].message
    assert found[1].message.endswith("declare it with ARG or ENV before this instruction")


def test_images_may_define_upper_case_names_but_not_typos() -> None:
    silent("FROM node:22\nENV PATH=$NODE_HOME/bin:$PATH\n", "LW406")
    fires("FROM node:22\nARG NODE_ENV=production\nENV MODE=$NODE_EMV\n", "LW406")


def test_one_finding_per_name_and_instruction() -> None:
    (finding,) = fires("FROM scratch\nCOPY $src $src/b /c/\n", "LW406")
    assert finding.span == Span.of(1, 5, 1, 9)
