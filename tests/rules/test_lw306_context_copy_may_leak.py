"""LW306 context-copy-may-leak: needs a real build context (a temporary folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.features.actions.fix_all import apply_edits
from layerwise.model.context import BuildContext
from layerwise.rules.base import Fix, Severity
from layerwise.rules.registry import find_rule

from .helpers import findings
from .test_rule_contract import _example

RULE = "LW306"


def context(tmp_path: Path, files: dict[str, str], ignore: str | None = None) -> BuildContext:
    """A build context folder with ``files`` and an optional ``.dockerignore``."""
    root = tmp_path / "ctx"
    root.mkdir()
    if ignore is not None:
        (root / ".dockerignore").write_text(ignore)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return BuildContext.for_dockerfile(root / "Dockerfile")


COPY_ALL = """
    FROM node:22-alpine
    WORKDIR /app
    COPY . .
    """

GOOD_IGNORE = ".git\n.env*\n*.pem\n*.key\nid_*\n.npmrc\n.aws\n*.tfvars\nkubeconfig\n"


def test_no_ignore_file_is_information(tmp_path: Path) -> None:
    """Without a .dockerignore, ``COPY . .`` may copy secrets: Information."""
    ctx = context(tmp_path, {"package.json": "{}"})
    (finding,) = findings(COPY_ALL, RULE, context=ctx)
    assert finding.severity == Severity.INFORMATION
    assert "there is no .dockerignore" in finding.message
    assert (finding.span.start.line, finding.span.start.col, finding.span.end.col) == (2, 5, 6)


def test_real_credential_files_make_it_a_warning(tmp_path: Path) -> None:
    """Unexcluded credential files in the context: Warning, and they are named."""
    ctx = context(tmp_path, {"package.json": "{}", ".env": "X=1", "deploy/id_rsa": "k"},
                  "node_modules\n")
    (finding,) = findings(COPY_ALL, RULE, context=ctx)
    assert finding.severity == Severity.WARNING
    assert ".env" in finding.message and "deploy/id_rsa" in finding.message
    assert "does not exclude" in finding.message
    assert finding.fix is not None and finding.fix.edits == () and not finding.fix.safe
    patterns = finding.data["patterns"].splitlines()
    assert ".git" in patterns and "**/id_rsa" in patterns
    (edit,) = finding.fix.files
    assert edit.lines == tuple(patterns) and not edit.create
    assert finding.fix.title == f"Add {', '.join(patterns)} to .dockerignore"


def test_good_ignore_file_is_silent(tmp_path: Path) -> None:
    """An ignore file that keeps the catalog's patterns out."""
    ctx = context(tmp_path, {"package.json": "{}", ".env": "X=1"}, GOOD_IGNORE)
    assert findings(COPY_ALL, RULE, context=ctx) == []


def test_allow_list_ignore_file_is_silent(tmp_path: Path) -> None:
    """``*`` then ``!src``: only what is listed is sent."""
    ctx = context(tmp_path, {"src/index.js": "", ".env": "X=1", "id_rsa": "k"},
                  "*\n!src\n!package.json\n")
    assert findings(COPY_ALL, RULE, context=ctx) == []


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    """``<Dockerfile>.dockerignore`` is used before ``.dockerignore``."""
    root = tmp_path / "ctx"
    root.mkdir()
    (root / ".dockerignore").write_text("node_modules\n")
    (root / "Dockerfile.dockerignore").write_text(GOOD_IGNORE)
    ctx = BuildContext.for_dockerfile(root / "Dockerfile")
    assert findings(COPY_ALL, RULE, context=ctx) == []


def test_whole_folder_copy_with_credentials(tmp_path: Path) -> None:
    """A copied context folder that holds credential files."""
    ctx = context(tmp_path, {"config/app.yml": "", "config/.env.production": "X=1"},
                  GOOD_IGNORE)
    (finding,) = findings("""
        FROM alpine:3.20
        COPY config/ /etc/app/
        """, RULE, context=ctx)
    assert finding.severity == Severity.WARNING
    assert "config/.env.production" in finding.message


def test_folder_copy_without_credentials_is_silent(tmp_path: Path) -> None:
    """Only the root copy cares about the ignore patterns."""
    ctx = context(tmp_path, {"src/app.py": ""})
    assert findings("""
        FROM python:3.12
        COPY src/ /app/src/
        COPY requirements.txt /app/
        """, RULE, context=ctx) == []


def test_artifact_stage_copied_out_wholesale(tmp_path: Path) -> None:
    """A builder's context copy that the image takes with ``COPY --from`` (distroless)."""
    ctx = context(tmp_path, {"index.js": "", ".env": "X=1"})
    (finding,) = findings("""
        FROM node:22 AS build
        WORKDIR /app
        COPY . .
        RUN npm ci
        FROM gcr.io/distroless/nodejs22-debian12
        COPY --from=build /app /app
        """, RULE, context=ctx)
    assert finding.severity == Severity.WARNING
    assert finding.related and "/app" in finding.related[0].message


def test_artifact_stage_copying_out_a_subfolder_is_silent(tmp_path: Path) -> None:
    """Copied-out paths that exclude the context root."""
    ctx = context(tmp_path, {"index.js": "", ".env": "X=1"})
    assert findings("""
        FROM node:22 AS build
        WORKDIR /app
        COPY . .
        RUN npm ci && npm run build
        FROM nginx:1.27
        COPY --from=build /app/dist /usr/share/nginx/html
        """, RULE, context=ctx) == []


def test_no_context_is_silent() -> None:
    """Without a known build context the rule cannot tell."""
    assert findings(COPY_ALL, RULE) == []


@pytest.mark.parametrize("section", ["## Example", "## Use instead"])
def test_doc_examples_with_their_context(tmp_path: Path, section: str) -> None:
    """The doc examples, run against ``example_context``."""
    rule = find_rule(RULE)
    assert rule is not None
    files = dict(rule.example_context)
    root = tmp_path / "ctx"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    (root / "package.json").write_text("{}")
    ctx = BuildContext.for_dockerfile(root / "Dockerfile")
    found = findings(_example(rule, section), RULE, context=ctx)
    assert bool(found) == (section == "## Example")


# --------------------------------------------------------------------------- the fix


def _fix(ctx: BuildContext) -> Fix:
    (finding,) = findings(COPY_ALL, RULE, context=ctx)
    assert finding.fix is not None and not finding.fix.safe and finding.fix.edits == ()
    return finding.fix


def _fixed(fix: Fix, text: str) -> str:
    (edit,) = fix.files
    return apply_edits(text, edit.text_edits(text))


def test_fix_creates_the_ignore_file(tmp_path: Path) -> None:
    """No ignore file: create ``.dockerignore`` in the context with every missing pattern;
    the copy is then silent."""
    ctx = context(tmp_path, {"package.json": "{}", ".env": "X=1"})
    fix = _fix(ctx)
    (edit,) = fix.files
    assert edit.create and edit.path == tmp_path / "ctx" / ".dockerignore"
    assert fix.title.startswith("Create .dockerignore with .git, .env*, ")
    edit.path.write_text(_fixed(fix, ""))
    assert edit.path.read_text() == GOOD_IGNORE + "**/.env\n"  # the leaked file, too
    assert findings(COPY_ALL, RULE, context=BuildContext.for_dockerfile(ctx.root /
                                                                         "Dockerfile")) == []


def test_fix_ends_the_last_line_first(tmp_path: Path) -> None:
    """An ignore file without a final line break keeps its last pattern intact."""
    ctx = context(tmp_path, {"package.json": "{}"}, "node_modules")
    fixed = _fixed(_fix(ctx), "node_modules")
    assert fixed == "node_modules\n" + GOOD_IGNORE


def test_fix_skips_patterns_already_there(tmp_path: Path) -> None:
    """A pattern the file has is not added again, even when a later exception undoes it."""
    ignore = ".env*\n!.env\n.git\n"
    ctx = context(tmp_path, {"package.json": "{}"}, ignore)
    fix = _fix(ctx)
    (edit,) = fix.files
    assert ".env*" not in edit.lines and ".git" not in edit.lines
    fixed = _fixed(fix, ignore)
    assert fixed.count(".env*") == 1 and fixed.count(".git") == 1
    assert fixed.startswith(ignore) and fixed.endswith("kubeconfig\n")


def test_fix_goes_to_the_dockerfile_specific_ignore_file(tmp_path: Path) -> None:
    """``<Dockerfile>.dockerignore`` wins over the context's ``.dockerignore``."""
    root = tmp_path / "ctx"
    root.mkdir()
    (root / ".dockerignore").write_text(GOOD_IGNORE)
    (root / "Dockerfile.dockerignore").write_text("node_modules\n")
    fix = _fix(BuildContext.for_dockerfile(root / "Dockerfile"))
    (edit,) = fix.files
    assert edit.path == root / "Dockerfile.dockerignore" and not edit.create
    assert fix.title.endswith(" to Dockerfile.dockerignore")
