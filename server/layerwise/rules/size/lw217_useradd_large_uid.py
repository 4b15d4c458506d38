"""LW217 useradd-large-uid."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.analysis import Analysis
from ...model.layers import Layer, ShellSource
from ...model.shell import Command, Word, getopt
from ...syntax.span import Span
from ..base import Finding, Severity
from ._edits import checked_fix, insert_after, word_span
from ._layers import artifact_note, ships
from ._leftover import LeftoverRule

_USERADD_SHORT = "bcdefgGkKpsuZRP"
_USERADD_LONG = frozenset({"--base-dir", "--comment", "--home-dir", "--home", "--expiredate",
                           "--inactive", "--gid", "--groups", "--skel", "--key", "--password",
                           "--shell", "--uid", "--selinux-user", "--root", "--prefix"})
_ADDUSER_LONG = frozenset({"--uid", "--gid", "--home", "--shell", "--ingroup", "--gecos",
                           "--conf", "--comment", "--firstuid", "--lastuid", "--add-extra-groups"})
_LIMIT = 100_000


class UseraddLargeUid(LeftoverRule):
    """## What it does
    Reports `useradd -u <UID>` with a UID of 100000 or more and without `-l`
    (`--no-log-init`). `adduser` with such a UID gets a hint: it has no such option.

    ## Why it matters
    `useradd` reserves an entry for the UID in the sparse `/var/log/faillog` and
    `/var/log/lastlog` files. Layers do not keep files sparse, so a large UID writes
    gigabytes of zeros into the image.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN useradd -u 1000000 -m app
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN useradd --no-log-init -u 1000000 -m app
    ```

    ## References
    - hadolint DL3046
    - Docker docs, Dockerfile best practices: USER
    """

    id = "LW217"
    name = "useradd-large-uid"
    severity = Severity.WARNING
    summary = "useradd with a large UID and without --no-log-init"

    def check_layer(self, analysis: Analysis, layer: Layer) -> Iterator[Finding]:
        """Report large UIDs given to useradd (and, as a hint, to adduser)."""
        if not ships(analysis, layer, "/var/log/lastlog", False):
            return
        for source in layer.sources:
            for command in source.script.commands:
                if command.program == "useradd":
                    finding = self._useradd(analysis, layer, source, command)
                elif command.program == "adduser":
                    finding = self._adduser(analysis, layer, source, command)
                else:
                    finding = None
                if finding is not None:
                    yield finding

    def _useradd(self, analysis: Analysis, layer: Layer, source: ShellSource,
                 command: Command) -> Finding | None:
        opts, _ = getopt(command.args, _USERADD_SHORT, _USERADD_LONG)
        if any(o.name in ("-l", "--no-log-init") for o in opts):
            return None
        uid = next((o for o in reversed(opts) if o.name in ("-u", "--uid") and o.value), None)
        if uid is None or uid.value is None:
            return None
        number = _number(analysis, layer, uid.value)
        if number is None or number < _LIMIT:
            return None
        span = _span(source, uid.word, uid.value)
        fix = checked_fix("Add --no-log-init",
                  (insert_after(word_span(source, command.name), " --no-log-init"),))
        return self.finding(
            span, f"useradd -u {number} without --no-log-init writes a sparse lastlog and "
            f"faillog entry for this UID, stored in full in this layer"
            f"{artifact_note(analysis, layer)}", fix=fix)

    def _adduser(self, analysis: Analysis, layer: Layer, source: ShellSource,
                 command: Command) -> Finding | None:
        opts, _ = getopt(command.args, "uGhsgk", _ADDUSER_LONG)
        uid = next((o for o in reversed(opts) if o.name in ("-u", "--uid") and o.value), None)
        if uid is None or uid.value is None:
            return None
        number = _number(analysis, layer, uid.value)
        if number is None or number < _LIMIT:
            return None
        return self.finding(
            _span(source, uid.word, uid.value),
            f"adduser with UID {number} may write a large sparse lastlog entry; useradd "
            "--no-log-init avoids it", severity=Severity.HINT)


def _number(analysis: Analysis, layer: Layer, word: Word) -> int | None:
    """The UID a word gives: a number, or an ARG/ENV with a known numeric value."""
    text = word.value
    if text is None and word.parts:
        pieces = []
        for piece, is_variable in word.parts:
            if is_variable:
                variable = analysis.variable(piece, layer.instruction)
                if variable is None or variable.value is None:
                    return None
                pieces.append(variable.value)
            else:
                pieces.append(piece)
        text = "".join(pieces)
    return int(text) if text is not None and text.isdigit() else None


def _span(source: ShellSource, option: Word, value: Word) -> Span:
    """``-u 1000000`` when both words share a line, else the value."""
    first, last = word_span(source, option), word_span(source, value)
    if first.start.line == last.end.line and first.start <= last.start:
        return Span(first.start, last.end)
    return last
