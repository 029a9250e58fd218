"""Load an estate for the network commands and pick devices with ``--limit``."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from capdo.errors import CapdoError
from capdo.exports import catalogue_dir_for
from capdo.inventory import Inventory, NetworkDevice, load_estate
from capdo.network.model import NetworkContext
from capdo.network.platforms import find_templates_dir


@dataclass
class NetworkEstate:
    root: Path
    inventory: Inventory
    context: NetworkContext
    templates_dir: Path

    def select(self, limit: Sequence[str] | None) -> list[NetworkDevice]:
        return select_devices(self.context, limit)


def load_network_estate(root: Path, templates_dir: Path | None = None) -> NetworkEstate:
    result = load_estate(root)
    if result.inventory is None or not result.ok:
        errors = [f for f in result.findings if f.severity == "error"]
        first = f"{errors[0].location()}: {errors[0].rule}" if errors else ""
        raise CapdoError("network.error.estate-invalid", path=str(root), detail=first)
    catalogue = catalogue_dir_for(root)
    if catalogue is None:
        raise CapdoError("network.error.no-catalogue", path=str(root))
    templates = templates_dir or find_templates_dir(root)
    context = NetworkContext(result.inventory, catalogue)
    return NetworkEstate(root, result.inventory, context, templates)


def select_devices(ctx: NetworkContext, limit: Sequence[str] | None) -> list[NetworkDevice]:
    """All devices, or those matching any item: a name glob or site:/role:/platform:/level:."""
    devices = list(ctx.inventory.devices)
    items = [i.strip() for entry in (limit or ()) for i in entry.split(",") if i.strip()]
    if not items:
        return devices
    chosen: list[NetworkDevice] = []
    for device in devices:
        for item in items:
            if _matches(ctx, device, item):
                chosen.append(device)
                break
    if not chosen:
        raise CapdoError("network.error.limit-empty", limit=",".join(items))
    return chosen


def _matches(ctx: NetworkContext, device: NetworkDevice, item: str) -> bool:
    key, sep, value = item.partition(":")
    if not sep:
        return fnmatch.fnmatchcase(device.name, item)
    if key == "site":
        return value in ctx.index.site_lineage(device.site)
    if key == "role":
        return device.role == value
    if key == "platform":
        return device.platform == value
    if key == "level":
        return str(ctx.index.level_of(device.name)) == value
    raise CapdoError("network.error.limit-key", item=item)
