"""LW403 json-args-recommended."""

from __future__ import annotations

import pytest

from layerwise.syntax.span import Span, TextEdit

from .helpers import fires, silent


def test_shell_form_cmd_pins_range_message_and_fix() -> None:
    (finding,) = fires("FROM scratch\nCMD mycommand --port 80\n", "LW403")
    assert finding.span == Span.of(1, 4, 1, 23)
    assert finding.message == ("CMD in shell form runs under /bin/sh -c, which does not forward "
                               'OS signals; use the exec form CMD ["mycommand", "--port", "80"]')
    assert finding.data == {"buildkit": "JSONArgsRecommended"}
    assert finding.fix is not None and not finding.fix.safe
    assert finding.fix.edits == (
        TextEdit(Span.of(1, 4, 1, 23), '["mycommand", "--port", "80"]'),)


def test_entrypoint_and_simple_quotes() -> None:
    (finding,) = fires("FROM scratch\nENTRYPOINT my-program 'start' \"now\"\n", "LW403")
    assert finding.message.startswith("ENTRYPOINT in shell form")
    assert finding.fix is not None
    assert finding.fix.edits[0].new_text == '["my-program", "start", "now"]'


@pytest.mark.parametrize("command", [
    "echo $HOME", "a && b", "run | tee log", "ls *.txt", 'echo "a b"', "FOO=1 app",
    "cd /app", "app > /log", "echo ~",
])
def test_shell_syntax_gets_advice_but_no_fix(command: str) -> None:
    (finding,) = fires(f"FROM scratch\nCMD {command}\n", "LW403")
    assert finding.fix is None
    assert finding.message.endswith("move the shell logic into a script run in exec form, "
                                    "or set SHELL")


@pytest.mark.parametrize("source", [
    "FROM scratch\nSHELL [\"/usr/bin/customshell\"]\nCMD mycommand\n",
    "FROM scratch\nSHELL [\"/usr/bin/customshell\"]\nENTRYPOINT mycommand\n",
    "FROM scratch AS base\nSHELL [\"/usr/bin/customshell\"]\n\nFROM base\nCMD mycommand\n",
    "FROM scratch AS base\nSHELL [\"/usr/bin/customshell\"]\n\nFROM base\nENTRYPOINT mycommand\n",
    "FROM alpine\nENTRYPOINT [\"my-program\", \"start\"]\nCMD [\"--verbose\"]\n",
    "FROM alpine\nCMD exec nginx -g 'daemon off;'\n",
    "FROM alpine\nONBUILD CMD echo hi\n",
    "FROM alpine\nHEALTHCHECK CMD curl -f http://localhost/\n",
])
def test_buildkit_negative_cases(source: str) -> None:
    silent(source, "LW403")


def test_shell_only_counts_before_the_instruction_and_in_base_stages() -> None:
    fires("FROM alpine\nCMD app\nSHELL [\"/bin/bash\", \"-c\"]\n", "LW403")
    fires("FROM alpine AS a\nSHELL [\"/bin/bash\", \"-c\"]\nFROM alpine\nCMD app\n", "LW403")
    fires("FROM alpine\nCMD exec a; b\n", "LW403")
