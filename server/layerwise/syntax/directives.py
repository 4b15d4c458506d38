"""Parser directives (``# syntax=``, ``# escape=``, ``# check=``) as BuildKit reads them."""

from __future__ import annotations

import re

from .words import SPACES

#: The directives BuildKit honours; any other ``# key=value`` line ends the directive block.
KNOWN_DIRECTIVES = ("syntax", "escape", "check")
_DIRECTIVE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$")


def match_directive(stripped: str) -> tuple[str, str, int, int, int] | None:
    """Read a directive line (leading whitespace already stripped).

    Returns ``(name, value, name_col, value_col, value_end)`` with columns relative to
    ``stripped``, or ``None`` when the line ends the directive block.
    """
    if not stripped.startswith("#"):
        return None
    body_start = 1
    while body_start < len(stripped) and stripped[body_start] in SPACES:
        body_start += 1
    m = _DIRECTIVE.match(stripped, body_start)
    if m is None or m.group(1).lower() not in KNOWN_DIRECTIVES:
        return None
    return m.group(1).lower(), m.group(2), m.start(1), m.start(2), m.end(2)
