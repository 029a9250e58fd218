"""What the device templates receive: frozen, typed views (built in ``capdo.network.model``).

Templates read attributes (``device.security.log_hosts``); audits that want plain data call
``DeviceView.as_dict()``. The firewall part is built by ``capdo.network.firewall`` and kept
apart (``DeviceView.firewall``), so that firewall rendering can grow without touching the
router/switch view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from ipaddress import IPv4Interface, IPv4Network
from typing import Any, Literal

InterfaceKind = Literal[
    "wan", "internet", "core-firewall", "firewall-wan", "core-wan", "svi", "loopback"
]


@dataclass(frozen=True, slots=True)
class Prefix:
    """A network in every notation the platforms write."""

    network: str
    mask: str
    wildcard: str
    prefixlen: str
    cidr: str

    @classmethod
    def of(cls, network: IPv4Network) -> Prefix:
        return cls(**_prefix_fields(network))

    def fields(self) -> dict[str, str]:
        """The prefix's own fields (to build a subclass from it)."""
        return {
            "network": self.network,
            "mask": self.mask,
            "wildcard": self.wildcard,
            "prefixlen": self.prefixlen,
            "cidr": self.cidr,
        }


@dataclass(frozen=True, slots=True)
class Address(Prefix):
    """An interface address: the host part and its network."""

    ip: str = ""

    @classmethod
    def of_interface(cls, interface: IPv4Interface) -> Address:
        return cls(ip=str(interface.ip), **_prefix_fields(interface.network))

    @property
    def interface(self) -> IPv4Interface:
        return IPv4Interface(f"{self.ip}/{self.prefixlen}")


def _prefix_fields(network: IPv4Network) -> dict[str, str]:
    return {
        "network": str(network.network_address),
        "mask": str(network.netmask),
        "wildcard": str(network.hostmask),
        "prefixlen": str(network.prefixlen),
        "cidr": str(network),
    }


@dataclass(frozen=True, slots=True)
class Vrrp:
    """A first-hop redundancy group (HSRP on IOS, VRRP on VRP)."""

    group: int
    ip: str


@dataclass(frozen=True, slots=True)
class Interface:
    name: str | None
    """The port (link ends); ``None`` for VLAN interfaces and the loopback (named by the
    template's platform syntax)."""
    kind: InterfaceKind
    description: str
    address: Address
    dot1q: int | None = None
    ospf_cost: int | None = None
    vrrp: Vrrp | None = None
    vlan: int | None = None
    vrf: str | None = None
    """The VRF a data-centre core puts the zone's VLAN interface in (``None``: global)."""


@dataclass(frozen=True, slots=True)
class VlanView:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class OspfArea:
    id: str
    networks: tuple[Prefix, ...]


@dataclass(frozen=True, slots=True)
class Ospf:
    process: int
    router_id: str
    areas: tuple[OspfArea, ...]
    passive: tuple[Interface, ...]
    import_prefixes: tuple[Prefix, ...] = ()
    """A site router installs only these OSPF routes (the data-centre zones it needs);
    empty: every route."""
    import_list: str = ""
    """The name of the prefix list holding ``import_prefixes``."""
    redistribute_static: bool = False
    """A data centre's WAN router announces its static routes (the zones behind the
    firewall)."""


@dataclass(frozen=True, slots=True)
class StaticRoute(Prefix):
    next_hop: str = ""
    distance: int | None = None
    description: str = ""
    interface: str | None = None
    """The outgoing port (FortiOS names it in every route); ``None``: resolved by next hop."""
    vrf: str | None = None


@dataclass(frozen=True, slots=True)
class Management:
    vlan: int | None
    loopback: bool
    address: Address


@dataclass(frozen=True, slots=True)
class Security:
    management_acl: tuple[Prefix, ...]
    idle_timeout_minutes: int
    lockout_attempts: int
    lockout_seconds: int
    lockout_minutes: int
    log_hosts: tuple[str, ...]
    ntp_servers: tuple[str, ...]
    timezone: str


@dataclass(frozen=True, slots=True)
class ZoneNetwork:
    """A zone's network as a firewall address object (``net-a.b.c.d-len``)."""

    name: str
    network: str
    mask: str
    wildcard: str
    prefixlen: str


@dataclass(frozen=True, slots=True)
class HostAddress:
    """A destination of a flow as a firewall address object (``host-a.b.c.d``, or the name of
    the published service's translation)."""

    name: str
    ip: str
    mask: str
    prefixlen: str


@dataclass(frozen=True, slots=True)
class FirewallZone:
    """A zone of the firewall's site and the firewall's leg in it."""

    id: str
    kind: str
    vlan: int | None
    """The VLAN of the leg on the core trunk; ``None`` for the firewall's own management
    zone and zones without a VLAN at the site."""
    interface: str | None
    """``vl<VLAN>``, ``mgmt`` for the management zone, ``None``: no leg."""
    prefixes: tuple[ZoneNetwork, ...]
    ip: str
    mask: str
    prefixlen: int


@dataclass(frozen=True, slots=True)
class ServiceObject:
    """A firewall service object (``capdo-https``: tcp 443)."""

    name: str
    protocol: str
    port: str


@dataclass(frozen=True, slots=True)
class Vip:
    """A published service's translation: public address → the host inside."""

    name: str
    public: str
    inside: str


@dataclass(frozen=True, slots=True)
class FirewallRule:
    """One security policy rule, in rule order (``id`` from 1)."""

    id: int
    name: str
    source: str
    destination: str
    addresses: tuple[HostAddress, ...]
    """Destination hosts; empty: the whole destination zone."""
    services: tuple[str, ...]
    """Names of service objects."""
    inspect: bool
    action: str
    log: bool
    vip: str | None


@dataclass(frozen=True, slots=True)
class HaPair:
    """The firewall's place in an HA pair (heartbeat on 169.254.<group id>.0/30)."""

    group: str
    group_id: int
    members: tuple[str, ...]
    peer: str
    primary: bool
    priority: int
    heartbeat_ip: str
    peer_heartbeat_ip: str
    heartbeat_mask: str


@dataclass(frozen=True, slots=True)
class FirewallView:
    """Zones, objects, rules, profiles and HA of a firewall (``capdo.network.firewall``)."""

    zones: tuple[FirewallZone, ...]
    untrusted: tuple[str, ...]
    hosts: tuple[HostAddress, ...]
    vips: tuple[Vip, ...]
    flows: tuple[FirewallRule, ...]
    services: tuple[ServiceObject, ...]
    ips_profile: str
    av_profile: str
    ha: HaPair | None


@dataclass(frozen=True, slots=True)
class DeviceView:
    """Everything a template needs for one device."""

    name: str
    hostname: str
    platform: str
    role: str
    site: str
    model: str | None
    level: int
    level_assumed: bool
    requirements: tuple[str, ...]
    params: Mapping[str, object]
    interfaces: tuple[Interface, ...]
    vlans: tuple[VlanView, ...]
    ospf: Ospf | None
    static_routes: tuple[StaticRoute, ...]
    default_gateway: str | None
    management: Management
    security: Security
    vrfs: tuple[str, ...] = ()
    """VRFs of a data-centre core: one per zone behind the firewall."""
    firewall: FirewallView | None = None
    """Zones, flows and profiles of a firewall (``capdo.network.firewall.firewall_view``);
    ``None`` for any other device."""

    def link_port(self, kind: InterfaceKind) -> str | None:
        """The port of the device's first link of ``kind`` (e.g. a firewall's port towards the
        WAN router), ``None`` when it has none."""
        return next((i.name for i in self.interfaces if i.kind == kind), None)

    def as_dict(self) -> dict[str, Any]:
        """Plain data (lists and dicts), e.g. for audits and JSON."""
        return asdict(self)
