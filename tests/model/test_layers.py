"""Layer effects with source positions, through ``analyze``."""

from __future__ import annotations

import textwrap
from dataclasses import FrozenInstanceError

import pytest

from layerwise.model.analysis import analyze
from layerwise.model.layers import LayerPath
from layerwise.syntax.span import Span


def _layers(text: str):  # type: ignore[no-untyped-def]
    return analyze(textwrap.dedent(text)).layers


def test_download_extract_and_later_removal() -> None:
    layers = _layers("""\
        FROM debian:12
        WORKDIR /opt
        RUN curl -fsSL https://example.com/dep.tgz -o /tmp/dep.tgz \\
            && tar -xzf /tmp/dep.tgz -C /opt
        RUN rm /tmp/dep.tgz
        """)
    download, removal = layers
    assert [(p.path, p.kind) for p in download.created] == [("/tmp/dep.tgz", "download"),
                                                           ("/opt", "extract")]
    assert download.created[0].span == Span.of(2, 46, 2, 58)
    assert download.created[1].span == Span.of(3, 32, 3, 36)
    assert removal.removed[0].path == "/tmp/dep.tgz"
    assert removal.removed[0].covers("/tmp/dep.tgz")


def test_workdir_is_followed_and_inherited_by_child_stages() -> None:
    layers = _layers("""\
        FROM alpine AS base
        WORKDIR /src
        FROM base AS build
        WORKDIR app
        RUN touch out.txt
        COPY go.mod go.sum ./
        """)
    run, copy = layers
    assert run.workdir == "/src/app"
    assert [p.path for p in run.created] == ["/src/app/out.txt"]
    assert [p.path for p in copy.created] == ["/src/app/go.mod", "/src/app/go.sum"]


def test_cache_mount_targets_are_excluded() -> None:
    (layer,) = _layers("""\
        FROM python:3.12
        RUN --mount=type=cache,target=/root/.cache/pip pip install requests
        """)
    assert layer.mounts[0].type == "cache" and layer.mounts[0].target == "/root/.cache/pip"
    assert not [p for p in layer.created if p.path.startswith("/root/.cache/pip")]
    assert layer.packages[0].op.manager == "pip"


def test_heredoc_scripts_and_heredoc_redirects() -> None:
    script, redirect = _layers("""\
        FROM debian:12
        RUN <<EOF
        set -eux
        rm -rf /var/lib/apt/lists/*
        EOF
        RUN cat <<EOF > /etc/app.conf
        key=value
        EOF
        """)
    assert script.removed[0].path == "/var/lib/apt/lists/*"
    assert script.removed[0].span == Span.of(3, 7, 3, 27)
    assert redirect.created[0].path == "/etc/app.conf"
    assert redirect.created[0].span == Span.of(5, 16, 5, 29)


def test_non_shell_heredoc_and_non_posix_shell_are_skipped() -> None:
    python, powershell = _layers("""\
        FROM python:3.12
        RUN <<EOF
        #!/usr/bin/env python3
        open("/tmp/x", "w").write("rm -rf /")
        EOF
        SHELL ["powershell", "-Command"]
        RUN Remove-Item C:/x; rm /tmp/y
        """)
    assert python.sources == () and powershell.sources == ()


def test_copy_and_add_destinations() -> None:
    copy_dir, heredoc, add_url, add_archive = _layers("""\
        FROM alpine
        COPY . /app
        COPY <<EOF /etc/motd
        hi
        EOF
        ADD https://example.com/tool.tar.gz /downloads/
        ADD vendor.tar.gz /vendor
        """)
    assert copy_dir.created[0].path == "/app" and copy_dir.created[0].effect.recursive
    assert heredoc.created[0].path == "/etc/motd"
    assert (add_url.created[0].path, add_url.created[0].kind) == (
        "/downloads/tool.tar.gz", "download")
    assert add_archive.created[0].kind == "extract"


def test_exec_form_shell_script() -> None:
    (layer,) = _layers('FROM alpine\nRUN ["sh", "-c", "mkdir -p /data && rm -rf /tmp/x"]\n')
    assert [p.path for p in layer.created] == ["/data"]
    assert layer.created[0].span == Span.of(1, 27, 1, 32)


def test_paths_and_package_words_are_located_on_demand_and_compare_by_position() -> None:
    text = ("FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk \\\n"
            "    apk add --no-cache curl && mkdir /out\n")
    (layer,) = _layers(text)
    (package,) = layer.packages
    assert package.manager_span == Span.of(2, 4, 2, 7)
    assert package.action_span == Span.of(2, 8, 2, 11)
    (made,) = layer.created
    assert made.span == Span.of(2, 37, 2, 41)
    assert made == LayerPath(made.effect, Span.of(2, 37, 2, 41))
    assert hash(made) == hash(LayerPath(made.effect, made.span))
    assert layer.mounts[0].span == Span.of(1, 4, 1, 44)
    (again,) = analyze(text).layers
    assert again == layer and again.packages == layer.packages
    with pytest.raises(FrozenInstanceError):
        made.effect = made.effect  # type: ignore[misc]
