"""Keel's stand-in for QUIMERIA-HYPERION's ``plugins`` package: the ``SMKPlugin`` base class.

A project that ships its own ``plugins`` package (the same class) shadows this one: Keel puts this
directory last on ``sys.path``.
"""

import pkgutil

# A project folder `plugins/` without an `__init__.py` still provides the plugin modules
# (`plugins.momentum_plugin`): its folders join this package's search path.
__path__ = pkgutil.extend_path(__path__, __name__)


class SMKPlugin:
    """Per-bar sensor. Subclasses set the class attributes and implement ``update``."""

    name = "SMK plugin"
    layer = "L3-ext"
    sensor_id = None
    enabled = True
    requires_warmup = 20

    def __init__(self):
        self._bars_seen = 0

    def update(self, bar, df, smk):
        raise NotImplementedError("SMKPlugin subclasses implement update(bar, df, smk)")

    def process(self, bar, df, smk):
        """Counts bars and returns WARMUP before ``requires_warmup`` bars, as that codebase's engine does."""
        self._bars_seen = getattr(self, "_bars_seen", 0) + 1
        if self._bars_seen < self.requires_warmup:
            return {"active": False, "score": 0.0, "status": "WARMUP"}
        return self.update(bar, df, smk)

    def reset(self):
        self._bars_seen = 0
