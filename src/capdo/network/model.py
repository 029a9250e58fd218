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

from capdo.exports import Baseline, baseline
from capdo.inventory import (
    CENTRAL_SITE_KINDS,
    EstateIndex,
    Inventory,
    Link,
    LinkEnd,
    NetworkDevice,
    Vlan,
)
from capdo.network.firewall import firewall_view
from capdo.network.routing import ADVERTISED_CENTRAL_ZONES, CENTRAL_PREFIX_LIST, RoutingPlan
from capdo.network.view import (
    Address,
    DeviceView,
    Interface,
    Management,
    Ospf,
    OspfArea,
    Prefix,
    Security,
    VlanView,
    Vrrp,
)

GATEWAY_ROLES = ("core", "distribution", "wan-router")
ROUTED_ROLES = frozenset({"core", "distribution", "wan-router", "internet-router", "firewall"})
BACKUP_OSPF_COST = 100


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
        return self.index.management.central

    @cached_property
    def routing(self) -> RoutingPlan:
        """The estate's routing design (``capdo.network.routing``)."""
        return RoutingPlan(self)

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


def device_view(ctx: NetworkContext, device: NetworkDevice) -> DeviceView:
    """Everything a template needs for one device, as a frozen view."""
    level, assumed, base = ctx.baseline_for(device)
    areas: dict[str, list[Prefix]] = defaultdict(list)
    interfaces = [
        _link_interface(link, mine, peer, areas)
        for link, mine, peer in ctx.link_ends.get(device.name, ())
    ]
    lan = _lan_side(ctx, device)
    interfaces.extend(lan.interfaces)
    return DeviceView(
        name=device.name,
        hostname=device.name,
        platform=device.platform,
        role=device.role,
        site=device.site,
        model=device.model,
        level=level,
        level_assumed=assumed,
        requirements=tuple(sorted(set(base.requirements))),
        params=dict(base.params),
        interfaces=tuple(interfaces),
        vlans=lan.vlans,
        vrfs=tuple(dict.fromkeys(i.vrf for i in interfaces if i.vrf is not None)),
        ospf=_ospf(ctx, device, interfaces, areas),
        static_routes=tuple(ctx.routing.static_routes(device)),
        default_gateway=lan.default_gateway,
        management=lan.management,
        security=_security(ctx, device, base),
        firewall=firewall_view(ctx, device),
    )


def _link_interface(
    link: Link, mine: LinkEnd, peer: LinkEnd, areas: dict[str, list[Prefix]]
) -> Interface:
    """One link end of the device; an OSPF link's network goes to its area in ``areas``."""
    assert mine.interface is not None
    _name, _, sub = mine.interface.partition(".")
    peer_name = peer.device or peer.external or "?"
    peer_where = f"{peer_name} {peer.interface}" if peer.interface else peer_name
    circuit = f" {link.circuit_id}" if link.circuit_id else ""
    cost = link.routing.cost or (BACKUP_OSPF_COST if link.role == "backup" else None)
    if link.routing.protocol == "ospf":
        areas[link.routing.area or "0.0.0.0"].append(Prefix.of(mine.address.network))
    return Interface(
        name=mine.interface,
        kind=link.kind,
        description=f"{link.kind.upper()} {link.role} {link.id} to {peer_where}"
        f" [{link.provider}{circuit}]",
        address=Address.of_interface(mine.address),
        dot1q=int(sub) if sub.isdigit() else None,
        ospf_cost=cost if link.routing.protocol == "ospf" else None,
    )


@dataclass(frozen=True)
class _LanSide:
    vlans: tuple[VlanView, ...]
    interfaces: tuple[Interface, ...]
    management: Management
    default_gateway: str | None


def _lan_side(ctx: NetworkContext, device: NetworkDevice) -> _LanSide:
    """VLANs, the management interface and, on a site gateway, the VLAN interfaces."""
    site_vlans = ctx.vlans_of_site.get(device.site, ())
    gateways = ctx.gateways_of_site.get(device.site, [])
    is_gateway = device.name in gateways and bool(site_vlans)
    mgmt_vlan = next((v for v in site_vlans if v.zone == device.zone), None)
    if is_gateway or device.role == "access":
        shown = site_vlans
    else:
        shown = (mgmt_vlan,) if mgmt_vlan is not None else ()
    vlans = tuple(VlanView(id=v.id, name=v.name) for v in shown)
    if mgmt_vlan is None:
        own = IPv4Interface(f"{device.address}/32")
        loopback = Interface(
            name=None,
            kind="loopback",
            description="management and router id",
            address=Address.of_interface(own),
        )
        management = Management(vlan=None, loopback=True, address=loopback.address)
        return _LanSide(vlans, (loopback,), management, None)
    own = IPv4Interface(f"{device.address}/{mgmt_vlan.prefix.prefixlen}")
    vrrp = None
    if is_gateway and mgmt_vlan.gateway is not None and mgmt_vlan.gateway != device.address:
        vrrp = Vrrp(group=mgmt_vlan.id % 255 or 1, ip=str(mgmt_vlan.gateway))
    interfaces = [_svi(mgmt_vlan, own, vrrp, "management")]
    default_gateway = None
    if not is_gateway and device.role not in ROUTED_ROLES and mgmt_vlan.gateway is not None:
        default_gateway = str(mgmt_vlan.gateway)
    if is_gateway:
        interfaces.extend(_gateway_svis(ctx, device, mgmt_vlan))
    management = Management(vlan=mgmt_vlan.id, loopback=False, address=Address.of_interface(own))
    return _LanSide(vlans, tuple(interfaces), management, default_gateway)


def _gateway_svis(ctx: NetworkContext, device: NetworkDevice, mgmt_vlan: Vlan) -> list[Interface]:
    """A site gateway's VLAN interfaces (other than management): the gateway address, or its
    own address with the gateway shared by VRRP; in a data centre with a firewall, in the
    zone's VRF (``capdo.network.routing``)."""
    gateways = ctx.gateways_of_site[device.site]
    legs = ctx.routing.firewall_legs(device.site)
    found = []
    for vlan in ctx.vlans_of_site.get(device.site, ()):
        if vlan is mgmt_vlan:
            continue
        position = gateways.index(device.name)
        address, group = _gateway_address(vlan, position, len(gateways), legs.get(vlan.zone))
        if address is not None:
            vrf = ctx.routing.vrf_of(device, vlan)
            found.append(_svi(vlan, address, group, "lan", vrf))
    return found


def _ospf(
    ctx: NetworkContext,
    device: NetworkDevice,
    interfaces: list[Interface],
    areas: dict[str, list[Prefix]],
) -> Ospf | None:
    """OSPF over the device's OSPF links, announcing its LAN side as passive interfaces (a data
    centre's core announces only the zones the sites need)."""
    if not areas:
        return None
    central = ctx.index.sites.get(device.site)
    restrict = device.role == "core" and central is not None and central.kind in CENTRAL_SITE_KINDS
    site_vlans = ctx.vlans_of_site.get(device.site, ())
    kinds = {v.id: ctx.index.zones[v.zone].kind for v in site_vlans if v.zone in ctx.index.zones}
    lan_area = next(iter(areas))
    passive: list[Interface] = []
    for iface in interfaces:
        if iface.kind not in ("svi", "loopback") or iface.vrf is not None:
            continue
        if (
            restrict
            and iface.kind == "svi"
            and kinds.get(iface.vlan or 0) not in (ADVERTISED_CENTRAL_ZONES)
        ):
            continue
        areas[lan_area].append(Prefix.of(iface.address.interface.network))
        passive.append(iface)
    plan = ctx.routing
    imported = plan.import_filter(device)
    return Ospf(
        process=1,
        router_id=str(device.address),
        areas=tuple(OspfArea(id=a, networks=_dedupe(n)) for a, n in areas.items()),
        passive=tuple(passive),
        import_prefixes=imported,
        import_list=CENTRAL_PREFIX_LIST if imported else "",
        redistribute_static=device.role == "wan-router" and device.site in plan.firewalls,
    )


def _security(ctx: NetworkContext, device: NetworkDevice, base: Baseline) -> Security:
    attempts = int(base.setting("lockout_attempts"))  # type: ignore[arg-type]
    hours = float(base.setting("lockout_duration_hours"))  # type: ignore[arg-type]
    return Security(
        management_acl=tuple(Prefix.of(p) for p in ctx.index.management.for_site(device.site)),
        idle_timeout_minutes=int(base.setting("idle_timeout_minutes")),  # type: ignore[arg-type]
        lockout_attempts=attempts,
        lockout_seconds=min(int(hours * 3600), 65535),
        lockout_minutes=int(hours * 60),
        log_hosts=tuple(ctx.log_hosts) if "NET.05" in base.requirements else (),
        ntp_servers=tuple(ctx.inventory.estate.defaults.ntp_servers),
        timezone=ctx.inventory.estate.defaults.timezone,
    )


def _svi(
    vlan: Vlan, address: IPv4Interface, vrrp: Vrrp | None, purpose: str, vrf: str | None = None
) -> Interface:
    return Interface(
        name=None,
        kind="svi",
        description=f"VLAN {vlan.id} {vlan.name} ({vlan.zone}) {purpose}",
        address=Address.of_interface(address),
        vrrp=vrrp,
        vlan=vlan.id,
        vrf=vrf,
    )


def _gateway_address(
    vlan: Vlan, position: int, members: int, firewall: str | None = None
) -> tuple[IPv4Interface | None, Vrrp | None]:
    """A gateway's own address in a VLAN: the gateway itself when it is alone, else one of the
    highest addresses (never the firewall's leg in the zone), the gateway shared by VRRP."""
    if vlan.gateway is None:
        return None, None
    if members == 1:
        return IPv4Interface(f"{vlan.gateway}/{vlan.prefix.prefixlen}"), None
    taken = {vlan.gateway, *([IPv4Address(firewall)] if firewall else [])}
    candidates = [a for a in reversed(list(vlan.prefix.hosts())) if a not in taken][:members]
    if len(candidates) < members:
        return None, None
    mine: IPv4Address = candidates[members - 1 - position]
    vrrp = Vrrp(group=vlan.id % 255 or 1, ip=str(vlan.gateway))
    return IPv4Interface(f"{mine}/{vlan.prefix.prefixlen}"), vrrp


def _dedupe(items: list[Prefix]) -> tuple[Prefix, ...]:
    return tuple(dict.fromkeys(items))
