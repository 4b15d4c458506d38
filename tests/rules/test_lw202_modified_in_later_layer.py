"""LW202 modified-in-later-layer."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW202"

FIRES = {
    "chown-of-a-copied-tree": """
        FROM node:20-slim
        COPY . /app
        RUN chown -R node:node /app
        """,
    "chmod-of-a-copied-script": """
        FROM debian:12
        COPY run.sh /run.sh
        RUN chmod +x /run.sh
        """,
    "chgrp": """
        FROM debian:12
        COPY data /srv/data
        RUN chgrp -R 0 /srv/data
        """,
    "touch": """
        FROM debian:12
        COPY app.conf /etc/app.conf
        RUN touch /etc/app.conf
        """,
    "sed-in-place": """
        FROM debian:12
        COPY nginx.conf /etc/nginx/nginx.conf
        RUN sed -i 's/80/8080/' /etc/nginx/nginx.conf
        """,
    "setfacl": """
        FROM debian:12
        COPY . /srv
        RUN setfacl -R -m u:www:rx /srv
        """,
    "mv-of-an-earlier-file": """
        FROM debian:12
        COPY tool /tmp/tool
        RUN mv /tmp/tool /usr/local/bin/tool
        """,
    "cp-over-an-earlier-file": """
        FROM debian:12
        COPY default.conf /etc/app.conf
        RUN cp /etc/app.conf.dist /etc/app.conf
        """,
    "append-to-an-earlier-file": """
        FROM debian:12
        RUN echo "a=1" > /etc/app.conf
        RUN echo "b=2" >> /etc/app.conf
        """,
    "chmod-inside-a-copied-tree": """
        FROM python:3.12-slim
        COPY . /app
        RUN chmod +x /app/entrypoint.sh
        """,
    "chmod-of-a-download": """
        FROM debian:12
        RUN curl -fsSLo /usr/local/bin/tini https://example.com/tini
        RUN chmod +x /usr/local/bin/tini
        """,
    "chown-of-an-extracted-tree": """
        FROM debian:12
        RUN mkdir /opt/app && curl -fsSL https://example.com/app.tgz -o /tmp/app.tgz \\
            && tar -xzf /tmp/app.tgz -C /opt/app && rm /tmp/app.tgz
        RUN chown -R 1000 /opt/app
        """,
    "base-stage-file": """
        FROM debian:12 AS base
        COPY app /app
        FROM base
        RUN chown -R 1000 /app
        """,
}

SILENT = {
    "same-run": """
        FROM debian:12
        RUN curl -fsSLo /usr/local/bin/tini https://example.com/tini \\
            && chmod +x /usr/local/bin/tini
        """,
    "fresh-mkdir": """
        FROM debian:12
        RUN mkdir -p /data
        RUN chown -R 1000:1000 /data
        """,
    "base-image-path": """
        FROM debian:12
        RUN chown -R www-data /var/www
        """,
    "copy-with-chown": """
        FROM node:20-slim
        COPY --chown=node:node . /app
        """,
    "mounted-path": """
        FROM debian:12
        COPY . /src
        RUN --mount=type=cache,target=/src/.cache chmod -R 777 /src/.cache
        """,
    "artifact-stage": """
        FROM debian:12 AS build
        COPY . /src
        RUN chown -R 1000 /src
        FROM debian:12-slim
        COPY --from=build /src /src
        """,
    "new-file-in-a-copied-tree": """
        FROM python:3.12-slim
        COPY . /app
        RUN echo "VERSION=1" > /app/version.env
        """,
    "reading-an-earlier-file": """
        FROM debian:12
        COPY app.conf /etc/app.conf
        RUN cp /etc/app.conf /etc/app.conf.bak && cat /etc/app.conf
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_and_severity() -> None:
    (finding,) = fires(FIRES["chown-of-a-copied-tree"], RULE)
    assert finding.span == Span.of(2, 23, 2, 27)
    assert finding.message == ("chown on /app stores a second copy of it in this layer: the "
                               "files copied at line 2 stay in that layer as well")
    assert finding.severity is Severity.WARNING
    assert finding.related[0].span == Span.of(1, 5, 1, 6)


def test_single_files_are_information() -> None:
    (finding,) = fires(FIRES["chmod-of-a-copied-script"], RULE)
    assert finding.severity is Severity.INFORMATION
    assert finding.message.startswith("chmod on /run.sh stores a second copy")


def test_moves_and_appends_say_so() -> None:
    (moved,) = fires(FIRES["mv-of-an-earlier-file"], RULE)
    assert moved.message.startswith("moving /tmp/tool stores it again in this layer")
    (appended,) = fires(FIRES["append-to-an-earlier-file"], RULE)
    assert appended.message.startswith("writing to /etc/app.conf stores a new copy")


def test_fix_folds_chown_into_the_copy() -> None:
    source = FIRES["chown-of-a-copied-tree"]
    (finding,) = fires(source, RULE)
    assert finding.fix is not None and not finding.fix.safe  # a user name: must exist earlier
    result = fixed(source, finding)
    assert result == text("""
        FROM node:20-slim
        COPY --chown=node:node . /app
        """)
    silent(result, RULE)


def test_fix_with_numeric_owner_and_octal_mode_is_safe() -> None:
    source = """
        FROM debian:12
        COPY run.sh /usr/local/bin/run.sh
        RUN chmod 0755 /usr/local/bin/run.sh && chown 1000:1000 /usr/local/bin/run.sh
        """
    (chmod,) = fires(source, RULE)  # one RUN stores one second copy
    assert chmod.fix is not None and chmod.fix.safe
    assert chmod.fix.title == "Set the mode in the COPY at line 2 (--chmod=0755)"
    step = fixed(source, chmod)
    assert step == text("""
        FROM debian:12
        COPY --chmod=0755 run.sh /usr/local/bin/run.sh
        RUN chown 1000:1000 /usr/local/bin/run.sh
        """)
    (chown,) = fires(step, RULE)
    assert chown.fix is not None and chown.fix.safe
    result = fixed(step, chown)
    assert result == text("""
        FROM debian:12
        COPY --chown=1000:1000 --chmod=0755 run.sh /usr/local/bin/run.sh
        """)
    silent(result, RULE)


def test_fix_for_plus_x_is_unsafe() -> None:
    source = FIRES["chmod-of-a-copied-script"]
    (finding,) = fires(source, RULE)
    assert finding.fix is not None and not finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        COPY --chmod=755 run.sh /run.sh
        """)
    silent(result, RULE)


def test_no_copy_fix_for_a_directory_without_recursion() -> None:
    (finding,) = fires("""
        FROM debian:12
        COPY . /app
        RUN chmod 755 /app
        """, RULE)
    assert finding.fix is None


def test_no_fix_when_the_command_also_covers_its_own_files() -> None:
    (finding,) = fires("""
        FROM debian:12
        COPY . /app
        RUN mkdir -p /app/data && chown -R 1000:1000 /app
        """, RULE)
    assert finding.fix is None


def test_fix_merges_into_the_producing_run() -> None:
    source = FIRES["chmod-of-a-download"]
    (finding,) = fires(source, RULE)
    assert finding.fix is not None and finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM debian:12
        RUN curl -fsSLo /usr/local/bin/tini https://example.com/tini && chmod +x /usr/local/bin/tini
        """)
    silent(result, RULE)


def test_target_selects_the_image() -> None:
    source = """
        FROM debian:12 AS app
        COPY run.sh /run.sh
        RUN chmod +x /run.sh
        FROM app AS debug
        RUN echo debug
        FROM debian:12 AS other
        """
    assert fires(source, RULE, target="debug")
    silent(source, RULE)


def test_no_chown_fix_when_the_user_is_created_after_the_copy() -> None:
    (finding,) = fires("""
        FROM debian:12
        COPY . /app
        RUN useradd app && chown -R app /app
        """, RULE)
    assert finding.fix is None


def test_one_finding_per_earlier_copy_and_layer() -> None:
    (finding,) = fires("""
        FROM debian:12
        COPY run.sh /run.sh
        RUN chmod +x /run.sh && chown 0:0 /run.sh
        """, RULE)
    assert finding.message.startswith("chmod on /run.sh")
