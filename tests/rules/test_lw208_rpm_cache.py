"""LW208 rpm-cache."""

from __future__ import annotations

import pytest

from layerwise.rules.base import Severity
from layerwise.syntax.span import Span

from .bloat_fixes import fixed, text
from .helpers import fires, silent

RULE = "LW208"

FIRES = {
    "yum": """
        FROM centos:7
        RUN yum install -y git
        """,
    "dnf": """
        FROM rockylinux:9
        RUN dnf install -y python3
        """,
    "microdnf": """
        FROM registry.access.redhat.com/ubi9/ubi-minimal
        RUN microdnf install -y shadow-utils
        """,
    "tdnf": """
        FROM photon:5.0
        RUN tdnf install -y git
        """,
    "zypper": """
        FROM opensuse/leap:15.6
        RUN zypper --non-interactive in -y git
        """,
    "clean-before-install": """
        FROM rockylinux:9
        RUN dnf clean all && dnf install -y python3
        """,
    "clean-only-metadata": """
        FROM rockylinux:9
        RUN dnf install -y python3 && dnf clean metadata
        """,
    "upgrade": """
        FROM rockylinux:9
        RUN dnf upgrade -y
        """,
}

SILENT = {
    "yum-clean-all": """
        FROM centos:7
        RUN yum install -y git && yum clean all
        """,
    "rm-yum-cache": """
        FROM centos:7
        RUN yum install -y git && rm -rf /var/cache/yum
        """,
    "dnf-clean-all": """
        FROM rockylinux:9
        RUN dnf install -y python3 && dnf clean all
        """,
    "rm-dnf-and-libdnf5": """
        FROM fedora:41
        RUN dnf install -y python3 && rm -rf /var/cache/dnf /var/cache/libdnf5*
        """,
    "yum-clean-after-dnf": """
        FROM rockylinux:9
        RUN dnf install -y python3 && yum clean all
        """,
    "microdnf-clean": """
        FROM registry.access.redhat.com/ubi9/ubi-minimal
        RUN microdnf install -y shadow-utils && microdnf clean all
        """,
    "zypper-clean": """
        FROM opensuse/leap:15.6
        RUN zypper --non-interactive in -y git && zypper clean -a
        """,
    "zypper-cc": """
        FROM opensuse/leap:15.6
        RUN zypper in -y git && zypper cc
        """,
    "cache-mount": """
        FROM rockylinux:9
        RUN --mount=type=cache,target=/var/cache/dnf dnf install -y python3
        """,
    "zypp-cache-mount": """
        FROM opensuse/leap:15.6
        RUN --mount=type=cache,target=/var/cache/zypp zypper in -y git
        """,
    "artifact-stage": """
        FROM rockylinux:9 AS build
        RUN dnf install -y gcc && gcc -o /app app.c
        FROM scratch
        COPY --from=build /app /app
        """,
    "cleaned-later-is-lw201": """
        FROM rockylinux:9
        RUN dnf install -y python3
        RUN dnf clean all
        """,
}


@pytest.mark.parametrize("source", FIRES.values(), ids=FIRES.keys())
def test_fires(source: str) -> None:
    fires(source, RULE)


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_silent(source: str) -> None:
    silent(source, RULE)


def test_range_message_and_fix() -> None:
    source = FIRES["dnf"]
    (finding,) = fires(source, RULE)
    assert finding.span == Span.of(1, 4, 1, 15)
    assert finding.severity is Severity.WARNING
    assert finding.message == ("the dnf cache filled at line 2 stays in /var/cache/dnf in this "
                               "layer")
    assert finding.fix is not None and finding.fix.safe
    result = fixed(source, finding)
    assert result == text("""
        FROM rockylinux:9
        RUN dnf install -y python3 && dnf clean all
        """)
    silent(result, RULE)


def test_zypper_and_microdnf_fixes_use_their_own_clean() -> None:
    source = FIRES["zypper"]
    (finding,) = fires(source, RULE)
    assert fixed(source, finding).endswith("in -y git && zypper clean --all\n")
    silent(fixed(source, finding), RULE)
    source = FIRES["microdnf"]
    (finding,) = fires(source, RULE)
    assert fixed(source, finding).endswith("&& microdnf clean all\n")
