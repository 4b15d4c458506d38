"""The pre-commit hook definition agrees with the command's own idea of a Dockerfile."""

from __future__ import annotations

import re

import pytest

from layerwise.cli import build_parser, is_dockerfile_name

from .conftest import ROOT

HOOKS = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")


def hook_value(key: str) -> str:
    match = re.search(rf"^(?:- |  ){key}: (.+)$", HOOKS, re.MULTILINE)
    assert match, key
    return match.group(1).strip()


NAMES = ["Dockerfile", "dockerfile", "Containerfile", "Dockerfile.dev", "Containerfile.ci",
         "api.Dockerfile", "web.dockerfile", "Dockerfile.dockerignore", ".dockerignore",
         "Dockerfiles", "mydockerfile", "README.md", "Dockerfile.d", "x.Containerfile"]


@pytest.mark.parametrize("name", NAMES)
def test_hook_files_pattern_matches_the_discovery_names(name: str) -> None:
    files = re.compile(hook_value("files"))
    exclude = re.compile(hook_value("exclude"))
    for path in (name, f"sub/dir/{name}"):
        by_hook = bool(files.search(path)) and not exclude.search(path)
        assert by_hook == is_dockerfile_name(name), path


def test_hook_runs_check_serially() -> None:
    assert hook_value("id") == "layerwise"
    assert hook_value("entry") == "layerwise check"
    assert hook_value("language") == "python"
    assert hook_value("require_serial") == "true"
    parser = build_parser()
    args = parser.parse_args(["check", "--fix", "a/Dockerfile"])
    assert args.paths == ["a/Dockerfile"] and args.fix
