"""What each Dockerfile instruction and parser directive does, for hover and completion."""

from __future__ import annotations

from ..record import record

REFERENCE = "https://docs.docker.com/reference/dockerfile/"


@record
class InstructionDoc:
    """An instruction's summary, forms, example, reference anchor and completion snippet."""

    summary: str
    forms: tuple[str, ...]
    example: str
    anchor: str
    snippet: str

    @property
    def url(self) -> str:
        """The instruction's section of the Dockerfile reference."""
        return REFERENCE + "#" + self.anchor


INSTRUCTIONS: dict[str, InstructionDoc] = {
    "ADD": InstructionDoc(
        "Copies files, directories, remote URLs or Git repositories into the image. Local tar "
        "archives are unpacked on the way in; prefer COPY for plain files.",
        ("ADD [OPTIONS] <src> ... <dest>", 'ADD [OPTIONS] ["<src>", ... "<dest>"]'),
        "ADD https://github.com/moby/buildkit.git#v0.14.0 /src/buildkit",
        "add", "ADD ${1:src} ${2:dest}"),
    "ARG": InstructionDoc(
        "Declares a build argument, set with `docker build --build-arg NAME=value`. Before the "
        "first FROM it is global and usable in FROM lines; inside a stage it is visible from "
        "its line to the end of the stage.",
        ("ARG <name>[=<default>] [<name>[=<default>] ...]",),
        "ARG GO_VERSION=1.22",
        "arg", "ARG ${1:name}"),
    "CMD": InstructionDoc(
        "Sets the default command of containers started from the image, or the default "
        "arguments of ENTRYPOINT. Only the last CMD takes effect.",
        ('CMD ["executable", "param", ...]', 'CMD ["param", ...]', "CMD command param ..."),
        'CMD ["nginx", "-g", "daemon off;"]',
        "cmd", 'CMD ["${1:executable}"]'),
    "COPY": InstructionDoc(
        "Copies files and directories from the build context, from another stage (--from) or "
        "from an image into the image.",
        ("COPY [OPTIONS] <src> ... <dest>", 'COPY [OPTIONS] ["<src>", ... "<dest>"]'),
        "COPY --from=build /out/app /usr/local/bin/app",
        "copy", "COPY ${1:src} ${2:dest}"),
    "ENTRYPOINT": InstructionDoc(
        "Sets the executable that containers run; CMD then supplies its default arguments.",
        ('ENTRYPOINT ["executable", "param", ...]', "ENTRYPOINT command param ..."),
        'ENTRYPOINT ["/usr/local/bin/app"]',
        "entrypoint", 'ENTRYPOINT ["${1:executable}"]'),
    "ENV": InstructionDoc(
        "Sets environment variables for the rest of the stage, for stages built FROM it and "
        "for containers run from the image.",
        ("ENV <key>=<value> [<key>=<value> ...]",),
        "ENV PATH=/opt/app/bin:$PATH",
        "env", "ENV ${1:key}=${2:value}"),
    "EXPOSE": InstructionDoc(
        "Documents the ports the container listens on. It publishes nothing: use `docker run "
        "-p` for that.",
        ("EXPOSE <port>[/<protocol>] ...",),
        "EXPOSE 8080/tcp",
        "expose", "EXPOSE ${1:port}"),
    "FROM": InstructionDoc(
        "Starts a build stage from a base image, an earlier stage or `scratch`. `AS <name>` "
        "names the stage for later FROM, COPY --from and RUN --mount=from.",
        ("FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]",),
        "FROM golang:1.22 AS build",
        "from", "FROM ${1:image}"),
    "HEALTHCHECK": InstructionDoc(
        "Tells the runtime how to check that the container still works, or turns off a check "
        "inherited from the base image. Only the last HEALTHCHECK takes effect.",
        ("HEALTHCHECK [OPTIONS] CMD <command>", "HEALTHCHECK NONE"),
        "HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost/ || exit 1",
        "healthcheck", "HEALTHCHECK --interval=${1:30s} CMD ${2:command}"),
    "LABEL": InstructionDoc(
        "Adds key-value metadata to the image.",
        ("LABEL <key>=<value> [<key>=<value> ...]",),
        'LABEL org.opencontainers.image.source="https://github.com/acme/app"',
        "label", 'LABEL ${1:key}="${2:value}"'),
    "MAINTAINER": InstructionDoc(
        "Deprecated: records the image's author. Use the "
        "`org.opencontainers.image.authors` label instead.",
        ("MAINTAINER <name>",),
        'LABEL org.opencontainers.image.authors="jane@example.com"',
        "maintainer-deprecated", "MAINTAINER ${1:name}"),
    "ONBUILD": InstructionDoc(
        "Stores an instruction that runs later, in the build of any image that uses this "
        "one as its base.",
        ("ONBUILD <INSTRUCTION>",),
        "ONBUILD COPY . /app/src",
        "onbuild", "ONBUILD ${1:INSTRUCTION}"),
    "RUN": InstructionDoc(
        "Runs a command in a new layer on top of the current image. --mount, --network and "
        "--security change what the command can reach.",
        ("RUN [OPTIONS] <command> ...", 'RUN [OPTIONS] ["<command>", "<param>", ...]'),
        "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt",
        "run", "RUN ${1:command}"),
    "SHELL": InstructionDoc(
        "Replaces the shell used by the shell form of RUN, CMD and ENTRYPOINT.",
        ('SHELL ["executable", "param", ...]',),
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
        "shell", 'SHELL ["${1:/bin/bash}", "${2:-c}"]'),
    "STOPSIGNAL": InstructionDoc(
        "Sets the signal that asks the container to stop.",
        ("STOPSIGNAL <signal>",),
        "STOPSIGNAL SIGTERM",
        "stopsignal", "STOPSIGNAL ${1:SIGTERM}"),
    "USER": InstructionDoc(
        "Sets the user (and optionally the group) for the rest of the stage and for the "
        "container.",
        ("USER <user>[:<group>]", "USER <uid>[:<gid>]"),
        "USER 10001:10001",
        "user", "USER ${1:user}"),
    "VOLUME": InstructionDoc(
        "Declares mount points whose contents live outside the container's layers; changes "
        "made to them by later build steps are discarded.",
        ("VOLUME <path> ...", 'VOLUME ["<path>", ...]'),
        "VOLUME /var/lib/data",
        "volume", "VOLUME ${1:/data}"),
    "WORKDIR": InstructionDoc(
        "Sets the working directory of the following RUN, CMD, ENTRYPOINT, COPY and ADD, "
        "creating it if needed. Relative paths build on the previous WORKDIR.",
        ("WORKDIR <path>",),
        "WORKDIR /app",
        "workdir", "WORKDIR ${1:/app}"),
}

#: Extra completion entries that pre-fill a common flag: ``(label, form, snippet)``.
VARIANTS: tuple[tuple[str, str, str], ...] = (
    ("COPY --from", "COPY --from=<stage> <src> <dest>",
     "COPY --from=${1:stage} ${2:src} ${3:dest}"),
    ("FROM … AS", "FROM <image> AS <name>", "FROM ${1:image} AS ${2:name}"),
    ("RUN --mount=type=cache", "RUN --mount=type=cache,target=<path> <command>",
     "RUN --mount=type=cache,target=${1:/root/.cache} ${2:command}"),
)

#: Instructions ONBUILD cannot wrap.
NOT_IN_ONBUILD = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


@record
class DirectiveDoc:
    """A parser directive's summary, a typical line and its completion snippet."""

    summary: str
    example: str
    snippet: str
    anchor: str

    @property
    def url(self) -> str:
        """The directive's section of the Dockerfile reference."""
        return REFERENCE + "#" + self.anchor


DIRECTIVES: dict[str, DirectiveDoc] = {
    "syntax": DirectiveDoc(
        "Chooses the Dockerfile frontend (syntax version) BuildKit uses for this file.",
        "# syntax=docker/dockerfile:1", "# syntax=${1:docker/dockerfile:1}", "syntax"),
    "escape": DirectiveDoc(
        "Sets the escape character: `\\` (the default) or a backtick, handy on Windows "
        "where `\\` separates paths.",
        "# escape=`", "# escape=${1|`,\\\\|}", "escape"),
    "check": DirectiveDoc(
        "Configures BuildKit's build checks: `skip=<names|all>` turns checks off, "
        "`error=true` makes failed checks fail the build.",
        "# check=error=true", "# check=${1:error=true}", "check"),
}
