"""``from optifire.core.logger import logger``: records go to the Keel host log, scoped to the plugin,
at their own level (stderr when no host is attached, e.g. while Keel inspects the class)."""

import logging
import sys


class _KeelHandler(logging.Handler):
    LEVELS = {logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn"}

    def emit(self, record):
        try:
            from keel_runtime import bridge

            if not bridge.connected():
                sys.stderr.write(self.format(record) + "\n")
                return
            level = self.LEVELS.get(record.levelno, "error")
            bridge.host_notify("log", {"level": level, "msg": self.format(record)})
        except Exception:
            self.handleError(record)


logger = logging.getLogger("optifire")
if not logger.handlers:
    _handler = _KeelHandler()
    _handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(_handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
