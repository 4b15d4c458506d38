"""LW201 deleted-in-later-layer."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW201"

FIRES = {
    "copied-scripts-removed-later": """
        FROM debian:12
        COPY scripts /tmp/s/
        RUN bash /tmp/s/setup.sh
        RUN rm -rf /tmp/s
        """,
    "download-removed-later": """
        FROM debian:12
        RUN wget https://example.com/x.deb && dpkg -i x.deb
        RUN rm x.deb
        """,
    "apt-lists-removed-later": """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN rm -rf /var/lib/apt/lists/*
        """,
    "dist-clean-later": """
        FROM debian:trixie
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN apt-get dist-clean
        """,
    "yum-clean-later": """
        FROM rockylinux:9
        RUN yum install -y git
        RUN yum clean all
        """,
    "find-delete-later": """
        FROM debian:12
        RUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt
        RUN find /tmp -delete
        """,
    "removal-below-a-copied-tree": """
        FROM python:3.12-slim
        COPY . /app
        RUN rm -rf /app/tests
        """,
    "git-dir-of-a-clone": """
        FROM debian:12
        RUN git clone https://github.com/example/tool.git /src/tool && make -C /src/tool
        RUN rm -rf /src/tool/.git
        """,
    "producer-in-a-base-stage": """
        FROM debian:12 AS base
        RUN curl -fsSLo /opt/sdk.tar.gz https://example.com/sdk.tar.gz
        FROM base
        RUN rm /opt/sdk.tar.gz
        """,
    "add-url-removed-later": """
        FROM alpine:3.20
        ADD https://example.com/tool.tar.gz /tmp/
        RUN rm /tmp/tool.tar.gz
        """,
    "package-purged-later": """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends gcc \\
            && rm -rf /var/lib/apt/lists/*
        RUN apt-get purge -y gcc
        """,
    "virtual-group-deleted-later": """
        FROM alpine:3.20
        RUN apk add --no-cache --virtual .build-deps gcc musl-dev
        RUN apk del .build-deps
        """,
    "pip-uninstall-later": """
        FROM python:3.12-slim
        RUN pip install --no-cache-dir build
        RUN pip uninstall -y build
        """,
    "heredoc-removal": """
        FROM debian:12
        RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz
        RUN <<EOF
        set -e
        rm -f /tmp/tool.tgz
        EOF
        """,
}

SILENT = {
    "removal-in-the-same-run": """
        FROM debian:12
        RUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt \\
            && rm /tmp/x.tgz
        RUN rm -rf /tmp/x.tgz
        """,
    "cache-mount": """
        FROM debian:12
        RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update \\
            && apt-get install -y --no-install-recommends curl
        RUN rm -rf /var/lib/apt/lists/*
        """,
    "tmpfs-mount-for-the-download": """
        FROM debian:12
        RUN --mount=type=tmpfs,target=/tmp curl -fsSLo /tmp/x.tgz https://example.com/x.tgz \\
            && tar -xzf /tmp/x.tgz -C /opt
        RUN rm -f /tmp/x.tgz
        """,
    "artifact-stage": """
        FROM debian:12 AS build
        RUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt
        RUN rm /tmp/x.tgz
        FROM debian:12-slim
        COPY --from=build /opt /opt
        """,
    "base-image-files": """
        FROM nginx:alpine
        WORKDIR /usr/share/nginx/html
        RUN rm -rf ./*
        COPY dist/ .
        """,
    "file-of-a-previous-stage-not-copied": """
        FROM debian:12 AS build
        RUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz
        FROM debian:12
        RUN rm -f /tmp/x.tgz
        """,
    "empty-directory": """
        FROM debian:12
        RUN mkdir -p /tmp/work
        RUN rm -rf /tmp/work
        """,
    "unrelated-path": """
        FROM debian:12
        RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz && tar -xzf /tmp/a.tgz -C /opt \\
            && rm /tmp/a.tgz
        RUN rm -rf /tmp/b
        """,
    "moved-then-removed-is-lw202": """
        FROM debian:12
        COPY tool /tmp/tool
        RUN mv /tmp/tool /usr/local/bin/tool
        """,
    "purge-in-the-same-run": """
        FROM debian:12
        RUN apt-get update && apt-get install -y gcc && make && apt-get purge -y gcc \\
            && rm -rf /var/lib/apt/lists/*
        RUN apt-get purge -y gcc
        """,
    "not-the-target": """
        FROM debian:12 AS app
        RUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz
        RUN rm /tmp/x.tgz
        FROM debian:12 AS other
        """,
    "archive-copied-and-extracted-is-lw215": """
        FROM debian:12
        COPY vendor.tar.gz /tmp/vendor.tar.gz
        RUN tar -xzf /tmp/vendor.tar.gz -C /opt
        RUN rm /tmp/vendor.tar.gz
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_related_and_severity() -> None:
    (finding,) = fires("""
        FROM debian:12
        RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz
        RUN tar -xzf /tmp/tool.tgz -C /opt
        RUN rm /tmp/tool.tgz
        """, RULE)
    assert finding.span == Span.of(3, 7, 3, 20)
    assert finding.message == ("removing /tmp/tool.tgz here does not shrink the image: the "
                               "archive downloaded at line 2 stays in that layer")
    assert finding.severity is Severity.WARNING
    (related,) = finding.related
    assert related.span == Span.of(1, 16, 1, 29)
    assert related.message == "/tmp/tool.tgz: the bytes stay in this layer"
    assert finding.fix is None  # the RUN at line 3 needs the file


def test_small_paths_are_information() -> None:
    (finding,) = fires(FIRES["copied-scripts-removed-later"], RULE)
    assert finding.severity is Severity.INFORMATION
    assert "the files copied at line 2 stay in that layer" in finding.message


def test_target_changes_which_stages_count() -> None:
    source = """
        FROM debian:12 AS app
        RUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz
        RUN rm /tmp/x.tgz
        FROM debian:12 AS other
        """
    assert fires(source, RULE, target="app")
    silent(source, RULE, target="other")


def test_each_removed_word_is_reported_once() -> None:
    result = fires("""
        FROM debian:12
        COPY scripts /tmp/s
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN rm -rf /tmp/s /var/lib/apt/lists/* && rm -rf /tmp/s
        """, RULE)
    assert [f.span for f in result] == [Span.of(3, 11, 3, 17), Span.of(3, 18, 3, 38)]


def test_several_producers() -> None:
    (finding,) = fires("""
        FROM alpine:3.20
        RUN mkdir -p /root/example
        RUN cp /etc/hosts /root/example/one.txt
        RUN cp /etc/hosts /root/example/two.txt
        RUN rm -rf /root/example/
        """, RULE)
    assert finding.message.endswith("what was written at lines 3 and 4 stays in those layers")
    assert len(finding.related) == 2


def test_package_removal_points_at_the_install() -> None:
    (finding,) = fires(FIRES["package-purged-later"], RULE)
    assert finding.span == Span.of(3, 21, 3, 24)
    assert finding.message == ("removing gcc here does not shrink the image: the package "
                               "installed at line 2 stays in that layer")
    assert finding.related[0].span == Span.of(1, 65, 1, 68)


def test_fix_moves_the_cleanup_into_the_producing_run() -> None:
    source = FIRES["apt-lists-removed-later"]
    (finding,) = fires(source, RULE)
    assert finding.fix is not None and finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
        """)
    silent(result, RULE)


def test_fix_keeps_other_operands_and_continuations() -> None:
    source = """
        FROM debian:12
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends curl
        RUN rm -rf /tmp/other /var/lib/apt/lists/*
        """
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
        RUN rm -rf /tmp/other
        """)
    silent(result, RULE)


def test_fix_deletes_a_connected_command() -> None:
    source = """
        FROM debian:12
        RUN git clone https://github.com/example/tool.git /src/tool && make -C /src/tool
        RUN echo done \\
            && rm -rf /src/tool/.git \\
            && echo again
        """
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN git clone https://github.com/example/tool.git /src/tool && make -C /src/tool && rm -rf /src/tool/.git
        RUN echo done \\
            && echo again
        """)
    silent(result, RULE)


def test_fix_in_heredoc_scripts() -> None:
    source = """
        FROM debian:12
        RUN <<EOF
        set -eux
        curl -fsSLo /opt/x.tgz https://example.com/x.tgz
        EOF
        RUN rm -f /opt/x.tgz && echo ok
        """
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN <<EOF
        set -eux
        curl -fsSLo /opt/x.tgz https://example.com/x.tgz
        rm -f /opt/x.tgz
        EOF
        RUN echo ok
        """)
    silent(result, RULE)


def test_fix_keeps_a_removal_that_also_cleans_its_own_run() -> None:
    source = """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN apt-get update && apt-get install -y --no-install-recommends git \\
            && rm -rf /var/lib/apt/lists/*
        """
    (finding,) = fires(source, RULE)
    assert finding.fix is not None and finding.fix.title.startswith("Also clean up")
    result = fixed(source, finding)
    assert "&& rm -rf /var/lib/apt/lists/*\nRUN apt-get update" in result
    assert result.endswith("&& rm -rf /var/lib/apt/lists/*\n")
    silent(result, RULE)


def test_fix_is_unsafe_across_stages_or_runs() -> None:
    (finding,) = fires(FIRES["producer-in-a-base-stage"], RULE)
    assert finding.fix is not None and not finding.fix.safe
    source = """
        FROM debian:12
        RUN curl -fsSLo /opt/x.tgz https://example.com/x.tgz
        RUN echo unrelated
        RUN rm /opt/x.tgz
        """
    (finding,) = fires(source, RULE)
    assert finding.fix is not None and not finding.fix.safe
    silent(fixed(source, finding), RULE)


def test_no_fix_when_a_later_install_reads_the_lists() -> None:
    (finding,) = fires("""
        FROM debian:12
        RUN apt-get update
        RUN apt-get install -y --no-install-recommends curl
        RUN rm -rf /var/lib/apt/lists/*
        """, RULE)
    assert finding.fix is None


def test_no_bind_mount_fix_when_another_run_reads_the_copy() -> None:
    (finding,) = fires("""
        FROM debian:12
        COPY setup /tmp/setup
        RUN /tmp/setup/install.sh
        RUN echo cleanup && rm -rf /tmp/setup
        """, RULE)
    assert finding.fix is None


def test_bind_mount_fix_replaces_copy_then_delete() -> None:
    source = """
        FROM debian:12
        COPY setup /tmp/setup
        RUN bash /tmp/setup/install.sh && rm -rf /tmp/setup
        """
    # The COPY layer keeps /tmp/setup although the next RUN deletes it.
    (finding,) = fires(source, RULE)
    assert finding.fix is not None and not finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN --mount=type=bind,source=setup,target=/tmp/setup bash /tmp/setup/install.sh
        """)
    silent(result, RULE)
