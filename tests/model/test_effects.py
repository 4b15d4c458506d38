"""Tests for the filesystem effects of RUN scripts."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layerwise.model.effects import Effects, PackageOp, PathEffect, script_effects
from layerwise.model.shell import parse_script


def effects(text: str, cwd: str = "/", env: Mapping[str, str] | None = None) -> Effects:
    """Effects of a script given as text."""
    return script_effects(parse_script(text), cwd, env)


def paths(items: tuple[PathEffect, ...], kind: str | None = None) -> list[str]:
    """The paths of some effects, optionally of one kind."""
    return [e.path for e in items if kind is None or e.kind == kind]


def package(text: str, index: int = 0) -> PackageOp:
    """One package operation of a script."""
    return effects(text).packages[index]


def flags(op: PackageOp) -> list[tuple[str, str | None]]:
    """Option names and values of a package operation."""
    return [(f.name, f.value.value if f.value else None) for f in op.flags]


# -- downloads ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("curl -fsSLo /tmp/a.tgz https://x/a.tgz", "/tmp/a.tgz"),
        ("curl --output /tmp/a.tgz https://x/a.tgz", "/tmp/a.tgz"),
        ("curl -fsSLO https://x/dl/b.tar.gz?sig=1#f", "/b.tar.gz"),
        ("curl -O --output-dir /opt https://x/c.zip", "/opt/c.zip"),
        ("curl -fsSL https://x/d.deb > /tmp/d.deb", "/tmp/d.deb"),
        ("wget https://x/e.run", "/e.run"),
        ("wget -q -O /tmp/f.sh https://x/f", "/tmp/f.sh"),
        ("wget -P /downloads https://x/g.whl", "/downloads/g.whl"),
        ("wget https://x/dir/", "/index.html"),
        ("aria2c -x 4 https://x/h.tar.xz", "/h.tar.xz"),
        ("aria2c -d /tmp -o i.zip https://x/i", "/tmp/i.zip"),
        ("aria2c --dir=/opt --out=j.run https://x/j", "/opt/j.run"),
    ],
)
def test_downloads(text: str, expected: str) -> None:
    assert paths(effects(text).created, "download") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "curl -fsSL https://x/a.tgz | tar -xz -C /opt",
        "wget -qO- https://x/install.sh | sh",
        "curl -o - https://x/a | sh",
        "wget -O - https://x/a | bash -s --",
    ],
)
def test_streamed_downloads_create_no_file(text: str) -> None:
    result = effects(text)
    assert paths(result.created, "download") == []
    assert result.inputs == ()


def test_download_offsets_point_at_the_file_word() -> None:
    text = "cd /tmp && curl -fsSL -o node.tgz https://x/node.tgz"
    (created,) = effects(text).created
    assert (created.path, created.command) == ("/tmp/node.tgz", 1)
    assert (created.start, created.end) == (25, 33)
    assert text[created.start : created.end] == "node.tgz"


def test_remote_name_is_exact_when_only_the_directory_expands() -> None:
    (created,) = effects("curl -O https://x/v$VERSION/app.tgz").created
    assert (created.path, created.exact) == ("/app.tgz", True)
    (created,) = effects("curl -O https://x/app-$VERSION.tgz").created
    assert created.exact is False


# -- archives, clones, directories ----------------------------------------------------------------


def test_tar_extract_marks_archive_input_and_target_dir() -> None:
    result = effects("tar -xzf /tmp/node.tgz -C /usr/local --strip-components=1")
    assert paths(result.inputs, "extract") == ["/tmp/node.tgz"]
    (extract,) = result.created
    assert (extract.path, extract.kind, extract.recursive) == ("/usr/local", "extract", False)


def test_tar_old_style_and_default_cwd() -> None:
    result = effects("cd /opt && tar xzf app.tar.gz")
    assert paths(result.inputs) == ["/opt/app.tar.gz"]
    assert paths(result.created, "extract") == ["/opt"]


def test_extract_into_fresh_directory_is_recursive() -> None:
    (mkdir, extract) = effects("mkdir /opt/app && tar -xf app.tar -C /opt/app").created
    assert mkdir.kind == "mkdir" and extract.recursive and extract.covers("/opt/app/bin/app")
    (_, extract) = effects("mkdir -p /usr/local && tar -xf app.tar -C /usr/local").created
    assert not extract.recursive and not extract.covers("/usr/local/bin/app")


def test_unzip() -> None:
    result = effects("unzip -q /tmp/x.zip -d /opt/x")
    assert paths(result.inputs) == ["/tmp/x.zip"]
    assert paths(result.created, "extract") == ["/opt/x"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("git clone --depth 1 https://github.com/a/repo.git", "/src/repo"),
        ("git clone -b main https://github.com/a/repo /app", "/app"),
        ("git -C /opt clone git@github.com:a/tool.git", "/opt/tool"),
    ],
)
def test_git_clone(text: str, expected: str) -> None:
    (clone,) = effects(text, cwd="/src").created
    assert (clone.path, clone.kind, clone.recursive) == (expected, "clone", True)
    assert clone.covers(expected + "/.git/config")


def test_mkdir_with_braces_and_relative_paths() -> None:
    result = effects("cd /srv && mkdir -p /a/{b,c} logs -m 700")
    assert paths(result.created, "mkdir") == ["/a/b", "/a/c", "/srv/logs"]


def test_copy_and_move_destinations() -> None:
    result = effects(
        "cp -r conf/ /etc/app/ && cp a b /usr/bin && mv /tmp/x /opt/x && cp one /two", cwd="/w"
    )
    assert paths(result.created) == ["/etc/app/conf", "/usr/bin/a", "/usr/bin/b", "/opt/x", "/two"]
    assert paths(result.modified) == paths(result.created)
    assert paths(result.removed, "move") == ["/tmp/x"]
    assert result.created[0].recursive and not result.created[1].recursive


# -- removals -----------------------------------------------------------------------------------


def test_rm_keeps_glob_patterns() -> None:
    (removed,) = effects("apt-get update && rm -rf /var/lib/apt/lists/*").removed
    assert (removed.path, removed.kind, removed.recursive) == ("/var/lib/apt/lists/*", "rm", True)
    assert removed.covers("/var/lib/apt/lists/deb.debian.org_dists_InRelease")
    assert removed.covers("/var/lib/apt/lists/partial/x")
    assert not removed.covers("/var/lib/apt/lists")
    assert not removed.covers("/var/lib/apt/lists/.hidden")


def test_covers_without_recursion_and_star_within_one_component() -> None:
    (removed,) = effects("rm -f /tmp/*.deb").removed
    assert removed.covers("/tmp/a.deb")
    assert not removed.covers("/tmp/sub/a.deb")
    (removed,) = effects("rm -r /tmp/build").removed
    assert removed.covers("/tmp/build/obj/x.o") and not removed.covers("/tmp/builder")


def test_rmdir_and_find_delete() -> None:
    result = effects(
        "rmdir /a && find /var/lib/apt/lists -type f -delete && find /c -exec rm -rf {} +"
    )
    assert [(e.path, e.kind, e.recursive) for e in result.removed] == [
        ("/a", "rmdir", False),
        ("/var/lib/apt/lists", "find", True),
        ("/c", "find", True),
    ]


def test_find_with_name_filter_claims_nothing() -> None:
    assert effects("find / -name '*.pyc' -delete").removed == ()


def test_package_removals_are_operations_not_paths() -> None:
    result = effects(
        "apt-get purge -y --auto-remove gcc && apt-get autoremove -y && apk del .build-deps"
    )
    assert result.removed == ()
    assert [(p.manager, p.action, [w.value for w in p.packages]) for p in result.packages] == [
        ("apt-get", "purge", ["gcc"]),
        ("apt-get", "autoremove", []),
        ("apk", "del", [".build-deps"]),
    ]


# -- modifications ------------------------------------------------------------------------------


def test_metadata_changes() -> None:
    result = effects(
        "chmod +x /run.sh && chown -R app:app /app && chmod -x /a && chgrp -R g /b", cwd="/"
    )
    assert [(e.path, e.kind, e.recursive) for e in result.modified] == [
        ("/run.sh", "chmod", False),
        ("/app", "chown", True),
        ("/a", "chmod", False),
        ("/b", "chgrp", True),
    ]
    assert result.created == ()


def test_touch_sed_ln() -> None:
    result = effects(
        "touch /a && touch -c /b && sed -i.bak 's/x/y/' /etc/c && sed -e s/a/b/ /d && ln -sf /x /y"
    )
    assert paths(result.created) == ["/a", "/y"]
    assert [(e.path, e.kind) for e in result.modified] == [
        ("/a", "touch"),
        ("/b", "touch"),
        ("/etc/c", "sed"),
        ("/y", "link"),
    ]


def test_redirects_and_tee() -> None:
    text = "echo x > /etc/a && echo y >> /etc/b 2>/dev/null && echo z | tee -a /etc/c /dev/stderr"
    result = effects(text)
    assert [(e.path, e.kind) for e in result.created] == [
        ("/etc/a", "redirect"),
        ("/etc/b", "redirect"),
        ("/etc/c", "write"),
    ]
    assert paths(result.modified) == ["/etc/a", "/etc/b", "/etc/c"]


def test_heredoc_written_to_a_file() -> None:
    text = 'cat <<EOF > /etc/apt/apt.conf.d/99norecommends\nAPT::Install-Recommends "0";\nEOF\n'
    (created,) = effects(text).created
    assert (created.path, created.kind) == ("/etc/apt/apt.conf.d/99norecommends", "redirect")


# -- working directory and variables ------------------------------------------------------------


def test_cd_is_tracked_within_scope_only() -> None:
    text = (
        "cd /build && (cd sub && touch a) && sh -c 'cd /x && touch b' "
        "&& touch c && cd .. && touch d"
    )
    assert paths(effects(text).created) == ["/build/sub/a", "/x/b", "/build/c", "/d"]


def test_unknown_cd_makes_relative_paths_inexact() -> None:
    result = effects('cd "$(mktemp -d)" && touch a && touch /abs')
    assert [(e.path.endswith("/a"), e.exact) for e in result.created] == [
        (True, False),
        (False, True),
    ]


def test_conditional_cd_is_not_trusted() -> None:
    (created,) = effects("[ -d /x ] && true || cd /x; touch a").created
    assert created.exact is False


def test_variables_from_env_and_script() -> None:
    text = (
        'V=1.2; export D=/opt/app; curl -o "$D/app-${V}.tgz" https://x && rm -rf $UNKNOWN/x ~/cache'
    )
    result = effects(text, env={"HOME": "/home/u"})
    assert [(e.path, e.exact) for e in result.created] == [("/opt/app/app-1.2.tgz", True)]
    assert [(e.path, e.exact) for e in result.removed] == [
        ("/${UNKNOWN}/x", False),
        ("/home/u/cache", True),
    ]


def test_env_mapping_and_prefix_assignments() -> None:
    result = effects(
        "D=/tmp curl -o $D/x https://x && mkdir $WORK/y", cwd="/w", env={"WORK": "/work"}
    )
    assert [(e.path, e.exact) for e in result.created] == [("/w/${D}/x", False), ("/work/y", True)]


def test_nested_shell_sees_outer_variables_but_not_its_cd() -> None:
    result = effects('D=/opt; sh -c "cd $D && mkdir x"; mkdir y', cwd="/w")
    assert [(e.path, e.exact) for e in result.created] == [("/opt/x", True), ("/w/y", True)]


def test_wrapped_commands_and_xargs() -> None:
    result = effects(
        "echo x | sudo tee /etc/a > /dev/null && find /tmp -name '*.log' | xargs rm -f"
    )
    assert [(e.path, e.command) for e in result.created] == [("/etc/a", 2)]
    assert result.removed == ()


def test_tilde_is_root_home() -> None:
    assert paths(effects("mkdir ~/.ssh").created) == ["/root/.ssh"]


# -- package managers ---------------------------------------------------------------------------


def test_apt_flags_before_action_and_spans() -> None:
    text = (
        "apt-get -y -o Dpkg::Options::=--force-confold install --no-install-recommends curl=7.* git"
    )
    op = package(text)
    assert (op.manager, op.action) == ("apt-get", "install")
    assert flags(op) == [
        ("-y", None),
        ("-o", "Dpkg::Options::=--force-confold"),
        ("--no-install-recommends", None),
    ]
    assert [w.value for w in op.packages] == ["curl=7.*", "git"]
    assert op.manager_span == (0, 7)
    assert op.action_span is not None and text[slice(*op.action_span)] == "install"
    assert op.has_flag("--no-install-recommends") and not op.has_flag("--no-cache")


def test_apt_update_fills_lists_and_dist_clean_empties_them() -> None:
    result = effects("apt-get update -qq && apt-get install -yq x && apt-get distclean")
    assert [p.action for p in result.packages] == ["update", "install", "dist-clean"]
    assert [(e.path, e.kind) for e in result.created] == [("/var/lib/apt/lists", "cache")]
    assert [(e.path, e.kind) for e in result.removed] == [("/var/lib/apt/lists", "clean")]
    assert flags(result.packages[1]) == [("-y", None), ("-q", None)]


def test_apk() -> None:
    op = package("apk add --no-cache --virtual .build-deps gcc musl-dev")
    assert (op.manager, op.action) == ("apk", "add")
    option = op.flag("--virtual", "-t")
    assert option is not None and option.value is not None and option.value.value == ".build-deps"
    assert [w.value for w in op.packages] == ["gcc", "musl-dev"]
    assert effects("apk add --no-cache curl").created == ()
    assert paths(effects("apk update && apk add curl").created) == [
        "/var/cache/apk",
        "/var/cache/apk",
    ]
    assert package("apk cache clean").action == "cache clean"


@pytest.mark.parametrize(
    ("text", "manager", "action", "packages"),
    [
        ("pip install --no-cache-dir -r requirements.txt", "pip", "install", []),
        ("pip3 install -U pip setuptools", "pip", "install", ["pip", "setuptools"]),
        ("pip3.11 --no-cache-dir install x", "pip", "install", ["x"]),
        ("python3 -m pip install --user x==1.0", "pip", "install", ["x==1.0"]),
        ("uv pip install --system ruff", "uv", "pip install", ["ruff"]),
        ("npm ci --omit=dev", "npm", "ci", []),
        ("npm i -g yarn@1", "npm", "install", ["yarn@1"]),
        ("npm cache clean --force", "npm", "cache clean", []),
        ("yarn --frozen-lockfile", "yarn", "install", []),
        ("yarn cache clean", "yarn", "cache clean", []),
        ("yarn --version", "yarn", "", []),
        ("pnpm add -D vite", "pnpm", "add", ["vite"]),
        ("pnpm store prune", "pnpm", "store prune", []),
        ("dnf -y --setopt=tsflags=nodocs install httpd", "dnf", "install", ["httpd"]),
        ("yum update -y", "yum", "upgrade", []),
        ("microdnf install -y jq", "microdnf", "install", ["jq"]),
        ("dnf makecache", "dnf", "makecache", []),
        ("zypper --non-interactive in -y vim", "zypper", "install", ["vim"]),
        ("zypper refresh", "zypper", "update", []),
        ("gem install bundler -v 2.4.0 --no-document", "gem", "install", ["bundler"]),
        ("go mod download", "go", "mod download", []),
        (
            "go install golang.org/x/tools/gopls@latest",
            "go",
            "install",
            ["golang.org/x/tools/gopls@latest"],
        ),
        ("apt full-upgrade -y", "apt", "upgrade", []),
    ],
)
def test_package_managers(text: str, manager: str, action: str, packages: list[str]) -> None:
    op = package(text)
    assert (op.manager, op.action, [w.value for w in op.packages]) == (manager, action, packages)


def test_pip_flags_and_python_m_pip_span() -> None:
    text = "python3 -m pip install --no-cache-dir -r req.txt"
    op = package(text)
    assert text[slice(*op.manager_span)] == "python3 -m pip"
    assert flags(op) == [("--no-cache-dir", None), ("-r", "req.txt")]


def test_pip_cache_unless_disabled() -> None:
    assert paths(effects("pip install x").created) == ["/root/.cache/pip"]
    assert effects("pip install --no-cache-dir x").created == ()
    assert effects("PIP_NO_CACHE_DIR=1 pip install x").created == ()
    assert effects("pip install x", env={"PIP_NO_CACHE_DIR": "true"}).created == ()
    assert paths(effects("pip install x", env={"PIP_NO_CACHE_DIR": "0"}).created) == [
        "/root/.cache/pip"
    ]


def test_pnpm_store_filled_then_pruned() -> None:
    result = effects("pnpm install --frozen-lockfile && pnpm store prune")
    assert [(e.path, e.kind) for e in result.created] == [
        ("/root/.local/share/pnpm/store", "cache")
    ]
    assert [(e.path, e.kind) for e in result.removed] == [
        ("/root/.local/share/pnpm/store", "clean")
    ]
    assert paths(effects("pnpm i --store-dir /pnpm/store").created) == ["/pnpm/store"]


def test_rpm_cache_filled_then_cleaned() -> None:
    result = effects("yum install -y x && yum clean all")
    assert [(e.path, e.kind) for e in result.created] == [("/var/cache/yum", "cache")]
    assert [(e.path, e.kind) for e in result.removed] == [("/var/cache/yum", "clean")]


def test_go_build_and_pip_download_outputs() -> None:
    result = effects(
        "go build -o /usr/local/bin/app ./cmd/app && pip download -d /wheels x", cwd="/src"
    )
    assert [(e.path, e.kind) for e in result.created if e.kind != "cache"] == [
        ("/usr/local/bin/app", "build"),
        ("/wheels", "download"),
    ]


def test_wrapped_package_manager() -> None:
    op = package("sudo -E apt-get install -y x")
    assert (op.manager, op.action, op.command) == ("apt-get", "install", 1)


# -- inputs -------------------------------------------------------------------------------------


def test_installed_and_executed_files() -> None:
    text = (
        "dpkg -i /tmp/a.deb && apt-get install -y ./b.deb && rpm -ivh c.rpm && ./configure && "
        "sh /tmp/install.sh && python3 get-pip.py && python3 -c 'print(1)' && bash -c 'make'"
    )
    result = effects(text, cwd="/src")
    assert [(e.path, e.kind) for e in result.inputs] == [
        ("/tmp/a.deb", "install"),
        ("/src/b.deb", "install"),
        ("/src/c.rpm", "install"),
        ("/src/configure", "execute"),
        ("/tmp/install.sh", "execute"),
        ("/src/get-pip.py", "execute"),
    ]


def test_typical_run_with_same_run_cleanup() -> None:
    text = (
        "set -eux; \\\n"
        "apt-get update; \\\n"
        "apt-get install -y --no-install-recommends wget; \\\n"
        'wget -O /tmp/gosu "https://github.com/tianon/gosu/releases/download/$GOSU/gosu"; \\\n'
        "chmod +x /tmp/gosu; \\\n"
        "mv /tmp/gosu /usr/local/bin/; \\\n"
        "apt-get purge -y --auto-remove wget; \\\n"
        "rm -rf /var/lib/apt/lists/*"
    )
    result = effects(text, env={"GOSU": "1.17"})
    assert [(e.path, e.kind) for e in result.created] == [
        ("/var/lib/apt/lists", "cache"),
        ("/tmp/gosu", "download"),
        ("/usr/local/bin/gosu", "move"),
    ]
    assert paths(result.removed) == ["/tmp/gosu", "/var/lib/apt/lists/*"]
    lists = result.created[0]
    assert any(r.covers(lists.path + "/x") for r in result.removed)


# -- scripts run again --------------------------------------------------------------------------


def test_a_script_run_again_is_worked_out_again_where_what_it_read_differs() -> None:
    script = parse_script("mkdir build $D && pip install x")
    home = {"D": "/d", "HOME": "/home/u"}
    first = script_effects(script, "/a", home)
    assert paths(first.created) == ["/a/build", "/d", "/home/u/.cache/pip"]
    assert paths(script_effects(script, "/b", home).created) == [
        "/b/build", "/d", "/home/u/.cache/pip"]
    assert paths(script_effects(script, "/a", {**home, "D": "/e"}).created) == [
        "/a/build", "/e", "/home/u/.cache/pip"]
    assert paths(script_effects(script, "/a", {"D": "/d"}).created) == [
        "/a/build", "/d", "/root/.cache/pip"]
    assert script_effects(script, "/a", {**home, "OTHER": "1"}) is first


def test_a_script_that_reads_no_directory_or_variable_has_the_same_effects_everywhere() -> None:
    script = parse_script("apt-get update && rm -rf /var/lib/apt/lists/*")
    assert script_effects(script, "/a", {"X": "1"}) is script_effects(script, "/b")


_TOKENS = (
    *("apt-get install -y", "curl -fsSLo", "wget -qO-", "tar -xzf", "-C", "git clone", "mkdir -p"),
    *("cp -r", "mv", "rm -rf", "find . -delete", "chmod -R", "sed -i", "ln -sf", "tee", "sh -c"),
    *("pip install", "apk add", "sudo", "X=1", "cd ..", "~", "/tmp/x", "a.tgz", "$X", "$(ls)"),
    *("&&", "||", "|", ";", "(", ")", ">", "2>&1", "<<EOF", "EOF", "\\\n", "\n", "if", "fi"),
    *("{a,b}", "*", "--", "😀"),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=25))
def test_random_scripts_never_raise(tokens: list[str]) -> None:
    text = " ".join(tokens)
    result = effects(text, cwd="/w", env={"X": "1"})
    for effect in (*result.created, *result.removed, *result.modified, *result.inputs):
        assert effect.path.startswith("/") and 0 <= effect.start <= effect.end <= len(text)
