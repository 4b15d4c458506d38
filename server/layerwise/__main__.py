"""The ``layerwise`` command (also ``python -m layerwise``)."""

import sys

from . import __version__


def main() -> int:
    """Run the command; ``--version`` answers without loading the analysis (editors ask it
    before starting the server)."""
    if sys.argv[1:] == ["--version"]:
        print(f"layerwise {__version__}")
        return 0
    from .runtime import defer_gc

    defer_gc()  # while the command loads; tune_gc() sets the lasting thresholds
    from .cli import main as run

    return run()


if __name__ == "__main__":
    sys.exit(main())
