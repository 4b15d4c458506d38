"""``layerwise --version``: what editors run before they start the server."""

from __future__ import annotations

import subprocess
import sys

from layerwise import __version__


def test_version_answers_without_loading_the_analysis() -> None:
    probe = ("import sys; sys.argv = ['layerwise', '--version']; "
             "from layerwise.__main__ import main; code = main(); "
             "print(code, 'layerwise.rules.registry' in sys.modules, 'pygls' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout == f"layerwise {__version__}\n0 False False\n"


def test_module_version_matches_the_parser() -> None:
    """The short cut prints what the full command line parser prints."""
    fast = subprocess.run([sys.executable, "-m", "layerwise", "--version"], capture_output=True,
                          text=True, check=True, timeout=60)
    full = subprocess.run([sys.executable, "-c",
                           "from layerwise.cli import main; main(['--version'])"],
                          capture_output=True, text=True, check=True, timeout=60)
    assert fast.stdout == full.stdout == f"layerwise {__version__}\n"
