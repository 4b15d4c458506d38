"""LW410 from-platform-constant."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from ...model.analysis import Analysis
from ...patterns import lazy_pattern
from ..base import Finding, Severity, StructureRule

_SPECIFIER = lazy_pattern(r"[A-Za-z0-9_.-]+")
_OS = lazy_pattern(r"([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?")
_KNOWN_OS = frozenset({
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
    "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "windows", "zos",
})
_KNOWN_ARCH = frozenset({
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "ppc64", "ppc64le",
    "loong64", "mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc",
    "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
})
#: Architecture aliases, as containerd normalises them.
_ARCH_ALIASES = {"i386": "386", "x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64",
                 "armhf": "arm", "armel": "arm"}
#: What a single-component platform defaults to; BuildKit uses its own host's (assumed linux/amd64).
_HOST_OS, _HOST_ARCH = "linux", "amd64"


class Platform(NamedTuple):
    """An OS and architecture, normalised."""

    os: str
    arch: str


def parse_platform(text: str) -> Platform | None:
    """Parse ``os[/arch[/variant]]`` like containerd's ``platforms.Parse``; None if invalid."""
    if "*" in text:
        return None
    parts = text.split("/", 3)
    head = _OS.fullmatch(parts[0])
    if head is None or not all(_SPECIFIER.fullmatch(p) for p in parts[1:]):
        return None
    os_name = head.group(1).lower()
    os_name = "darwin" if os_name == "macos" else os_name
    if len(parts) == 1:
        if os_name in _KNOWN_OS:
            return Platform(os_name, _HOST_ARCH)
        arch = _ARCH_ALIASES.get(parts[0].lower(), parts[0].lower())
        return Platform(_HOST_OS, arch) if arch in _KNOWN_ARCH else None
    if len(parts) > 3:
        return None
    arch = parts[1].lower()
    return Platform(os_name, _ARCH_ALIASES.get(arch, arch))


class FromPlatformConstant(StructureRule):
    """## What it does
    Reports `FROM --platform=` with a constant value such as `linux/amd64`, unless the stage
    name mentions that OS or architecture (`AS build_amd64`), which marks a stage that is
    meant to be platform-specific.

    ## Why it matters
    A constant platform pins the stage to one platform, so the Dockerfile can no longer build
    a multi-platform image, and on another machine the stage runs under emulation. Use
    `$BUILDPLATFORM` (build natively) or `$TARGETPLATFORM`, or leave the platform to
    `docker build --platform`.

    ## Example
    ```dockerfile
    FROM --platform=linux/amd64 alpine:3.20 AS base
    RUN apk add --no-cache git
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=$BUILDPLATFORM alpine:3.20 AS base
    RUN apk add --no-cache git
    ```

    ## References
    - BuildKit check `FromPlatformFlagConstDisallowed`
    """

    id = "LW410"
    name = "from-platform-constant"
    severity = Severity.WARNING
    summary = "FROM --platform uses a constant value"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Report constant, parseable platforms whose OS and architecture the name omits."""
        for stage in analysis.stages:
            flag = analysis.instructions[stage.from_index].flag("platform")
            if flag is None or not flag.value or "$" in flag.value:
                continue
            platform = parse_platform(flag.value)
            if platform is None:
                continue
            name = stage.name or ""
            if platform.os in name or platform.arch in name:
                continue
            yield self.finding(
                flag.span,
                f'FROM --platform flag should not use constant value "{flag.value}"; use '
                "$BUILDPLATFORM or $TARGETPLATFORM, or name the stage after the platform",
                data={"buildkit": "FromPlatformFlagConstDisallowed"})
