"""``from optifire.plugins import Plugin, PluginMetadata, PluginContext, PluginResult``."""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass
class PluginMetadata:
    plugin_id: str
    name: str
    category: str
    version: str = "1.0.0"
    author: str = ""
    description: str = ""
    inputs: List[str] = field(default_factory=list)
    outputs: List[str] = field(default_factory=list)
    est_cpu_ms: int = 100
    est_mem_mb: int = 64


@dataclass
class PluginResult:
    success: bool
    data: Optional[Dict[str, Any]] = None
    error: Optional[str] = None


class PluginContext:
    """What ``run`` receives: config, the plugin's SQLite db, the Keel bus and the shared data dict."""

    def __init__(self, config=None, db=None, bus=None, data=None):
        self.config = config if config is not None else {}
        self.db = db
        self.bus = bus
        self.data = data if data is not None else {}


class Plugin:
    """Scheduled plugin: ``describe()``, ``plan()`` and ``async run(context)``."""

    def describe(self) -> PluginMetadata:
        raise NotImplementedError

    def plan(self) -> Dict[str, Any]:
        return {"schedule": "@idle", "triggers": [], "dependencies": []}

    async def run(self, context: PluginContext) -> PluginResult:
        raise NotImplementedError
