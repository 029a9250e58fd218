"""What the device templates receive: frozen, typed views (built in ``capdo.network.model``).

Templates read attributes (``device.security.log_hosts``); audits that want plain data call
``DeviceView.as_dict()``. The firewall part is built by ``capdo.network.firewall`` and kept
apart (``DeviceView.firewall``), so that firewall rendering can grow without touching the
router/switch view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
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
    firewall: Mapping[str, Any] = field(default_factory=dict)
    """Zones, flows and profiles of a firewall (``capdo.network.firewall.firewall_view``);
    empty for any other device."""

    def link_port(self, kind: InterfaceKind) -> str | None:
        """The port of the device's first link of ``kind`` (e.g. a firewall's port towards the
        WAN router), ``None`` when it has none."""
        return next((i.name for i in self.interfaces if i.kind == kind), None)

    def as_dict(self) -> dict[str, Any]:
        """Plain data (lists and dicts), e.g. for audits and JSON."""
        return asdict(self)
