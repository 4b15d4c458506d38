"""One place in the document that names a stage or a variable."""

from __future__ import annotations

from ..record import record
from ..syntax.span import Span


@record
class Occurrence:
    """A declaration (``write``) or use of a name; ``exact`` when ``span`` is the bare name."""

    span: Span
    write: bool
    exact: bool
