"""LW411 copy-ignored-file."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from layerwise.model.analysis import analyze
from layerwise.model.context import BuildContext
from layerwise.rules.base import Finding
from layerwise.rules.buildkit.lw411_copy_ignored_file import CopyIgnoredFile
from layerwise.rules.registry import find_rule
from layerwise.syntax.span import Span

from .helpers import silent


def _check(tmp_path: Path, dockerignore: str | None, source: str,
           files: tuple[str, ...] = (), ignore_name: str = ".dockerignore") -> list[Finding]:
    """Run LW411 on ``source`` in a real context folder with the given ignore file."""
    if dockerignore is not None:
        (tmp_path / ignore_name).write_text(dockerignore)
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    text = textwrap.dedent(source).lstrip("\n")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text)
    rule = find_rule("LW411")
    assert rule is not None
    analysis = analyze(text, path=dockerfile, context=BuildContext.for_dockerfile(dockerfile))
    return list(rule.check(analysis))


def test_buildkit_case_pins_range_message_and_ignore_line(tmp_path: Path) -> None:
    copy, add = _check(tmp_path, "\nDockerfile\n",
                       "FROM scratch\nCOPY Dockerfile .\nADD Dockerfile /windy\n")
    assert copy.span == Span.of(1, 5, 1, 15)
    assert copy.message == ('Attempting to Copy file "Dockerfile" that is excluded by '
                            ".dockerignore (line 2: Dockerfile); change the pattern or the source")
    assert copy.data == {"buildkit": "CopyIgnoredFile",
                         "ignore_file": str(tmp_path / ".dockerignore"),
                         "ignore_line": "2", "pattern": "Dockerfile"}
    assert add.span == Span.of(2, 4, 2, 14)
    assert add.message.startswith('Attempting to Add file "Dockerfile"')


def test_without_a_context_it_is_silent() -> None:
    silent("FROM scratch\nCOPY Dockerfile .\n", "LW411")


def test_without_patterns_it_is_silent(tmp_path: Path) -> None:
    assert not _check(tmp_path, None, "FROM scratch\nCOPY Dockerfile .\n")
    assert not _check(tmp_path, "# only a comment\n", "FROM scratch\nCOPY Dockerfile .\n")


def test_copy_from_a_stage_is_not_the_context(tmp_path: Path) -> None:
    assert not _check(tmp_path, "\nfoobar\n", """\
        FROM scratch AS base
        COPY Dockerfile /foobar
        ADD Dockerfile /windy

        FROM base
        COPY --from=base /foobar /Dockerfile
        """)


@pytest.mark.parametrize("source", ["FROM scratch\nCOPY ./Dockerfile .\n",
                                    "FROM scratch\nCOPY . .\n"])
def test_buildkit_exceptions_re_include(tmp_path: Path, source: str) -> None:
    assert not _check(tmp_path, "\n**\n!Dockerfile\n", source, files=("Dockerfile",))


def test_context_root(tmp_path: Path) -> None:
    assert not _check(tmp_path, "\n.*\n", "FROM scratch\nCOPY . .\n")
    (finding,) = _check(tmp_path, "\n*\n", "FROM scratch\nCOPY . .\n")
    assert finding.message.startswith('Attempting to Copy file "." that is excluded by '
                                      ".dockerignore (line 2: *)")


def test_parents_variables_json_and_cleaning(tmp_path: Path) -> None:
    found = _check(tmp_path, "node_modules\n*.log\n", """\
        FROM alpine
        ARG LOG=debug.log
        COPY node_modules/lodash/index.js /app/
        COPY ["$LOG", "/var/log/"]
        COPY ./src/../node_modules /app/node_modules
        COPY src/ package.json /app/
        """)
    assert [(f.span.start.line, f.data["pattern"]) for f in found] == [
        (2, "node_modules"), (3, "*.log"), (4, "node_modules")]
    assert 'file "debug.log"' in found[1].message


def test_remote_sources_heredocs_and_unknown_values_are_skipped(tmp_path: Path) -> None:
    assert not _check(tmp_path, "*\n", """\
        FROM alpine
        ADD https://example.com/app.tgz /opt/
        ADD git@github.com:moby/buildkit.git /src
        COPY <<EOF /etc/motd
        hello
        EOF
        COPY $UNKNOWN /x/
        """)


def test_exceptions_still_report_files_that_stay_excluded(tmp_path: Path) -> None:
    found = _check(tmp_path, "*\n!src\n", """\
        FROM alpine
        COPY src/ /app/
        COPY secrets.txt /app/
        """, files=("src/main.py", "secrets.txt"))
    assert [f.span.start.line for f in found] == [2]
    assert re.search(r"\(line 1: \*\)", found[0].message)


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("other\n")
    (finding,) = _check(tmp_path, "Dockerfile\n", "FROM scratch\nCOPY Dockerfile .\n",
                        ignore_name="Dockerfile.dockerignore")
    assert "excluded by Dockerfile.dockerignore (line 1: Dockerfile)" in finding.message


def test_doc_examples_with_their_context(tmp_path: Path) -> None:
    doc = CopyIgnoredFile.__doc__ or ""
    blocks = re.findall(r"```dockerfile\n(.*?)```", doc, re.DOTALL)
    ignore = CopyIgnoredFile.example_context[".dockerignore"]
    assert _check(tmp_path, ignore, blocks[0])
    assert not _check(tmp_path, ignore, blocks[1])
