"""LW109 arg-scope."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...memo import IdentityMemo
from ...model.analysis import Analysis
from ...model.shell import script_language
from ...model.stages import Stage
from ...model.variables import BUILDKIT_ARGS, PROXY_ARGS, Variable, expand
from ...patterns import lazy_pattern
from ...record import record
from ...syntax.nodes import Heredoc, Instruction, LogicalLine
from ...syntax.span import Position, Span, TextEdit
from ..base import Finding, Fix, InstructionRule, Reads, Related, Severity
from ._common import (
    display_line,
    from_instruction,
    instructions_of,
    line_ending,
    match_case,
    stage_title,
)

#: Instructions whose words BuildKit expands with the stage's variables (RUN: the shell does,
#: from the same environment). CMD, ENTRYPOINT and HEALTHCHECK run in the container, where
#: no ARG exists at all, so an in-stage ARG would not help them.
_EXPANDED = frozenset({
    "ADD", "ARG", "COPY", "ENV", "EXPOSE", "LABEL", "RUN", "STOPSIGNAL", "USER", "VOLUME",
    "WORKDIR",
})
_NOT_ENV = frozenset(PROXY_ARGS) | frozenset(BUILDKIT_ARGS)

#: ENV that popular official images set, so ``$NAME`` works without any ARG in the stage.
_IMAGE_ENV: dict[str, frozenset[str]] = {
    "python": frozenset({"PYTHON_VERSION", "PYTHON_SHA256", "GPG_KEY"}),
    "pypy": frozenset({"PYPY_VERSION"}),
    "node": frozenset({"NODE_VERSION", "YARN_VERSION"}),
    "golang": frozenset({"GOLANG_VERSION", "GOPATH", "GOTOOLCHAIN"}),
    "ruby": frozenset({"RUBY_VERSION", "RUBY_MAJOR", "RUBY_DOWNLOAD_SHA256", "GEM_HOME",
                       "BUNDLE_APP_CONFIG", "BUNDLE_SILENCE_ROOT_WARNING"}),
    "php": frozenset({"PHP_VERSION", "PHP_INI_DIR", "PHP_URL", "PHP_ASC_URL", "PHP_SHA256",
                      "PHPIZE_DEPS", "PHP_CFLAGS", "PHP_CPPFLAGS", "PHP_LDFLAGS", "GPG_KEYS"}),
    "rust": frozenset({"RUST_VERSION", "RUSTUP_HOME", "CARGO_HOME"}),
    "nginx": frozenset({"NGINX_VERSION", "NJS_VERSION", "NJS_RELEASE", "PKG_RELEASE"}),
    "httpd": frozenset({"HTTPD_VERSION", "HTTPD_PREFIX", "HTTPD_SHA256", "HTTPD_PATCHES"}),
    "postgres": frozenset({"PG_MAJOR", "PG_VERSION", "PGDATA", "GOSU_VERSION"}),
    "mysql": frozenset({"MYSQL_MAJOR", "MYSQL_VERSION", "MYSQL_SHELL_VERSION", "GOSU_VERSION"}),
    "mongo": frozenset({"MONGO_MAJOR", "MONGO_VERSION", "GOSU_VERSION"}),
    "redis": frozenset({"REDIS_VERSION", "REDIS_DOWNLOAD_URL", "REDIS_DOWNLOAD_SHA"}),
    "erlang": frozenset({"OTP_VERSION", "REBAR3_VERSION"}),
    "elixir": frozenset({"ELIXIR_VERSION", "OTP_VERSION"}),
    "haproxy": frozenset({"HAPROXY_VERSION", "HAPROXY_URL", "HAPROXY_SHA256"}),
    "docker": frozenset({"DOCKER_VERSION", "DOCKER_BUILDX_VERSION", "DOCKER_COMPOSE_VERSION"}),
    "julia": frozenset({"JULIA_VERSION", "JULIA_PATH"}),
    "gradle": frozenset({"GRADLE_VERSION", "GRADLE_HOME", "JAVA_VERSION", "JAVA_HOME"}),
    "maven": frozenset({"MAVEN_HOME", "MAVEN_CONFIG", "JAVA_VERSION", "JAVA_HOME"}),
    "tomcat": frozenset({"TOMCAT_VERSION", "TOMCAT_MAJOR", "CATALINA_HOME", "JAVA_VERSION",
                         "JAVA_HOME"}),
}
_JAVA_IMAGES = ("jdk", "jre", "java", "temurin", "corretto", "semeru", "sapmachine", "zulu")
_DOTNET_ENV = frozenset({"DOTNET_VERSION", "ASPNET_VERSION", "DOTNET_SDK_VERSION"})
_OWN_ENV = lazy_pattern(r"([A-Z][A-Z0-9]*)_(?:VERSION|MAJOR|HOME)")


@record
class _Use:
    """One ``$NAME`` in an instruction."""

    name: str
    span: Span


class ArgScope(InstructionRule):
    """## What it does
    Reports a global ARG (declared before the first `FROM`, or one of BuildKit's automatic
    platform ARGs such as `TARGETARCH`) that an instruction inside a stage uses although the
    stage never declares `ARG NAME`.

    ## Why it matters
    ARGs declared before the first `FROM` only reach `FROM` lines. Inside a stage the variable
    is empty unless the stage re-declares it with `ARG NAME` (no value needed: it inherits the
    global default), so a download URL loses its version and a `COPY` its path, silently.

    ## Example
    ```dockerfile
    ARG NODE_MAJOR=20
    FROM debian:bookworm-slim
    RUN curl -fsSL https://deb.nodesource.com/setup_$NODE_MAJOR.x | bash -
    ```

    ## Use instead
    ```dockerfile
    ARG NODE_MAJOR=20
    FROM debian:bookworm-slim
    ARG NODE_MAJOR
    RUN curl -fsSL https://deb.nodesource.com/setup_$NODE_MAJOR.x | bash -
    ```

    ## References
    - Dockerfile reference, "Understand how ARG and FROM interact" and "ARG › Scope"
    - BuildKit checks UndefinedVar (the instructions BuildKit expands); LW415 covers `FROM`
    """

    id = "LW109"
    name = "arg-scope"
    severity = Severity.WARNING
    summary = "Global ARG is used in a stage that does not declare it"

    names = _EXPANDED
    #: The scopes, the ``ARG`` lines of the stage and its ancestors, the base image.
    reads = Reads.STRUCTURE

    def check_instruction(self, analysis: Analysis, index: int) -> Iterator[Finding]:
        """Look at every variable use of an instruction inside a stage."""
        inst = analysis.instructions[index]
        number = analysis.stage_of[index]
        if number < 0 or not _mentions_variables(inst):
            return
        stage = analysis.stages[number]
        seen: set[str] = set()
        script = _script_text(inst) if inst.name == "RUN" else ""
        escape = analysis.dockerfile.escape
        for use in _USES.get(inst, escape, _uses, inst, escape):
            if use.name in seen:
                continue
            variable = self._out_of_scope(analysis, stage, index, use.name)
            if variable is None or _assigned_by_script(script, use.name):
                continue
            seen.add(use.name)
            yield self._report(analysis, stage, index, use, variable)

    def _out_of_scope(self, analysis: Analysis, stage: Stage, index: int,
                      name: str) -> Variable | None:
        """The global definition of ``name`` if the stage cannot see it at ``index``."""
        variable = analysis.global_scope.get(name)
        if variable is None or variable.kind not in ("global-arg", "predefined"):
            return None
        if name in _NOT_ENV or analysis.scopes[index].get(name) is not None:
            return None
        if _declared_by_ancestor(analysis, stage, name):
            return None
        if variable.kind == "global-arg" and _image_sets(analysis, stage, name):
            return None
        return variable

    def _report(self, analysis: Analysis, stage: Stage, index: int, use: _Use,
                variable: Variable) -> Finding:
        later = _later_declaration(analysis, stage, index, use.name)
        where = stage_title(stage)
        if variable.kind == "predefined":
            head = f"'{use.name}' is an automatic platform ARG of the global scope"
        else:
            head = f"global ARG '{use.name}' is declared before the first FROM"
        if later is not None:
            message = (f"{head}, and {where} declares it only at line {display_line(later)}, "
                       f"after this use: move `ARG {use.name}` above it")
            fix = None
        else:
            message = (f"{head} and is unset in {where}: add `ARG {use.name}` in the stage "
                       f"to use its value")
            fix = _add_arg(analysis, stage, use.name)
        related: tuple[Related, ...] = ()
        if variable.span is not None:
            related = (Related(variable.span, f"global ARG '{use.name}' is declared here"),)
        return self.finding(use.span, message, related=related, fix=fix,
                            data={"variable": use.name})


def _add_arg(analysis: Analysis, stage: Stage, name: str) -> Fix:
    """Insert ``ARG NAME`` right after the stage's ``FROM``."""
    inst = from_instruction(analysis, stage)
    line = inst.end_line + 1
    indent = analysis.dockerfile.line_text(inst.start_line)[: inst.keyword.span.start.col]
    keyword = match_case("ARG", inst.keyword.value)
    text = f"{indent}{keyword} {name}{line_ending(analysis, inst.end_line)}"
    at = Position(line, 0)
    return Fix(f"Add `ARG {name}` to {stage_title(stage)}", (TextEdit(Span(at, at), text),))


def _declares(inst: Instruction, name: str) -> bool:
    return inst.name == "ARG" and any(kv.key.value == name for kv in inst.pairs)


def _declared_by_ancestor(analysis: Analysis, stage: Stage, name: str) -> bool:
    """An ``ARG`` in a stage this one is based on (``FROM <stage>``) is inherited."""
    seen = {stage.index}
    current = stage.base_stage
    while current is not None and current not in seen:
        seen.add(current)
        ancestor = analysis.stages[current]
        instructions = instructions_of(analysis)
        if any(_declares(instructions[i], name) for i in ancestor.instructions):
            return True
        current = ancestor.base_stage
    return False


def _later_declaration(analysis: Analysis, stage: Stage, index: int, name: str) -> int | None:
    """The line of an ``ARG NAME`` of this stage that comes after instruction ``index``."""
    instructions = instructions_of(analysis)
    for i in stage.instructions:
        if i > index and _declares(instructions[i], name):
            return instructions[i].start_line
    return None


def _image_sets(analysis: Analysis, stage: Stage, name: str) -> bool:
    """Tell whether the stage's external base image is known to set ``name`` as ENV."""
    root = stage
    seen: set[int] = set()
    while root.base_stage is not None and root.base_stage not in seen:
        seen.add(root.base_stage)
        root = analysis.stages[root.base_stage]
    image = root.base.lower()
    if not image or image == "scratch":
        return False
    path = image.partition("@")[0]
    repo = path.rpartition("/")[2].partition(":")[0]
    if name in _IMAGE_ENV.get(repo, ()):
        return True
    if name.startswith("JAVA_") and any(k in repo for k in _JAVA_IMAGES):
        return True
    if name in _DOTNET_ENV and "dotnet" in path:
        return True
    own = _OWN_ENV.fullmatch(name)
    return own is not None and own.group(1).lower() == repo


def _mentions_variables(inst: Instruction) -> bool:
    """A cheap filter: no ``$`` anywhere means no variable use."""
    return "$" in inst.logical.text or any("$" in doc.content for doc in inst.heredocs)


def _uses(inst: Instruction, escape: str) -> tuple[_Use, ...]:
    """The variable uses of an instruction (``escape`` is the file's escape character)."""
    return tuple(_find_uses(inst, escape))


_USES: IdentityMemo[tuple[_Use, ...]] = IdentityMemo(8192)


def _find_uses(inst: Instruction, escape: str) -> Iterator[_Use]:
    """Every ``$NAME`` the instruction expands, with its source span."""
    logical = inst.logical
    start = _offset(logical, inst.keyword.span.end)
    if start is None:
        return
    end = len(logical.text)
    if inst.name == "RUN" and inst.json:
        args_start = _offset(logical, inst.args.span.start)
        end = args_start if args_start is not None else start
    if inst.name == "RUN":
        escape = "\\"
    segment = logical.text[start:end]
    for ref in expand(segment, {}, escape).references:
        yield _Use(ref.name, logical.span(start + ref.start, start + ref.end))
    if inst.name == "RUN" and not inst.json:
        only_heredocs = all("<<" in word for word in inst.args.value.split())
        for doc in inst.heredocs:
            yield from _heredoc_uses(doc, only_heredocs)


def _heredoc_uses(doc: Heredoc, is_script: bool) -> Iterator[_Use]:
    """Variables in a RUN heredoc: a shell script body, or data the shell expands."""
    if is_script:
        if script_language(doc.text) != "sh":
            return
        refs = expand(doc.content, {}, "\\").references
    elif doc.expand:
        refs = expand(doc.content, {}, "\\", quotes=False).references
    else:
        return
    line0 = doc.body.start.line
    starts = [0]
    for k, ch in enumerate(doc.content):
        if ch == "\n":
            starts.append(k + 1)
    for ref in refs:
        line = _line_index(starts, ref.start)
        end_line = _line_index(starts, ref.end - 1)
        yield _Use(ref.name, Span(Position(line0 + line, ref.start - starts[line]),
                                  Position(line0 + end_line, ref.end - starts[end_line])))


def _line_index(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _offset(logical: LogicalLine, pos: Position) -> int | None:
    """The logical offset of a source position (the inverse of ``LogicalLine.position``)."""
    segments = logical.segments
    for k, (offset, line, col) in enumerate(segments):
        length = (segments[k + 1][0] if k + 1 < len(segments) else len(logical.text)) - offset
        if line == pos.line and col <= pos.col <= col + length:
            return offset + pos.col - col
    return None


def _script_text(inst: Instruction) -> str:
    """The shell text of a RUN: its command line and heredoc bodies."""
    return "\n".join([inst.args.value, *(doc.content for doc in inst.heredocs)])


def _assigned_by_script(script: str, name: str) -> bool:
    """Tell whether the RUN script sets the variable itself (``NAME=…``, ``for NAME``…)."""
    if not script:
        return False
    n = re.escape(name)
    patterns = (
        rf"(?:^|[\s;&|(`]){n}(?:\[[^\]]*\])?\+?=",
        rf"\bfor\s+{n}\b",
        rf"\bread\b[^\n;&|]*\s{n}\b",
        rf"\b(?:export|local|declare|typeset|readonly)\s+(?:-\w+\s+)*{n}\b",
        rf"\$\{{{n}:?=",
        rf"\bgetopts\s+\S+\s+{n}\b",
    )
    return any(re.search(p, script, re.MULTILINE) for p in patterns)
