"""Routes from the model: every site reaches the data-centre zones it needs, and nothing else.

The estate chooses its routing (``estate.routing``: ``ospf`` or ``static``); the design is the
same either way, only the way the routes travel differs.

* **Sites** learn only the *needed central prefixes*: the zones of the data centres whose kind
  the sites use (management, security = log servers, video-conference = MCUs, server and DMZ =
  services). With OSPF their routers filter what OSPF installs (an import prefix list); with
  static routing they hold one route per needed prefix, the backup link at a higher distance.
  A site never holds a route to another site, so site-to-site traffic has nowhere to go.
* **Inside a data centre with a firewall** the firewall stands between the zones: the core
  keeps each zone's gateway (the VLAN interface, with its redundancy group) but puts every zone
  except management in its own VRF whose only route is a default to the firewall's address in
  that zone. Zone-to-zone traffic therefore always crosses the firewall's policy, while the
  hosts keep the core's first-hop redundancy. The WAN routers reach the service zones through
  the firewall (firewall–WAN link), and the firewall reaches the sites through them. The
  management zone stays in the core's global table, the network's own management plane: it
  reaches the sites' devices over the core–WAN link and the other zones through the firewall's
  own address in the management zone (so through the policy too, and back the same way).
* **A data centre without a firewall** (the lab) keeps every zone in the core's global table.

Why VRFs on the core rather than moving the zones' gateways onto the firewall: this is the
common design of provincial data centres built on a Catalyst/NetEngine core and a FortiGate or
USG pair: the servers keep a gateway on the redundant core (no renumbering, no change of the
servers' gateway when the firewall cluster fails over), the firewall cluster keeps one leg per
zone on the core trunk, and the separation holds by construction (a zone's VRF has no route but
the firewall), which is what the zone separation requirement asks (NET.01/NET.02, ARC.01).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from ipaddress import IPv4Address, IPv4Network, collapse_addresses
from typing import TYPE_CHECKING

from capdo.inventory import CENTRAL_SITE_KINDS
from capdo.network.firewall import firewall_view
from capdo.network.view import Prefix, StaticRoute

if TYPE_CHECKING:
    from capdo.inventory import Link, LinkEnd, NetworkDevice, Vlan
    from capdo.network.model import NetworkContext

ADVERTISED_CENTRAL_ZONES = frozenset(
    {"management", "security", "video-conference", "server", "dmz"}
)
"""Zones of a data centre the sites need (administration, log servers, MCUs, services);
databases, backups and the centre's own users stay unreachable from the sites."""
BACKUP_STATIC_DISTANCE = 250
DEFAULT = IPv4Network("0.0.0.0/0")
CENTRAL_PREFIX_LIST = "CAPDO-CENTRAL"
"""The prefix list a site's OSPF installs routes from."""


def _route(
    prefix: IPv4Network,
    next_hop: IPv4Address,
    description: str,
    *,
    backup: bool = False,
    interface: str | None = None,
    vrf: str | None = None,
) -> StaticRoute:
    return StaticRoute(
        **Prefix.of(prefix).fields(),
        next_hop=str(next_hop),
        distance=BACKUP_STATIC_DISTANCE if backup else None,
        description=description,
        interface=interface,
        vrf=vrf,
    )


@dataclass
class RoutingPlan:
    """The estate's routing design, computed once per estate."""

    ctx: NetworkContext

    @property
    def choice(self) -> str:
        return self.ctx.inventory.estate.routing

    @cached_property
    def central_sites(self) -> frozenset[str]:
        return frozenset(s.id for s in self.ctx.inventory.sites if s.kind in CENTRAL_SITE_KINDS)

    @cached_property
    def zone_prefixes(self) -> dict[str, tuple[IPv4Network, ...]]:
        """Site → every prefix of its zones."""
        found: dict[str, list[IPv4Network]] = defaultdict(list)
        for zone in self.ctx.inventory.zones:
            found[zone.site].extend(zone.prefixes)
        return {site: tuple(prefixes) for site, prefixes in found.items()}

    @cached_property
    def needed_central(self) -> tuple[tuple[str, IPv4Network], ...]:
        """(site, prefix) of every data-centre zone the sites need."""
        return tuple(
            (z.site, p)
            for z in self.ctx.inventory.zones
            if z.site in self.central_sites and z.kind in ADVERTISED_CENTRAL_ZONES
            for p in z.prefixes
        )

    def needed_by(self, site: str) -> tuple[IPv4Network, ...]:
        """What a site must reach: the needed central prefixes of the other sites."""
        return tuple(p for s, p in self.needed_central if s != site)

    def remote_of(self, site: str) -> tuple[IPv4Network, ...]:
        """Every other site's prefixes, summarised (what a data centre routes to the WAN)."""
        others = [p for s, ps in self.zone_prefixes.items() if s != site for p in ps]
        return tuple(collapse_addresses(others))

    def zones_of_kind(self, site: str, *, management: bool) -> tuple[IPv4Network, ...]:
        """A data centre's needed zones: the management zone, or the service zones."""
        return tuple(
            p
            for z in self.ctx.inventory.zones
            if z.site == site
            and z.kind in ADVERTISED_CENTRAL_ZONES
            and (z.kind == "management") == management
            for p in z.prefixes
        )

    @cached_property
    def firewalls(self) -> dict[str, NetworkDevice]:
        """Site → its (first) firewall: the one that separates its zones."""
        found: dict[str, NetworkDevice] = {}
        for device in sorted(self.ctx.inventory.devices, key=lambda d: d.name):
            if device.role == "firewall":
                found.setdefault(device.site, device)
        return found

    def firewall_legs(self, site: str) -> dict[str, str]:
        """Zone → the firewall's address in it (its leg on the core trunk)."""
        firewall = self.firewalls.get(site)
        if firewall is None:
            return {}
        view = firewall_view(self.ctx, firewall)
        rows = view.zones if view is not None else ()
        return {row.id: row.ip for row in rows if row.vlan}

    def vrf_of(self, device: NetworkDevice, vlan: Vlan) -> str | None:
        """The VRF a core puts a data-centre zone in (``None``: the global table)."""
        if device.role != "core" or device.site not in self.firewalls:
            return None
        zone = self.ctx.index.zones.get(vlan.zone)
        if (
            zone is None
            or zone.kind == "management"
            or vlan.zone not in self.firewall_legs(device.site)
        ):
            return None
        return vlan.name

    def is_spoke(self, device: NetworkDevice) -> bool:
        """A site router (not in a data centre): it learns only the needed prefixes."""
        return device.role == "wan-router" and device.site not in self.central_sites

    def import_filter(self, device: NetworkDevice) -> tuple[Prefix, ...]:
        """With OSPF, what a site router lets OSPF install (empty: everything)."""
        if self.choice != "ospf" or not self.is_spoke(device):
            return ()
        return tuple(Prefix.of(p) for p in self.needed_by(device.site))

    # -- static routes --------------------------------------------------------------------

    def static_routes(self, device: NetworkDevice) -> list[StaticRoute]:
        routes: list[StaticRoute] = []
        for link, mine, peer in self.ctx.link_ends.get(device.name, ()):
            routes.extend(self._link_routes(device, link, mine, peer))
        routes.extend(self._management_to_zones(device))
        routes.extend(self._vrf_defaults(device))
        return routes

    def _link_routes(
        self, device: NetworkDevice, link: Link, mine: LinkEnd, peer: LinkEnd
    ) -> list[StaticRoute]:
        backup = link.role == "backup"
        description = f"{link.id} {link.role}"
        prefixes: tuple[IPv4Network, ...] = ()
        if link.kind == "internet" and link.routing.protocol == "static":
            prefixes = (DEFAULT,)
        elif link.kind == "wan" and self.choice == "static":
            prefixes = self._across_wan(device, link, mine)
        elif link.kind == "core-wan" and self.choice == "static":
            prefixes = self._core_wan(device)
        elif link.kind == "firewall-wan":
            prefixes = (
                self.remote_of(device.site)
                if device.role == "firewall"
                else self.zones_of_kind(device.site, management=False)
            )
        return [
            _route(p, peer.address.ip, description, backup=backup, interface=mine.interface)
            for p in prefixes
        ]

    def _across_wan(
        self, device: NetworkDevice, link: Link, mine: LinkEnd
    ) -> tuple[IPv4Network, ...]:
        """Static routing over a WAN link: the hub (``a`` end) routes the spoke's site; the
        spoke routes what it needs (a data centre as spoke: everything remote)."""
        if mine is link.a:
            peer_device = self.ctx.index.devices.get(link.z.device or "")
            return self.zone_prefixes.get(peer_device.site, ()) if peer_device else ()
        if device.site in self.central_sites:
            return self.remote_of(device.site)
        return self.needed_by(device.site)

    def _core_wan(self, device: NetworkDevice) -> tuple[IPv4Network, ...]:
        if device.role == "core":
            return self.remote_of(device.site)
        behind_firewall = device.site in self.firewalls
        return self.zones_of_kind(device.site, management=True) + (
            () if behind_firewall else self.zones_of_kind(device.site, management=False)
        )

    def _management_to_zones(self, device: NetworkDevice) -> list[StaticRoute]:
        """A core's global table (the management zone) reaches the other zones through the
        firewall's own address in the management zone, so the way back is symmetric."""
        firewall = self.firewalls.get(device.site)
        if device.role != "core" or firewall is None:
            return []
        management = set(self.zones_of_kind(device.site, management=True))
        return [
            _route(p, firewall.address, f"{firewall.name} management to zones")
            for p in self.zone_prefixes.get(device.site, ())
            if p not in management
        ]

    def _vrf_defaults(self, device: NetworkDevice) -> list[StaticRoute]:
        legs = self.firewall_legs(device.site) if device.role == "core" else {}
        routes = []
        for vlan in self.ctx.vlans_of_site.get(device.site, ()):
            vrf = self.vrf_of(device, vlan)
            if vrf is not None:
                leg = IPv4Address(legs[vlan.zone])
                routes.append(_route(DEFAULT, leg, f"{vrf} via firewall", vrf=vrf))
        return routes
