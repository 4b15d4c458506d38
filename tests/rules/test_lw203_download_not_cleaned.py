"""LW203 download-not-cleaned."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW203"

FIRES = {
    "curl-o-then-extract": """
        FROM debian:12
        RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/node.tar.xz \\
            && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1
        """,
    "curl-remote-name-then-unzip": """
        FROM debian:12
        WORKDIR /tmp
        RUN curl -fsSLO https://example.com/tool.zip && unzip tool.zip -d /opt/tool
        """,
    "wget-deb-then-dpkg": """
        FROM debian:12
        RUN wget https://example.com/pkg.deb && dpkg -i pkg.deb
        """,
    "wget-o-installer-then-run": """
        FROM debian:12
        RUN wget -O /tmp/install.sh https://example.com/install.sh && sh /tmp/install.sh
        """,
    "aria2c-rpm": """
        FROM rockylinux:9
        RUN aria2c -d /tmp -o tool.rpm https://example.com/tool.rpm && rpm -i /tmp/tool.rpm
        """,
    "redirected-download": """
        FROM debian:12
        RUN curl -fsSL https://example.com/app.tgz > /tmp/app.tgz && tar -xzf /tmp/app.tgz -C /opt
        """,
    "pip-wheel": """
        FROM python:3.12-slim
        RUN curl -fsSLo /tmp/app-1.0-py3-none-any.whl https://example.com/app.whl \\
            && pip install --no-cache-dir /tmp/app-1.0-py3-none-any.whl
        """,
    "extracted-in-a-later-run": """
        FROM debian:12
        RUN curl -fsSLo /tmp/sdk.tgz https://example.com/sdk.tgz
        RUN tar -xzf /tmp/sdk.tgz -C /opt
        """,
    "unknown-version-same-text": """
        FROM debian:12
        ARG VERSION
        RUN cd /tmp && wget https://example.com/tool-${VERSION}.tar.gz \\
            && tar -xzf tool-${VERSION}.tar.gz -C /opt
        """,
    "copied-out-of-a-builder": """
        FROM debian:12 AS build
        RUN mkdir -p /out && curl -fsSLo /out/vendor.tgz https://example.com/vendor.tgz \\
            && tar -xzf /out/vendor.tgz -C /out
        FROM debian:12-slim
        COPY --from=build /out /opt/vendor
        """,
}

SILENT = {
    "streamed-tar": """
        FROM debian:12
        RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt
        """,
    "streamed-installer": """
        FROM debian:12
        RUN wget -qO- https://example.com/install.sh | sh
        """,
    "stdout-dash-o": """
        FROM debian:12
        RUN curl -fsSL -o - https://example.com/app.tgz | tar -xz -C /opt
        """,
    "removed-in-the-same-run": """
        FROM debian:12
        RUN curl -fsSLo /tmp/app.tgz https://example.com/app.tgz \\
            && tar -xzf /tmp/app.tgz -C /opt && rm /tmp/app.tgz
        """,
    "download-verify-remove": """
        FROM eclipse-temurin:21-jre
        RUN set -eux; \\
            wget -q "https://archive.apache.org/dist/zookeeper/zk.tar.gz"; \\
            wget -q "https://archive.apache.org/dist/zookeeper/zk.tar.gz.asc"; \\
            gpg --batch --verify zk.tar.gz.asc zk.tar.gz; \\
            tar -zxf zk.tar.gz -C /opt; \\
            rm -rf zk.tar.gz zk.tar.gz.asc
        """,
    "removed-with-its-directory": """
        FROM debian:12
        RUN mkdir /tmp/build && cd /tmp/build && wget https://example.com/src.tar.gz \\
            && tar -xzf src.tar.gz && make -C src install && cd / && rm -rf /tmp/build
        """,
    "cache-mount": """
        FROM debian:12
        RUN --mount=type=cache,target=/downloads curl -fsSLo /downloads/app.tgz https://x/app.tgz \\
            && tar -xzf /downloads/app.tgz -C /opt
        """,
    "tmpfs-mount": """
        FROM debian:12
        RUN --mount=type=tmpfs,target=/tmp curl -fsSLo /tmp/app.tgz https://x/app.tgz \\
            && tar -xzf /tmp/app.tgz -C /opt
        """,
    "artifact-stage-webdis": """
        FROM alpine:3.20 AS stage
        RUN wget https://github.com/nicolasff/webdis/archive/0.1.22.tar.gz -O webdis.tar.gz
        RUN tar -xvzf webdis.tar.gz
        RUN cd webdis-0.1.22 && make && make install
        FROM alpine:3.20
        COPY --from=stage /usr/local/bin/webdis /usr/local/bin/
        CMD ["/usr/local/bin/webdis"]
        """,
    "artifact-stage-heredoc": """
        FROM golang:1.22-alpine AS protoc
        RUN <<EOT
          set -e
          wget -q https://github.com/protocolbuffers/protobuf/releases/download/v3.11.4/protoc.zip
          unzip protoc.zip -d /opt/protoc
        EOT
        FROM scratch
        COPY --from=protoc /opt/protoc/bin/protoc /
        """,
    "payload-named-by-cmd": """
        FROM eclipse-temurin:21-jre
        RUN curl -fsSLo /app/app.jar https://example.com/app.jar
        CMD ["java", "-jar", "/app/app.jar"]
        """,
    "payload-script-run-by-entrypoint": """
        FROM debian:12
        RUN curl -fsSLo /entrypoint.sh https://example.com/entrypoint.sh && sh /entrypoint.sh --check
        ENTRYPOINT ["/entrypoint.sh"]
        """,
    "payload-in-a-bin-dir": """
        FROM debian:12
        RUN curl -fsSLo /usr/local/bin/installer.run https://example.com/x.run \\
            && chmod +x /usr/local/bin/installer.run && /usr/local/bin/installer.run --version
        """,
    "never-used": """
        FROM debian:12
        RUN curl -fsSLo /opt/data/model.tar.gz https://example.com/model.tar.gz
        """,
    "not-an-archive": """
        FROM debian:12
        RUN curl -fsSLo /tmp/key.asc https://example.com/key.asc && gpg --import /tmp/key.asc
        """,
    "removed-later-is-lw201": """
        FROM debian:12
        RUN curl -fsSLo /tmp/app.tgz https://example.com/app.tgz && tar -xzf /tmp/app.tgz -C /opt
        RUN rm /tmp/app.tgz
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_related_and_fix() -> None:
    source = FIRES["curl-o-then-extract"]
    (finding,) = fires(source, RULE)
    assert finding.span == Span.of(1, 16, 1, 32)
    assert finding.severity is Severity.WARNING
    assert finding.message == ("the archive downloaded at line 2 (/tmp/node.tar.xz) is "
                               "extracted but never removed: it stays in this layer")
    assert finding.related[0].span == Span.of(2, 16, 2, 32)
    assert finding.fix is not None and finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/node.tar.xz \\
            && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1 && rm -f /tmp/node.tar.xz
        """)
    silent(result, RULE)


def test_fix_uses_the_absolute_path() -> None:
    source = FIRES["curl-remote-name-then-unzip"]
    (finding,) = fires(source, RULE)
    result = fixed(source, finding)
    assert result.endswith("unzip tool.zip -d /opt/tool && rm -f /tmp/tool.zip\n")
    silent(result, RULE)


def test_no_fix_when_a_later_run_uses_the_file() -> None:
    (finding,) = fires(FIRES["extracted-in-a-later-run"], RULE)
    assert finding.fix is None
    (finding,) = fires(FIRES["unknown-version-same-text"], RULE)
    assert finding.fix is None  # the path is not known exactly


def test_artifact_stage_names_the_copy() -> None:
    (finding,) = fires(FIRES["copied-out-of-a-builder"], RULE)
    assert finding.message.endswith("(the image copies it from stage build)")


def test_target_setting() -> None:
    source = """
        FROM debian:12 AS tools
        RUN curl -fsSLo /tmp/t.tgz https://example.com/t.tgz && tar -xzf /tmp/t.tgz -C /opt
        FROM debian:12-slim AS app
        RUN echo app
        """
    silent(source, RULE)
    fires(source, RULE, target="tools")
