"""Regular expressions compiled when first used: for those most Dockerfiles never reach,
which would otherwise cost start-up time (a tenth of a millisecond to a millisecond each)."""

from __future__ import annotations

import re
from typing import Any, cast


class _LazyPattern:
    """Stands for ``re.compile(source, flags)``, compiled on the first attribute lookup.

    Each attribute looked up (``search``, ``finditer``, ``pattern``…) is then stored on the
    instance, so later lookups find it directly and cost what the compiled pattern's do.
    """

    def __init__(self, source: str, flags: int) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # what copy and pickle probe for: a plain object's answers
            raise AttributeError(name)
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        value = getattr(self._compiled, name)
        setattr(self, name, value)
        return value


def lazy_pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, put off until the pattern is first used.

    Use the result as the compiled pattern (its methods and attributes); do not hand it to
    :mod:`re`'s functions or test it with ``isinstance``, which want the compiled object.
    """
    return cast(re.Pattern[str], _LazyPattern(source, flags))
