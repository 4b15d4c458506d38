"""Fixtures of the VS Code extension's tests: the Node tools they run."""

from __future__ import annotations

import shutil

import pytest

from .support import require


@pytest.fixture(scope="session")
def node() -> str:
    """The ``node`` executable (Node 20)."""
    path = shutil.which("node")
    require(path is not None, "node is not on PATH")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def npm() -> str:
    """The ``npm`` executable."""
    path = shutil.which("npm")
    require(path is not None, "npm is not on PATH")
    assert path is not None
    return path
