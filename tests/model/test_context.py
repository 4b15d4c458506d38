"""Tests for the build context: .dockerignore parsing, matching, walking and globbing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from layerwise.model import context as context_module
from layerwise.model.context import (
    BuildContext,
    IgnorePattern,
    go_clean,
    parse_dockerignore,
)

NOWHERE = Path("/nonexistent-layerwise-context")


def matcher(text: str) -> BuildContext:
    """A context that only matches (its root does not exist)."""
    return BuildContext(NOWHERE, patterns=parse_dockerignore(text))


def make_tree(root: Path, files: list[str]) -> None:
    """Create files (ending in '/' for empty folders) below ``root``."""
    for rel in files:
        target = root / rel
        if rel.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("x")


def context_with(tmp_path: Path, ignore: str | None, files: list[str]) -> BuildContext:
    root = tmp_path / "ctx"
    root.mkdir()
    make_tree(root, files)
    (root / "Dockerfile").write_text("FROM scratch\n")
    if ignore is not None:
        (root / ".dockerignore").write_text(ignore)
    return BuildContext.for_dockerfile(root / "Dockerfile")


# --------------------------------------------------------------------------- parsing


def test_parse_skips_comments_and_blank_lines_and_keeps_line_numbers() -> None:
    text = "# comment\n\n  node_modules  \n\t\n*.log\n#another\n!keep.log\n"
    patterns = parse_dockerignore(text)
    assert [(p.pattern, p.exclusion, p.line) for p in patterns] == [
        ("node_modules", False, 3),
        ("*.log", False, 5),
        ("keep.log", True, 7),
    ]


def test_comment_only_at_column_one() -> None:
    (pattern,) = parse_dockerignore("  # not a comment")
    assert pattern.pattern == "# not a comment"


def test_parse_crlf_and_bom() -> None:
    patterns = parse_dockerignore("\ufeffsecret.txt\r\n# c\r\n!x\r\n")
    assert [(p.pattern, p.exclusion, p.line) for p in patterns] == [
        ("secret.txt", False, 1),
        ("x", True, 3),
    ]


@pytest.mark.parametrize(
    ("line", "pattern", "exclusion"),
    [
        ("/abs/path", "abs/path", False),
        ("./a/../b/", "b", False),
        ("a//b/.", "a/b", False),
        ("!  spaced", "spaced", True),
        ("!/docs/README.md", "docs/README.md", True),
        ("!!odd", "!odd", True),
        ("/", "/", False),
    ],
)
def test_parse_cleans_patterns(line: str, pattern: str, exclusion: bool) -> None:
    (parsed,) = parse_dockerignore(line)
    assert (parsed.pattern, parsed.exclusion, parsed.error) == (pattern, exclusion, None)


@pytest.mark.parametrize("line", ["[", "a[", "[^bc", "[]a]", "[-x]", "[x-]", "[a-b-c]", "abc\\"])
def test_malformed_patterns_get_an_error_and_never_match(line: str) -> None:
    (parsed,) = parse_dockerignore(line)
    assert parsed.error is not None
    assert not parsed.matches(line)
    assert not BuildContext(NOWHERE, patterns=(parsed,)).is_ignored("a")


def test_lone_bang_is_an_error() -> None:
    (parsed,) = parse_dockerignore("!")
    assert parsed.exclusion and parsed.error == 'illegal exclusion pattern: "!"'


@pytest.mark.parametrize(
    ("path", "clean"),
    [("", "."), ("a/./b/", "a/b"), ("a/../..", ".."), ("/../x", "/x"), ("//a//", "/a")],
)
def test_go_clean(path: str, clean: str) -> None:
    assert go_clean(path) == clean


# --------------------------------------------------------------------------- matching

MATCH_CASES = [
    # (pattern, path, ignored) -- behaviour of moby/patternmatcher
    ("**", "file", True),
    ("**/", "dir/file", True),
    ("dir/**", "dir/dir2/file", True),
    ("**/dir", "dir", True),
    ("**/dir", "dir/file", True),
    ("**/dir2/*", "dir/dir2/file", True),
    ("**file", "file", True),
    ("**file", "dir/dir/file", True),
    ("**file", "dir/myfile", True),
    ("**/file*.txt", "dir/dir/file.txt", True),
    ("**/**/*.txt2", "dir/dir/file.txt", False),
    ("**/*.txt", "file.txt", True),
    ("a**/*.txt", "a/dir/dir/file.txt", True),
    ("a/*.txt", "a/dir/file.txt", False),
    ("a/*.txt", "a/file.txt", True),
    ("a[b-d]e", "ace", True),
    ("a[b-d]e", "aae", False),
    ("a[^b-d]e", "aze", True),
    (".*", ".foo", True),
    (".*", "foo", False),
    ("abc.def", "abcZdef", False),
    ("abc?def", "abcZdef", True),
    ("abc?def", "abcdef", False),
    ("**/foo/bar", "dir/dir2/foo/bar", True),
    ("abc/**", "abc", False),
    ("abc/**", "abc/def/ghi", True),
    ("**/.foo", "bar.foo", False),
    ("a(b)c/def", "a(b)c/def", True),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", True),
    ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", True),
    ("a*", "ab/c", True),  # the parent "ab" matches
    ("a*/b", "a/c/b", False),
    ("a?b", "a/b", False),
    ("a*b", "a/b", False),
    ("a\\*b", "a*b", True),
    ("a\\*b", "ab", False),
    ("[\\]a]", "]", True),
    ("[x\\-]", "-", True),
    ("[x\\-]", "z", False),
    ("[a-ζ]*", "α", True),
    ("a[^a][^a][^a]b", "a☺b", False),
    ("**.pem", "certs/key.pem", True),
    ("*.pem", "certs/key.pem", False),
]


@pytest.mark.parametrize(("pattern", "path", "ignored"), MATCH_CASES)
def test_single_pattern_matching(pattern: str, path: str, ignored: bool) -> None:
    assert matcher(pattern).is_ignored(path) is ignored


@pytest.mark.parametrize(
    ("text", "path", "ignored"),
    [
        ("**\n!util/docker/web", "util/docker/web/foo", False),
        ("**\n!util/docker/web\nutil/docker/web/foo", "util/docker/web/foo", True),
        ("**\n!dist/*.whl", "dist/a-1.0-py3-none-any.whl", False),
        ("docs\n!docs/README.md", "docs/README.md", False),
        ("docs\n!docs/README.md", "docs/other.md", True),
        ("docs/\n!docs/README.md", "docs/README.md", False),
        ("docs/*\n!docs/README.md", "docs/README.md", False),
        ("!fileutils.go\n*.go", "fileutils.go", True),  # the last match wins
        ("*.go\n!fileutils.go", "fileutils.go", False),
        ("*.md\n!README.md", "README.md", False),
        ("*.md\n!README.md", "CHANGELOG.md", True),
        # BuildKit's walk reuses the parent's per-pattern results: "!d" was skipped for
        # the folder "d" (nothing was excluded yet), so it does not rescue "d/f".
        ("d/f\n!d", "d/f", True),
    ],
)
def test_multiple_patterns(text: str, path: str, ignored: bool) -> None:
    assert matcher(text).is_ignored(path) is ignored


def test_parent_directory_exclusion_covers_everything_below() -> None:
    ctx = matcher("build\n")
    assert ctx.is_ignored("build")
    assert ctx.is_ignored("build/a/b/c.txt")
    assert not ctx.is_ignored("builder/a.txt")
    assert not ctx.is_ignored("src/build")  # patterns are anchored at the root


def test_doublestar_pem_everywhere() -> None:
    ctx = matcher("**/*.pem\n")
    for path in ("key.pem", "a/key.pem", "a/b/c/key.pem"):
        assert ctx.is_ignored(path)
    for path in ("key.pem.txt", "a/key.pub", "pem"):
        assert not ctx.is_ignored(path)


def test_query_paths_are_normalized() -> None:
    ctx = matcher("secret\n")
    for path in ("secret", "./secret", "/secret", "secret/", "a/../secret", "../secret"):
        assert ctx.is_ignored(path), path
    for path in ("", ".", "/", "./"):
        assert not ctx.is_ignored(path), path  # the root itself is never ignored


def test_deciding_pattern_reports_the_line() -> None:
    ctx = matcher("# header\n*.md\n!README.md\n")
    assert ctx.deciding_pattern("CHANGELOG.md") == IgnorePattern.compile("*.md", False, 2)
    decider = ctx.deciding_pattern("README.md")
    assert decider is not None and decider.exclusion and decider.line == 3
    assert ctx.deciding_pattern("main.go") is None


def test_no_patterns_ignores_nothing() -> None:
    ctx = BuildContext(NOWHERE)
    assert not ctx.has_ignore_file
    assert not ctx.is_ignored("anything/at/all")


# --------------------------------------------------------------------------- ignore file lookup


def test_context_defaults_to_the_dockerfile_folder(tmp_path: Path) -> None:
    ctx = context_with(tmp_path, "*.log\n", ["app.log", "main.py"])
    assert ctx.root == tmp_path / "ctx"
    assert ctx.ignore_file == tmp_path / "ctx" / ".dockerignore"
    assert ctx.has_ignore_file and ctx.errors == ()
    assert ctx.is_ignored("app.log") and not ctx.is_ignored("main.py")


def test_dockerfile_specific_ignore_file_takes_precedence(tmp_path: Path) -> None:
    root = tmp_path / "ctx"
    make_tree(root, ["docker/Dockerfile.dev", "a.txt", "b.txt"])
    (root / ".dockerignore").write_text("a.txt\n")
    special = root / "docker" / "Dockerfile.dev.dockerignore"
    special.write_text("b.txt\n")
    ctx = BuildContext.for_dockerfile(root / "docker" / "Dockerfile.dev", root)
    assert ctx.root == root
    assert ctx.ignore_file == special
    assert ctx.is_ignored("b.txt") and not ctx.is_ignored("a.txt")
    # Another Dockerfile in the same folder still uses the context's .dockerignore.
    other = BuildContext.for_dockerfile(root / "docker" / "Dockerfile.prod", root)
    assert other.ignore_file == root / ".dockerignore"
    assert other.is_ignored("a.txt") and not other.is_ignored("b.txt")


def test_ignore_file_is_looked_up_in_the_context_not_the_dockerfile_folder(
    tmp_path: Path,
) -> None:
    make_tree(tmp_path, ["ctx/x", "elsewhere/Dockerfile"])
    (tmp_path / "elsewhere" / ".dockerignore").write_text("x\n")
    ctx = BuildContext.for_dockerfile(tmp_path / "elsewhere" / "Dockerfile", tmp_path / "ctx")
    assert ctx.ignore_file is None and ctx.patterns == ()


def test_no_ignore_file(tmp_path: Path) -> None:
    ctx = context_with(tmp_path, None, ["a"])
    assert ctx.ignore_file is None and not ctx.has_ignore_file
    assert ctx.patterns == () and ctx.errors == ()


def test_folder_named_like_the_ignore_file_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "ctx"
    make_tree(root, ["Dockerfile.dockerignore/", "a"])
    (root / ".dockerignore").write_text("a\n")
    ctx = BuildContext.for_dockerfile(root / "Dockerfile")
    assert ctx.ignore_file == root / ".dockerignore"


def test_missing_context_folder_is_an_error_not_an_exception(tmp_path: Path) -> None:
    ctx = BuildContext.for_dockerfile(tmp_path / "nope" / "Dockerfile")
    assert ctx.errors and "not a directory" in ctx.errors[0]
    assert list(ctx.walk()) == []
    assert ctx.glob("*") == ()
    assert not ctx.exists("Dockerfile") and not ctx.is_dir(".")


def test_crlf_ignore_file(tmp_path: Path) -> None:
    root = tmp_path / "ctx"
    make_tree(root, ["a.txt", "b.txt", "Dockerfile"])
    (root / ".dockerignore").write_bytes(b"# c\r\n*.txt\r\n!b.txt\r\n")
    ctx = BuildContext.for_dockerfile(root / "Dockerfile")
    assert [(p.pattern, p.line) for p in ctx.patterns] == [("*.txt", 2), ("b.txt", 3)]
    assert ctx.is_ignored("a.txt") and not ctx.is_ignored("b.txt")


def test_binary_ignore_file_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "ctx"
    make_tree(root, ["a", "Dockerfile"])
    (root / ".dockerignore").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    ctx = BuildContext.for_dockerfile(root / "Dockerfile")
    assert ctx.has_ignore_file and ctx.patterns == ()
    assert len(ctx.errors) == 1 and "binary" in ctx.errors[0]


def test_utf16_ignore_file_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "ctx"
    make_tree(root, ["a", "Dockerfile"])
    (root / ".dockerignore").write_bytes("a\r\n".encode("utf-16"))
    ctx = BuildContext.for_dockerfile(root / "Dockerfile")
    assert ctx.patterns == () and "UTF-16" in ctx.errors[0]


def test_invalid_utf8_is_reported_but_used(tmp_path: Path) -> None:
    root = tmp_path / "ctx"
    make_tree(root, ["a", "Dockerfile"])
    (root / ".dockerignore").write_bytes(b"caf\xe9\na\n")
    ctx = BuildContext.for_dockerfile(root / "Dockerfile")
    assert "UTF-8" in ctx.errors[0]
    assert ctx.is_ignored("a")


def test_malformed_pattern_is_reported_with_its_line(tmp_path: Path) -> None:
    ctx = context_with(tmp_path, "ok\n\n[oops\n", [])
    assert len(ctx.errors) == 1 and ctx.errors[0].endswith(":3: invalid pattern '[oops'")


def test_unreadable_ignore_file_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "ctx"
    make_tree(root, ["a", "b", "Dockerfile"])
    (root / "Dockerfile.dockerignore").write_text("a\n")
    (root / ".dockerignore").write_text("b\n")
    real_read = Path.read_bytes

    def flaky_read(self: Path) -> bytes:
        if self.name == "Dockerfile.dockerignore":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", flaky_read)
    ctx = BuildContext.for_dockerfile(root / "Dockerfile")
    assert ctx.ignore_file == root / ".dockerignore"
    assert ctx.is_ignored("b") and not ctx.is_ignored("a")
    assert "Permission denied" in ctx.errors[0]


# --------------------------------------------------------------------------- filesystem


@pytest.fixture
def linked(tmp_path: Path) -> BuildContext:
    """A context with symlinks pointing inside and outside of it."""
    outside = tmp_path / "outside"
    make_tree(outside, ["secret.txt", "dir/inner.txt"])
    root = tmp_path / "ctx"
    make_tree(root, ["src/main.py", "src/util.py", "Dockerfile"])
    (root / "out_file").symlink_to(outside / "secret.txt")
    (root / "out_dir").symlink_to(outside / "dir")
    (root / "out_rel").symlink_to(Path("..") / "outside" / "secret.txt")
    (root / "in_dir").symlink_to("src")
    (root / "in_file").symlink_to("src/main.py")
    (root / "dangling").symlink_to("missing")
    return BuildContext.for_dockerfile(root / "Dockerfile")


def test_exists_and_is_dir(linked: BuildContext) -> None:
    assert linked.exists("src/main.py") and not linked.is_dir("src/main.py")
    assert linked.exists("src") and linked.is_dir("src") and linked.is_dir("src/")
    assert linked.exists("./src/main.py") and linked.exists("/src/main.py")
    assert linked.is_dir(".") and linked.is_dir("")
    assert not linked.exists("src/missing.py")


def test_exists_follows_symlinks_only_inside_the_root(linked: BuildContext) -> None:
    assert linked.exists("in_file") and linked.exists("in_dir/util.py")
    assert linked.is_dir("in_dir")
    for path in ("out_file", "out_rel", "out_dir", "out_dir/inner.txt", "dangling"):
        assert not linked.exists(path), path
        assert not linked.is_dir(path), path


def test_dotdot_is_scoped_to_the_root(linked: BuildContext) -> None:
    assert not linked.exists("../outside/secret.txt")
    assert linked.exists("../src/main.py")  # BuildKit resolves ".." at the root to the root


def test_odd_paths_never_raise(linked: BuildContext) -> None:
    assert not linked.exists("bad\0name")
    assert not linked.is_dir("bad\0name")
    assert linked.glob("bad\0name") == ()
    assert not linked.exists("src/main.py/child")


def test_symlink_loops_never_raise(tmp_path: Path) -> None:
    ctx = context_with(tmp_path, None, ["a"])
    (ctx.root / "loop1").symlink_to("loop2")
    (ctx.root / "loop2").symlink_to("loop1")
    (ctx.root / "self").symlink_to(".")
    assert not ctx.exists("loop1") and not ctx.is_dir("loop1/x")
    assert ctx.is_dir("self") and ctx.exists("self/self/a")
    assert ctx.glob("loop*") == ()
    assert sorted(ctx.walk()) == ["Dockerfile", "a", "loop1", "loop2", "self"]


# --------------------------------------------------------------------------- walk


def test_walk_yields_kept_files_and_symlinks_without_following(linked: BuildContext) -> None:
    assert sorted(linked.walk()) == [
        "Dockerfile",
        "dangling",
        "in_dir",
        "in_file",
        "out_dir",
        "out_file",
        "out_rel",
        "src/main.py",
        "src/util.py",
    ]


def test_walk_skips_ignored_folders_without_listing_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = context_with(
        tmp_path,
        "node_modules\n**/*.pem\n.git\n",
        ["node_modules/a/index.js", ".git/HEAD", "src/key.pem", "src/app.js", "README"],
    )
    listed: list[str] = []
    real_list = context_module._sorted_entries

    def spy(path: str) -> list[os.DirEntry[str]]:
        listed.append(os.path.basename(path))
        return real_list(path)

    monkeypatch.setattr(context_module, "_sorted_entries", spy)
    assert sorted(ctx.walk()) == [".dockerignore", "Dockerfile", "README", "src/app.js"]
    assert "node_modules" not in listed and ".git" not in listed


def test_walk_enters_ignored_folder_when_an_exception_points_inside(tmp_path: Path) -> None:
    ctx = context_with(
        tmp_path,
        "vendor\n!vendor/keep/\nlogs\n",
        ["vendor/drop.txt", "vendor/keep/a.txt", "logs/x.log"],
    )
    files = set(ctx.walk())
    assert "vendor/keep/a.txt" in files
    assert "vendor/drop.txt" not in files and "logs/x.log" not in files


def test_walk_with_wildcard_exception_descends_everywhere(tmp_path: Path) -> None:
    ctx = context_with(
        tmp_path,
        "*\n!**/*.md\n",
        ["docs/guide/intro.md", "docs/guide/intro.txt", "README.md", "main.go"],
    )
    assert sorted(ctx.walk()) == ["README.md", "docs/guide/intro.md"]


def test_walk_stops_at_the_limit_lazily(tmp_path: Path) -> None:
    ctx = context_with(tmp_path, None, [f"d{i}/f{j}" for i in range(5) for j in range(5)])
    assert len(list(ctx.walk(limit=7))) == 7
    assert list(ctx.walk(limit=0)) == []
    walker = ctx.walk()
    assert next(walker) == "Dockerfile"  # files of a folder come before its subfolders
    assert next(walker) == "d0/f0"


# --------------------------------------------------------------------------- glob


@pytest.fixture
def globbed(tmp_path: Path) -> BuildContext:
    return context_with(
        tmp_path,
        "*.log\nsecret\n",
        [
            "a.txt", "b.txt", "c.txt", "ab.txt", ".hidden.txt", "app.log", "secret/key",
            "src/a/main.py", "src/b/main.py", "src/b/test.py", "src/c.py",
        ],
    )


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("*.txt", (".hidden.txt", "a.txt", "ab.txt", "b.txt", "c.txt")),
        ("?.txt", ("a.txt", "b.txt", "c.txt")),
        ("[ab].txt", ("a.txt", "b.txt")),
        ("[^ab].txt", ("c.txt",)),
        ("[a-b]?.txt", ("ab.txt",)),
        ("src/*/main.py", ("src/a/main.py", "src/b/main.py")),
        ("./src/?/*.py", ("src/a/main.py", "src/b/main.py", "src/b/test.py")),
        ("/src/*", ("src/a", "src/b", "src/c.py")),
        ("src/b/", ("src/b",)),
        ("src/c.py", ("src/c.py",)),
        ("src/**.py", ("src/c.py",)),  # "**" is just "*" for COPY sources
        ("*.log", ()),  # ignored
        ("secret", ()),
        ("secret/*", ()),
        ("missing", ()),
        ("[", ()),  # malformed
        ("a\\", ()),
        (".", (".",)),
    ],
)
def test_glob(globbed: BuildContext, pattern: str, expected: tuple[str, ...]) -> None:
    assert globbed.glob(pattern) == expected


def test_glob_limit(globbed: BuildContext) -> None:
    assert globbed.glob("*.txt", limit=2) == (".hidden.txt", "a.txt")
    assert globbed.glob("*", limit=0) == ()


def test_glob_escaped_wildcard(tmp_path: Path) -> None:
    ctx = context_with(tmp_path, None, ["a*b", "axb"])
    assert ctx.glob("a\\*b") == ("a*b",)
    assert ctx.glob("a*b") == ("a*b", "axb")


def test_glob_does_not_leave_the_root(linked: BuildContext) -> None:
    assert linked.glob("out_*") == ()
    assert linked.glob("out_dir/*") == ()
    assert linked.glob("in_*") == ("in_dir", "in_file")
    assert linked.glob("in_dir/*.py") == ("in_dir/main.py", "in_dir/util.py")
    assert all(linked.exists(path) for path in linked.glob("*"))


def test_glob_keeps_ignored_folder_with_reincluded_content(tmp_path: Path) -> None:
    ctx = context_with(
        tmp_path, "docs\n!docs/README.md\nbuild\n", ["docs/README.md", "docs/x", "build/o"]
    )
    assert ctx.is_ignored("docs")
    assert ctx.glob("docs") == ("docs",)
    assert ctx.glob("docs/*") == ("docs/README.md",)
    assert ctx.glob("build") == ()


def test_glob_through_symlink_respects_ignore_of_the_target(tmp_path: Path) -> None:
    ctx = context_with(tmp_path, "private\n", ["private/key", "public/page"])
    (ctx.root / "alias").symlink_to("private")
    (ctx.root / "www").symlink_to("public")
    assert ctx.glob("alias/*") == ()
    assert ctx.glob("www/*") == ("www/page",)
