"""The nornir view of an estate: SimpleInventory data and an inventory plugin.

Network devices only (the nornir side drives devices); the password is never in the data:
``data.capdo_credential`` names the estate credential, resolved at connect time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from capdo.exports.ansible import group_name
from capdo.exports.connections import connection_for, overlay_path, read_overlay
from capdo.inventory import EstateIndex, Inventory, Target

NETMIKO_PLATFORM = {
    "cisco_ios": "cisco_ios",
    "huawei_vrp": "huawei",
    "huawei_usg": "huawei",
    "cisco_nxos": "cisco_nxos",
    "juniper_junos": "juniper_junos",
    "fortinet": "fortinet",
}


def simple_inventory(inventory: Inventory, root: Path) -> dict[str, dict[str, Any]]:
    """``{"hosts": ..., "groups": ..., "defaults": ...}`` in SimpleInventory's format."""
    index = EstateIndex(inventory)
    overlay = read_overlay(overlay_path(inventory.estate, root))
    hosts: dict[str, Any] = {}
    groups: dict[str, Any] = {}
    for device in inventory.devices:
        conn = connection_for(Target("device", device), inventory.estate, overlay)
        level = index.level_of(device.name)
        member_of = [
            group_name("site", device.site),
            group_name("role", device.role),
            group_name("platform", device.platform),
        ]
        if level is not None:
            member_of.append(group_name("level", level))
        for group in member_of:
            groups.setdefault(group, {"data": {}})
        hosts[device.name] = {
            "hostname": conn.host,
            "port": conn.port,
            "username": conn.user,
            "platform": NETMIKO_PLATFORM.get(device.platform, device.platform),
            "groups": member_of,
            "data": {
                "capdo_platform": device.platform,
                "capdo_site": device.site,
                "capdo_zone": device.zone,
                "capdo_role": device.role,
                "capdo_level": level,
                "capdo_systems": list(index.systems_of.get(device.name, ())),
                "capdo_credential": conn.credential,
                "capdo_redundancy_group": device.redundancy_group,
                "capdo_address": str(device.address),
            },
        }
    defaults = {"data": {"capdo_estate": inventory.estate.id}}
    return {"hosts": hosts, "groups": groups, "defaults": defaults}


class CapdoInventory:
    """nornir inventory plugin (entry point ``CapdoInventory``): ``InitNornir(inventory={
    "plugin": "CapdoInventory", "options": {"estate_dir": "inventories/lab"}})``."""

    def __init__(self, estate_dir: str) -> None:
        self.estate_dir = Path(estate_dir)

    def load(self) -> Any:
        from nornir.core.inventory import (  # noqa: PLC0415 (lazy: only this plugin needs it)
            ConnectionOptions,
            Defaults,
            Group,
            Groups,
            Host,
            Hosts,
            Inventory,
            ParentGroups,
        )

        from capdo.inventory import load_estate  # noqa: PLC0415 (import cycle)

        result = load_estate(self.estate_dir)
        if result.inventory is None or not result.ok:
            problems = "; ".join(f"{f.location()}: {f.rule}" for f in result.findings[:10])
            raise ValueError(f"capdo estate {self.estate_dir} has errors: {problems}")
        data = simple_inventory(result.inventory, self.estate_dir)
        defaults = Defaults(data=data["defaults"]["data"])
        groups = Groups({name: Group(name=name, defaults=defaults) for name in data["groups"]})
        hosts = Hosts()
        for name, h in data["hosts"].items():
            hosts[name] = Host(
                name=name,
                hostname=h["hostname"],
                port=h["port"],
                username=h["username"],
                platform=h["platform"],
                groups=ParentGroups([groups[g] for g in h["groups"]]),
                data=h["data"],
                defaults=defaults,
                connection_options={"netmiko": ConnectionOptions(extras={})},
            )
        return Inventory(hosts=hosts, groups=groups, defaults=defaults)
