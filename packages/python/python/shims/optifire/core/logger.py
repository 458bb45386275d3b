"""``from optifire.core.logger import logger``: records go to the Keel host log, scoped to the plugin."""

import logging
import sys

logger = logging.getLogger("optifire")
if not logger.handlers:
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(_handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
