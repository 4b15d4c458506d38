"""Run Layerwise with ``python -m layerwise``."""

import sys

from .cli import main

sys.exit(main())
