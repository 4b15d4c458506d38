"""What each instruction flag and ``--mount`` option means, and the values to suggest."""

from __future__ import annotations

from ..record import record
from ..syntax.grammar import NETWORK_VALUES, SECURITY_VALUES, SHARING_VALUES
from .instruction_docs import REFERENCE

BOOLEAN = ("true", "false")


@record
class FlagDoc:
    """A flag's meaning, the shape of its value, values to suggest and its reference anchor."""

    summary: str
    value: str
    values: tuple[str, ...]
    anchor: str

    @property
    def url(self) -> str:
        """The flag's section of the Dockerfile reference."""
        return REFERENCE + "#" + self.anchor


def _copy_flags(name: str) -> dict[tuple[str, str], FlagDoc]:
    """The flags COPY and ADD share, anchored in ``name``'s section."""
    low = name.lower()
    return {
        (name, "chown"): FlagDoc(
            "Sets the owner (and group) of the copied files instead of root. Names are looked "
            "up in the image's /etc/passwd and /etc/group.",
            "<user>[:<group>]", (), f"{low}---chown"),
        (name, "chmod"): FlagDoc(
            "Sets the permissions of the copied files, as an octal mode or symbolic "
            "(u+x) notation.",
            "<mode>", ("0644", "0755"), f"{low}---chmod"),
        (name, "link"): FlagDoc(
            "Copies into an independent layer that does not depend on the layers below, so "
            "changing the base image keeps its cache and the layer can be reused as is.",
            "[=<boolean>]", BOOLEAN, f"{low}---link"),
        (name, "exclude"): FlagDoc(
            "Leaves out the paths matching a pattern (may be repeated).",
            "<pattern>", (), f"{low}---exclude"),
    }


FLAGS: dict[tuple[str, str], FlagDoc] = {
    ("FROM", "platform"): FlagDoc(
        "Chooses the platform of a multi-platform base image; `$BUILDPLATFORM` runs the stage "
        "natively on the build machine for cross-compiling.",
        "<os>/<arch>[/<variant>]",
        ("$BUILDPLATFORM", "$TARGETPLATFORM", "linux/amd64", "linux/arm64"), "from"),
    ("RUN", "mount"): FlagDoc(
        "Mounts a filesystem for this command only: a cache that survives builds, a secret or "
        "SSH agent that never enters a layer, files from another stage, or a tmpfs.",
        "type=<bind|cache|tmpfs|secret|ssh>[,<key>=<value>...]", (), "run---mount"),
    ("RUN", "network"): FlagDoc(
        "Chooses the network of this command: `default`, `none` (no access) or `host` "
        "(needs the network.host entitlement).",
        "<default|none|host>", NETWORK_VALUES, "run---network"),
    ("RUN", "security"): FlagDoc(
        "`insecure` runs this command without the sandbox, like `docker run --privileged` "
        "(needs the security.insecure entitlement); `sandbox` is the default.",
        "<sandbox|insecure>", SECURITY_VALUES, "run---security"),
    ("COPY", "from"): FlagDoc(
        "Copies from a build stage (by name or index), an image or a named build context "
        "instead of the local context.",
        "<stage|index|image|context>", (), "copy---from"),
    ("COPY", "parents"): FlagDoc(
        "Keeps the parent directories of each source under the destination (use `/./` in "
        "a source to choose where the kept part starts).",
        "[=<boolean>]", BOOLEAN, "copy---parents"),
    **_copy_flags("COPY"),
    **_copy_flags("ADD"),
    ("ADD", "checksum"): FlagDoc(
        "Verifies the digest of a remote source; the build fails when it does not match.",
        "<algorithm>:<hash>", ("sha256:",), "add---checksum"),
    ("ADD", "keep-git-dir"): FlagDoc(
        "Keeps the `.git` directory when adding a Git repository.",
        "[=<boolean>]", BOOLEAN, "add---keep-git-dir"),
    ("ADD", "unpack"): FlagDoc(
        "Controls whether archives are extracted: on by default for local tar files, off for "
        "URLs.",
        "[=<boolean>]", BOOLEAN, "add---unpack"),
    ("HEALTHCHECK", "interval"): FlagDoc(
        "Time between two checks (default 30s).", "<duration>", ("30s",), "healthcheck"),
    ("HEALTHCHECK", "timeout"): FlagDoc(
        "Time after which a running check counts as failed (default 30s).",
        "<duration>", ("30s",), "healthcheck"),
    ("HEALTHCHECK", "start-period"): FlagDoc(
        "Start-up time during which failures do not count (default 0s).",
        "<duration>", ("0s",), "healthcheck"),
    ("HEALTHCHECK", "start-interval"): FlagDoc(
        "Time between checks during the start period (default 5s).",
        "<duration>", ("5s",), "healthcheck"),
    ("HEALTHCHECK", "retries"): FlagDoc(
        "Consecutive failures before the container is unhealthy (default 3).",
        "<number>", ("3",), "healthcheck"),
}

#: ``--mount`` types, in the order completion offers them.
MOUNT_TYPES: dict[str, str] = {
    "cache": "A directory kept between builds for compilers and package managers; it never "
             "enters the image.",
    "bind": "Files from the build context, a stage or an image, read-only by default "
            "(the default type).",
    "secret": "A secret passed with `--secret id=…`, as a file or an environment variable, "
              "never stored in a layer.",
    "ssh": "The build client's SSH agent socket, passed with `--ssh`.",
    "tmpfs": "An empty in-memory filesystem.",
}


@record
class MountOption:
    """A ``--mount`` key: its meaning, the mount types it is meant for, values to suggest."""

    summary: str
    types: frozenset[str]
    values: tuple[str, ...] = ()


_ALL = frozenset(MOUNT_TYPES)
_OWNED = frozenset({"cache", "secret", "ssh"})
_SOURCED = frozenset({"bind", "cache"})

#: ``--mount`` keys, in the order completion offers them (aliases are in ``MOUNT_ALIASES``).
MOUNT_OPTIONS: dict[str, MountOption] = {
    "target": MountOption("Where the mount appears in the build container.", _ALL),
    "id": MountOption("The cache, secret or SSH key to mount. Caches default to the target "
                      "path, secrets to the target's file name, SSH to `default`.", _OWNED),
    "source": MountOption("The path inside `from` to mount.", _SOURCED),
    "from": MountOption("The stage, image or build context to mount from (bind), or to seed "
                        "the cache with (cache).", _SOURCED),
    "sharing": MountOption("How parallel builds share a cache: `shared` (default), `private` "
                           "(one copy per writer) or `locked` (wait for the other writer).",
                           frozenset({"cache"}), SHARING_VALUES),
    "env": MountOption("Exposes the secret as this environment variable instead of a file.",
                       frozenset({"secret"})),
    "required": MountOption("Fails the build when the secret or SSH key is missing.",
                            frozenset({"secret", "ssh"}), BOOLEAN),
    "mode": MountOption("File mode in octal (cache 0755, secret 0400, ssh 0600 by default).",
                        _OWNED),
    "uid": MountOption("Owner user ID (default 0).", _OWNED),
    "gid": MountOption("Owner group ID (default 0).", _OWNED),
    "readonly": MountOption("Mounts the cache read-only.", frozenset({"cache"}), BOOLEAN),
    "rw": MountOption("Lets the command write to a bind mount; the writes are discarded "
                      "afterwards.", frozenset({"bind"}), BOOLEAN),
    "size": MountOption("Upper size limit of the tmpfs.", frozenset({"tmpfs"})),
    "type": MountOption("The kind of mount: " + ", ".join(MOUNT_TYPES) + ".", _ALL,
                        tuple(MOUNT_TYPES)),
}

#: Alternative spellings BuildKit accepts for ``--mount`` keys.
MOUNT_ALIASES: dict[str, str] = {
    "dst": "target", "destination": "target", "src": "source", "ro": "readonly",
    "readwrite": "rw",
}
