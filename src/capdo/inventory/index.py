"""Lookups over a loaded inventory: objects by id, system membership, levels per target.

A target is anything checks run against: a server, a network device or an endpoint. Its level
is the highest level of the information systems it serves (Decree 85 Art. 5.2, Decree 331
Art. 8.2), whether a system claims it (``members``) or it claims the system (``systems``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from capdo.inventory.management import ManagementSources, management_sources
from capdo.inventory.model import (
    Endpoint,
    InformationSystem,
    Inventory,
    Link,
    NetworkDevice,
    Server,
    Site,
    Zone,
)

TargetKind = Literal["server", "device", "endpoint"]
TargetObject = Server | NetworkDevice | Endpoint


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    obj: TargetObject

    @property
    def name(self) -> str:
        return self.obj.name


def targets_by_kind(inventory: Inventory) -> Iterator[tuple[str, TargetObject]]:
    """(collection kind, object) for every server, device and endpoint."""
    for server in inventory.servers:
        yield "servers", server
    for device in inventory.devices:
        yield "devices", device
    for endpoint in inventory.endpoints:
        yield "endpoints", endpoint


class EstateIndex:
    """Read-only views of one inventory, computed once on first use."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.sites: dict[str, Site] = {s.id: s for s in inventory.sites}
        self.zones: dict[str, Zone] = {z.id: z for z in inventory.zones}
        self.systems: dict[str, InformationSystem] = {s.id: s for s in inventory.systems}
        self.servers: dict[str, Server] = {s.name: s for s in inventory.servers}
        self.devices: dict[str, NetworkDevice] = {d.name: d for d in inventory.devices}
        self.endpoints: dict[str, Endpoint] = {e.name: e for e in inventory.endpoints}
        self.links: dict[str, Link] = {link.id: link for link in inventory.links}

    def targets(self) -> Iterator[Target]:
        for server in self.inventory.servers:
            yield Target("server", server)
        for device in self.inventory.devices:
            yield Target("device", device)
        for endpoint in self.inventory.endpoints:
            yield Target("endpoint", endpoint)

    def target(self, name: str) -> Target | None:
        if name in self.servers:
            return Target("server", self.servers[name])
        if name in self.devices:
            return Target("device", self.devices[name])
        if name in self.endpoints:
            return Target("endpoint", self.endpoints[name])
        return None

    def site_of(self, name: str) -> str | None:
        target = self.target(name)
        return target.obj.site if target is not None else None

    def zone_of(self, name: str) -> str | None:
        target = self.target(name)
        return target.obj.zone if target is not None else None

    @cached_property
    def management(self) -> ManagementSources:
        """Where each target admits management from (``capdo.inventory.management``)."""
        return management_sources(self.inventory)

    @cached_property
    def systems_of(self) -> dict[str, tuple[str, ...]]:
        """Target name → ids of the systems it serves (declared on either side)."""
        found: dict[str, set[str]] = defaultdict(set)
        site_members: dict[str, set[str]] = defaultdict(set)
        for system in self.inventory.systems:
            for name in (
                *system.members.servers,
                *system.members.devices,
                *system.members.endpoints,
            ):
                found[name].add(system.id)
            for site in system.members.sites:
                site_members[site].add(system.id)
        for target in self.targets():
            found[target.name].update(target.obj.systems)
            for site in self.site_lineage(target.obj.site):
                found[target.name].update(site_members.get(site, ()))
        return {name: tuple(sorted(ids)) for name, ids in found.items()}

    @cached_property
    def members_of(self) -> dict[str, tuple[str, ...]]:
        """System id → names of the targets that serve it."""
        members: dict[str, list[str]] = defaultdict(list)
        for target in self.targets():
            for system in self.systems_of.get(target.name, ()):
                members[system].append(target.name)
        return {system: tuple(names) for system, names in members.items()}

    def level_of(self, target_name: str) -> int | None:
        """The highest level of the systems the target serves; None when it serves none.

        A network device that serves no system carries the traffic of its site: it takes the
        highest level of the systems with members at that site (and the validation warns)."""
        levels = [
            self.systems[s].level.level
            for s in self.systems_of.get(target_name, ())
            if s in self.systems
        ]
        if levels:
            return max(levels)
        device = self.devices.get(target_name)
        return self.site_levels.get(device.site) if device is not None else None

    @cached_property
    def site_levels(self) -> dict[str, int]:
        """Site id → the highest level of the systems with a member at that site."""
        levels: dict[str, int] = {}
        for system_id, names in self.members_of.items():
            system = self.systems.get(system_id)
            if system is None:
                continue
            for name in names:
                target = self.target(name)
                if target is None:
                    continue
                site = target.obj.site
                levels[site] = max(levels.get(site, 0), system.level.level)
        return levels

    def site_lineage(self, site_id: str) -> list[str]:
        """The site and its ancestors, nearest first (stops on a cycle or a missing parent)."""
        lineage: list[str] = []
        current: str | None = site_id
        while current is not None and current not in lineage:
            lineage.append(current)
            site = self.sites.get(current)
            current = site.parent if site is not None else None
        return lineage

    @cached_property
    def children(self) -> dict[str, tuple[str, ...]]:
        kids: dict[str, list[str]] = defaultdict(list)
        for site in self.inventory.sites:
            if site.parent is not None:
                kids[site.parent].append(site.id)
        return {parent: tuple(ids) for parent, ids in kids.items()}
