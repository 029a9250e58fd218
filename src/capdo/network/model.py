"""What each device's configuration must say, derived from the estate (no platform syntax).

The templates under ``network/templates/<platform>/`` turn the view built here into text.
Addressing follows the inventory: WAN link ends carry their own addresses; the site's LAN plan
gives VLANs; the site's gateway devices (core, else distribution, else WAN router) hold the
VLAN interfaces, with a first-hop redundancy group when the device's own management address
is not the VLAN's gateway or when two devices share the gateway role.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path
from typing import Any

from capdo.exports.baseline import Baseline, baseline
from capdo.inventory.index import EstateIndex
from capdo.inventory.model import Inventory, Link, LinkEnd, NetworkDevice, Vlan
from capdo.network.firewall import firewall_view

GATEWAY_ROLES = ("core", "distribution", "wan-router")
ROUTED_ROLES = frozenset({"core", "distribution", "wan-router", "internet-router", "firewall"})
CENTRAL_SITE_KINDS = frozenset({"datacentre", "dr-site"})
BACKUP_OSPF_COST = 100
ADVERTISED_CENTRAL_ZONES = frozenset(
    {"management", "security", "video-conference", "server", "dmz"}
)
"""Zones of a data centre whose prefixes its core announces to the sites (log servers, MCUs,
services, administration); databases, backups and the centre's own users stay unannounced."""
BACKUP_STATIC_DISTANCE = 250


def _net(network: IPv4Network) -> dict[str, str]:
    return {
        "network": str(network.network_address),
        "mask": str(network.netmask),
        "wildcard": str(network.hostmask),
        "prefixlen": str(network.prefixlen),
        "cidr": str(network),
    }


def _addr(interface: IPv4Interface) -> dict[str, str]:
    return {"ip": str(interface.ip), **_net(interface.network)}


@dataclass
class NetworkContext:
    """The estate, indexed once for rendering many devices."""

    inventory: Inventory
    catalogue_dir: Path
    index: EstateIndex = field(init=False)

    def __post_init__(self) -> None:
        self.index = EstateIndex(self.inventory)

    @cached_property
    def link_ends(self) -> dict[str, list[tuple[Link, LinkEnd, LinkEnd]]]:
        ends: dict[str, list[tuple[Link, LinkEnd, LinkEnd]]] = defaultdict(list)
        for link in self.inventory.links:
            for mine, peer in ((link.a, link.z), (link.z, link.a)):
                if mine.device is not None:
                    ends[mine.device].append((link, mine, peer))
        return ends

    @cached_property
    def vlans_of_site(self) -> dict[str, tuple[Vlan, ...]]:
        return {lan.site: lan.vlans for lan in self.inventory.lan}

    @cached_property
    def gateways_of_site(self) -> dict[str, list[str]]:
        by_site: dict[str, list[NetworkDevice]] = defaultdict(list)
        for device in self.inventory.devices:
            by_site[device.site].append(device)
        chosen: dict[str, list[str]] = {}
        for site, devices in by_site.items():
            for role in GATEWAY_ROLES:
                names = sorted(d.name for d in devices if d.role == role)
                if names:
                    chosen[site] = names
                    break
        return chosen

    @cached_property
    def central_management(self) -> tuple[IPv4Network, ...]:
        """Management prefixes of the data centres: where administrators connect from."""
        central = {s.id for s in self.inventory.sites if s.kind in CENTRAL_SITE_KINDS}
        zones = [z for z in self.inventory.zones if z.kind == "management"]
        picked = [p for z in zones if z.site in central for p in z.prefixes]
        return tuple(picked or [p for z in zones for p in z.prefixes])

    @cached_property
    def log_hosts(self) -> list[str]:
        servers = self.index.servers
        return [
            str(servers[n].address)
            for n in self.inventory.estate.defaults.log_servers
            if n in servers
        ]

    def baseline_for(self, device: NetworkDevice) -> tuple[int, bool, Baseline]:
        level = self.index.level_of(device.name)
        assumed = level is None
        resolved = 1 if level is None else level
        found = baseline("device", resolved, self.inventory.estate.regimes, self.catalogue_dir)
        return resolved, assumed, found


def device_view(ctx: NetworkContext, device: NetworkDevice) -> dict[str, Any]:  # noqa: C901, PLR0912, PLR0915 -- replaced by the typed device view (issue 17)
    """Everything a template needs for one device, as plain data."""
    level, assumed, base = ctx.baseline_for(device)
    params = base.params
    interfaces: list[dict[str, Any]] = []
    vlans: list[dict[str, Any]] = []
    areas: dict[str, list[dict[str, str]]] = defaultdict(list)
    passive: list[dict[str, Any]] = []
    statics: list[dict[str, Any]] = []
    default_gateway: str | None = None

    for link, mine, peer in ctx.link_ends.get(device.name, ()):
        assert mine.interface is not None
        _name, _, sub = mine.interface.partition(".")
        peer_name = peer.device or peer.external or "?"
        peer_where = f"{peer_name} {peer.interface}" if peer.interface else peer_name
        circuit = f" {link.circuit_id}" if link.circuit_id else ""
        cost = link.routing.cost or (BACKUP_OSPF_COST if link.role == "backup" else None)
        interfaces.append(
            {
                "name": mine.interface,
                "kind": link.kind,
                "description": f"{link.kind.upper()} {link.role} {link.id} to {peer_where}"
                f" [{link.provider}{circuit}]",
                "address": _addr(mine.address),
                "dot1q": int(sub) if sub.isdigit() else None,
                "ospf_cost": cost if link.routing.protocol == "ospf" else None,
                "vrrp": None,
                "vlan": None,
            }
        )
        if link.routing.protocol == "ospf":
            areas[link.routing.area or "0.0.0.0"].append(_net(mine.address.network))
        elif link.routing.protocol == "static":
            statics.append(
                {
                    **_net(IPv4Network("0.0.0.0/0")),
                    "next_hop": str(peer.address.ip),
                    "distance": BACKUP_STATIC_DISTANCE if link.role == "backup" else None,
                    "description": f"{link.id} {link.role}",
                }
            )

    site_vlans = ctx.vlans_of_site.get(device.site, ())
    gateways = ctx.gateways_of_site.get(device.site, [])
    is_gateway = device.name in gateways and bool(site_vlans)
    mgmt_vlan = next((v for v in site_vlans if v.zone == device.zone), None)
    if is_gateway or device.role == "access":
        shown = site_vlans
    else:
        shown = (mgmt_vlan,) if mgmt_vlan is not None else ()
    vlans = [{"id": v.id, "name": v.name} for v in shown]
    management: dict[str, Any]
    if mgmt_vlan is not None:
        own = IPv4Interface(f"{device.address}/{mgmt_vlan.prefix.prefixlen}")
        vrrp = None
        if is_gateway and mgmt_vlan.gateway is not None and mgmt_vlan.gateway != device.address:
            vrrp = {"group": mgmt_vlan.id % 255 or 1, "ip": str(mgmt_vlan.gateway)}
        interfaces.append(_svi(mgmt_vlan, own, vrrp, "management"))
        management = {"vlan": mgmt_vlan.id, "loopback": False, "address": _addr(own)}
        if not is_gateway and device.role not in ROUTED_ROLES and mgmt_vlan.gateway is not None:
            default_gateway = str(mgmt_vlan.gateway)
    else:
        own = IPv4Interface(f"{device.address}/32")
        interfaces.append(
            {
                "name": None,
                "kind": "loopback",
                "description": "management and router id",
                "address": _addr(own),
                "dot1q": None,
                "ospf_cost": None,
                "vrrp": None,
                "vlan": None,
            }
        )
        management = {"vlan": None, "loopback": True, "address": _addr(own)}
    if is_gateway:
        for vlan in site_vlans:
            if vlan is mgmt_vlan:
                continue
            address, vrrp = _gateway_address(vlan, gateways.index(device.name), len(gateways))
            if address is not None:
                interfaces.append(_svi(vlan, address, vrrp, "lan"))
    central = ctx.index.sites.get(device.site)
    restrict = device.role == "core" and central is not None and central.kind in CENTRAL_SITE_KINDS
    kinds = {v.id: ctx.index.zones[v.zone].kind for v in site_vlans if v.zone in ctx.index.zones}
    if areas:
        lan_area = next(iter(areas))
        for iface in interfaces:
            if (
                restrict
                and iface["kind"] == "svi"
                and kinds.get(iface["vlan"]) not in (ADVERTISED_CENTRAL_ZONES)
            ):
                continue
            if iface["kind"] in ("svi", "loopback"):
                net = IPv4Interface(f"{iface['address']['ip']}/{iface['address']['prefixlen']}")
                areas[lan_area].append(_net(net.network))
                passive.append(iface)

    ospf = None
    if areas:
        ospf = {
            "process": 1,
            "router_id": str(device.address),
            "areas": [{"id": a, "networks": _dedupe(n)} for a, n in areas.items()],
            "passive": passive,
        }
    requirements = set(base.requirements)
    attempts = int(params.get("lockout_attempts") or 5)  # type: ignore[arg-type]
    hours = float(params.get("lockout_duration_hours") or 1)  # type: ignore[arg-type]
    return {
        "name": device.name,
        "hostname": device.name,
        "platform": device.platform,
        "role": device.role,
        "site": device.site,
        "model": device.model,
        "level": level,
        "level_assumed": assumed,
        "requirements": sorted(requirements),
        "params": dict(params),
        "interfaces": interfaces,
        "vlans": vlans,
        "ospf": ospf,
        "static_routes": statics,
        "default_gateway": default_gateway,
        "management": management,
        "firewall": firewall_view(ctx, device),
        "security": {
            "management_acl": [_net(p) for p in _mgmt_prefixes(ctx, device)],
            "idle_timeout_minutes": int(params.get("idle_timeout_minutes") or 5),  # type: ignore[arg-type]
            "lockout_attempts": attempts,
            "lockout_seconds": min(int(hours * 3600), 65535),
            "lockout_minutes": int(hours * 60),
            "log_hosts": ctx.log_hosts if "NET.05" in requirements else [],
            "ntp_servers": list(ctx.inventory.estate.defaults.ntp_servers),
            "timezone": ctx.inventory.estate.defaults.timezone,
        },
    }


def _svi(
    vlan: Vlan, address: IPv4Interface, vrrp: dict[str, Any] | None, purpose: str
) -> dict[str, Any]:
    return {
        "name": None,
        "kind": "svi",
        "description": f"VLAN {vlan.id} {vlan.name} ({vlan.zone}) {purpose}",
        "address": _addr(address),
        "dot1q": None,
        "ospf_cost": None,
        "vrrp": vrrp,
        "vlan": vlan.id,
    }


def _gateway_address(
    vlan: Vlan, position: int, members: int
) -> tuple[IPv4Interface | None, dict[str, Any] | None]:
    if vlan.gateway is None:
        return None, None
    if members == 1:
        return IPv4Interface(f"{vlan.gateway}/{vlan.prefix.prefixlen}"), None
    candidates = [a for a in reversed(list(vlan.prefix.hosts())) if a != vlan.gateway][:members]
    if len(candidates) < members:
        return None, None
    mine: IPv4Address = candidates[members - 1 - position]
    vrrp = {"group": vlan.id % 255 or 1, "ip": str(vlan.gateway)}
    return IPv4Interface(f"{mine}/{vlan.prefix.prefixlen}"), vrrp


def _mgmt_prefixes(ctx: NetworkContext, device: NetworkDevice) -> list[IPv4Network]:
    prefixes = list(ctx.central_management)
    own = ctx.index.zones.get(device.zone)
    if own is not None and own.kind == "management":
        prefixes.extend(own.prefixes)
    return list(dict.fromkeys(prefixes))


def _dedupe(items: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for item in items:
        seen.setdefault(item["cidr"], item)
    return list(seen.values())
