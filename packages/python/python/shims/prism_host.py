"""``from prism_host import ModuleInfo, Stat``: what a PrismR service's ``describe()`` returns."""

from dataclasses import dataclass, field
from typing import Any, Callable, List


@dataclass
class Stat:
    label: str
    fn: Callable[[], Any]


@dataclass
class ModuleInfo:
    status: str = "ok"
    stats: List[Stat] = field(default_factory=list)
