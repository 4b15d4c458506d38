"""What each instruction accepts: flags, ``--mount`` types and keys, argument counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: Flags each instruction takes; ``True`` marks a boolean flag (``--link`` or ``--link=false``).
FLAGS: Mapping[str, Mapping[str, bool]] = {
    "FROM": {"platform": False},
    "RUN": {"mount": False, "network": False, "security": False},
    "COPY": {"from": False, "chown": False, "chmod": False, "link": True, "parents": True,
             "exclude": False},
    "ADD": {"chown": False, "chmod": False, "link": True, "checksum": False,
            "keep-git-dir": True, "exclude": False, "unpack": True},
    "HEALTHCHECK": {"interval": False, "timeout": False, "start-period": False,
                    "start-interval": False, "retries": False},
}

#: ``RUN --mount`` types and the keys each accepts (aliases included).
MOUNT_KEYS: Mapping[str, frozenset[str]] = {
    "bind": frozenset({"type", "target", "dst", "destination", "source", "src", "from",
                       "readonly", "ro", "rw", "readwrite"}),
    "cache": frozenset({"type", "target", "dst", "destination", "id", "sharing", "from",
                        "source", "src", "mode", "uid", "gid", "readonly", "ro", "rw",
                        "readwrite"}),
    "tmpfs": frozenset({"type", "target", "dst", "destination", "size"}),
    "secret": frozenset({"type", "id", "target", "dst", "destination", "required", "mode",
                         "uid", "gid", "env"}),
    "ssh": frozenset({"type", "id", "target", "dst", "destination", "required", "mode", "uid",
                      "gid"}),
}
#: Keys whose value names the mount point.
TARGET_KEYS = frozenset({"target", "dst", "destination"})
#: Values of enumerated flags and mount keys.
NETWORK_VALUES = ("default", "none", "host")
SECURITY_VALUES = ("sandbox", "insecure")
SHARING_VALUES = ("shared", "private", "locked")


def mount_type(options: Iterable[tuple[str, str | None] | tuple[str, str | None, object]]) -> str:
    """The ``type=`` of a ``--mount`` value (BuildKit's default is ``bind``), from its
    :meth:`~layerwise.syntax.nodes.Flag.options` or ``option_values``."""
    for key, value, *_ in options:
        if key == "type" and value:
            return value.lower()
    return "bind"


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, for "did you mean" suggestions."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def closest(word: str, candidates: tuple[str, ...] | list[str], limit: int = 2) -> str | None:
    """The candidate nearest to ``word`` within ``limit`` edits, if any."""
    best: tuple[int, str] | None = None
    for candidate in candidates:
        distance = edit_distance(word.lower(), candidate.lower())
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None
