"""Where administrators may connect from: one answer for servers, devices and endpoints.

A target admits management from the data centres' management zones (where the operators and
the bastions sit) and from its own site's management zone (the site's own administrators);
never from every site of the estate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from ipaddress import IPv4Network

from capdo.inventory.model import Inventory

CENTRAL_SITE_KINDS = frozenset({"datacentre", "dr-site"})
"""Site kinds that host the estate's central services and its administration."""


@dataclass(frozen=True)
class ManagementSources:
    central: tuple[IPv4Network, ...]
    """Management prefixes of the data centres (of every site when the estate has none)."""
    by_site: dict[str, tuple[IPv4Network, ...]]

    def for_site(self, site: str) -> tuple[IPv4Network, ...]:
        """The prefixes a target of ``site`` admits management from (central first)."""
        return tuple(dict.fromkeys((*self.central, *self.by_site.get(site, ()))))


def management_sources(inventory: Inventory) -> ManagementSources:
    central_sites = {s.id for s in inventory.sites if s.kind in CENTRAL_SITE_KINDS}
    by_site: dict[str, list[IPv4Network]] = defaultdict(list)
    for zone in inventory.zones:
        if zone.kind == "management":
            by_site[zone.site].extend(zone.prefixes)
    central = [p for site, prefixes in by_site.items() if site in central_sites for p in prefixes]
    if not central:
        central = [p for prefixes in by_site.values() for p in prefixes]
    return ManagementSources(
        central=tuple(dict.fromkeys(central)),
        by_site={site: tuple(prefixes) for site, prefixes in by_site.items()},
    )
