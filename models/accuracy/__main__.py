"""``python -m models.accuracy``: ``make accuracy`` (:mod:`models.accuracy.cli`)."""

import sys

from .cli import main

sys.exit(main())
