"""Logging for the server: stderr or a file, never stdout (stdout carries the protocol)."""

from __future__ import annotations

import logging
import sys

__all__ = ["configure_logging"]


def configure_logging(verbose: int = 0, log_file: str | None = None) -> None:
    """Send logs to ``log_file`` or stderr: warnings by default, ``-v`` info, ``-vv`` debug.

    pygls logs every message it sends at info level, so its loggers stay at warning below
    ``-vv``; its JSON-RPC layer warns about every cancelled request that already finished
    (editors cancel often), so that one stays at error.
    """
    handler: logging.Handler
    if log_file:
        handler = logging.FileHandler(log_file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1
                  else logging.WARNING)
    logging.getLogger("pygls").setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)
    logging.getLogger("pygls.protocol.json_rpc").setLevel(
        logging.DEBUG if verbose >= 2 else logging.ERROR)
