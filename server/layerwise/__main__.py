"""Run Layerwise with ``python -m layerwise``."""

import sys

from .runtime import defer_gc

defer_gc()  # while the command loads; tune_gc() sets the lasting thresholds

from .cli import main

sys.exit(main())
