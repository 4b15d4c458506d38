"""LW414 invalid-default-arg-in-from."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ...model.analysis import Analysis
from ...model.variables import Variable, expand
from ...patterns import lazy_pattern
from ...syntax.nodes import Token
from ..base import Finding, Related, Severity, StructureRule
from .lw415_undefined_arg_in_from import meta_args, meta_scope

# distribution/reference grammar (docker image references)
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])"
_REFERENCE = lazy_pattern(
    rf"(?:(?P<domain>{_HOST}(?::[0-9]+)?)/)?(?P<path>{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)"
    r"(?::(?P<tag>[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?")
_IDENTIFIER = lazy_pattern(r"[a-f0-9]{64}")
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}


def valid_reference(text: str) -> bool:
    """Tell whether ``text`` is an image reference docker accepts (``ParseNormalizedNamed``)."""
    if not text or _IDENTIFIER.fullmatch(text):
        return False
    domain, slash, rest = text.partition("/")
    if not slash:
        domain, remainder = "docker.io", "library/" + text
    elif domain == "localhost" or any(c in domain for c in ".:") or domain.lower() != domain:
        remainder = rest
    elif domain == "index.docker.io":
        domain, remainder = "docker.io", rest
    else:
        domain, remainder = "docker.io", text
    if domain == "docker.io" and "/" not in remainder:
        remainder = "library/" + remainder
    remote = remainder.partition(":")[0]
    if remote.lower() != remote:
        return False
    match = _REFERENCE.fullmatch(f"{domain}/{remainder}")
    if match is None or len(match.group("path")) > 255:
        return False
    digest = match.group("digest")
    if digest:
        algorithm, _, encoded = digest.partition(":")
        length = _DIGEST_LENGTHS.get(algorithm)
        if length is None or len(encoded) != length or encoded.lower() != encoded:
            return False
    return True


class InvalidDefaultArgInFrom(StructureRule):
    """## What it does
    Expands each `FROM` image with the defaults of the global ARGs, as a build without
    `--build-arg` does, and reports it when the result is empty or not a valid image
    reference (`busybox:` from `FROM busybox:${TAG}` with `ARG TAG` and no default).

    ## Why it matters
    A Dockerfile should build as it is. If the base image is only valid when the caller passes
    `--build-arg`, a plain `docker build` fails, and so does every tool that builds the file
    with its defaults.

    ## Example
    ```dockerfile
    ARG TAG
    FROM busybox:${TAG}
    ```

    ## Use instead
    ```dockerfile
    ARG TAG=1.36
    FROM busybox:${TAG}
    ```

    ## References
    - BuildKit check `InvalidDefaultArgInFrom`
    """

    id = "LW414"
    name = "invalid-default-arg-in-from"
    severity = Severity.WARNING
    summary = "The global ARG defaults make the FROM image invalid"

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """Expand every FROM that uses variables with the defaults and validate the result."""
        scope = meta_scope(analysis)
        declared = meta_args(analysis)
        escape = analysis.dockerfile.escape
        for stage in analysis.stages:
            inst = analysis.instructions[stage.from_index]
            if not inst.words:
                continue
            token = inst.words[0]
            expansion = expand(token.value, scope, escape)
            if not expansion.references or valid_reference(expansion.value):
                continue
            yield self._finding(token, expansion.value,
                                [r.name for r in expansion.references], declared, scope)

    def _finding(self, token: Token, value: str, names: list[str], declared: dict[str, Token],
                 scope: Mapping[str, Variable]) -> Finding:
        names = list(dict.fromkeys(names))
        result = "an empty name" if not value else f"'{value}'"
        args = [n for n in names if n in declared]
        empty = [n for n in args if n not in scope]
        undeclared = [n for n in names if n not in scope and n not in declared]
        if empty:
            todo = f"give ARG {', '.join(empty)} a default value"
        elif undeclared:
            todo = f"declare ARG {', '.join(undeclared)} with a default value"
        else:
            todo = f"change the default of ARG {', '.join(args)}"
        related = tuple(Related(declared[n].span, f"ARG {n} is declared here") for n in args)
        return self.finding(
            token.span,
            f"Default value for ARG results in an invalid base image: {token.value} expands "
            f"to {result}; {todo}",
            related=related, data={"buildkit": "InvalidDefaultArgInFrom"})
