"""Paths of the VS Code extension's tests, and the rule that they never skip silently."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
EXTENSION = ROOT / "clients" / "vscode"
SETUP = ROOT / ".ci" / "setup_vscode.sh"
#: Set to ``skip`` to skip these tests on a machine without Node, code-server or Chromium.
#: Ignored in CI (``CI`` set): there a missing prerequisite fails the tests.
OPT_OUT = "LAYERWISE_EDITOR_TESTS"


def require(condition: bool, what: str) -> None:
    """Fail (in CI, or unless opted out) when a prerequisite of the editor tests is missing."""
    if condition:
        return
    message = f"{what}; install it with `bash {SETUP.relative_to(ROOT)}`"
    if os.environ.get(OPT_OUT) == "skip" and not os.environ.get("CI"):
        pytest.skip(f"{message} ({OPT_OUT}=skip)")
    pytest.fail(message, pytrace=False)
