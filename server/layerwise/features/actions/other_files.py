"""Files other than the Dockerfile that a fix edits (an ignore file): what they hold now."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from ...syntax.source import MAX_BYTES


class Uneditable(Exception):
    """A file that exists but must not be edited as UTF-8 text."""


def current_text(path: Path) -> str | None:
    """The text of ``path`` as an editor shows it (UTF-8, without a BOM); None when missing.

    Raises :class:`Uneditable` for a folder or special file, an unreadable, binary, non-UTF-8
    or huge file: appending to it could corrupt it.
    """
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise Uneditable(f"{path} is not a regular file")
        if info.st_size > MAX_BYTES:
            raise Uneditable(f"{path} is too large")
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Uneditable(f"cannot read {path}: {exc.strerror or exc}") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in data:
        raise Uneditable(f"{path} is not UTF-8 text")
    try:
        return data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError:
        raise Uneditable(f"{path} is not valid UTF-8") from None
