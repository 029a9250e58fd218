"""What a firewall must allow, derived from the estate (no platform syntax).

A firewall separates the zones of its site; two more zones stand for what lies beyond it:
``wan`` (the province's other sites, through the WAN routers) and ``internet``. Flows are
derived from what the model says the estate needs, and everything else is denied and logged:

* internet → DMZ: the published services (servers with a public role: web, SSO, mail gateway);
* WAN and users → the services of the data centre (web, application, API, SSO servers), the
  central log servers (syslog), the MCUs and the VC management (SIP/H.323/media, HTTPS);
* every zone → the log servers (syslog) and the DNS/NTP servers;
* management → every zone (SSH, HTTPS, SNMP): administration only from there;
* DMZ → application servers, application servers → databases, backup → servers;
* egress: users → internet (HTTP/HTTPS), DMZ → internet (HTTPS updates, SMTP for the mail
  gateway); nothing else leaves.

Policies that admit traffic from outside the site's trust (internet, WAN, users) carry the
intrusion-prevention and anti-malware profiles (NET.07/NET.08), whose signatures update on a
schedule (NET.18).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from ipaddress import IPv4Network
from typing import TYPE_CHECKING

from capdo.inventory import FIREWALL_SERVICES
from capdo.network.view import (
    FirewallRule,
    FirewallView,
    FirewallZone,
    HaPair,
    HostAddress,
    ServiceObject,
    Vip,
    ZoneNetwork,
)

if TYPE_CHECKING:
    from capdo.inventory import FirewallPolicy, NetworkDevice, Server
    from capdo.network.model import NetworkContext

WAN, INTERNET = "wan", "internet"
UNTRUSTED = frozenset({WAN, INTERNET})
PUBLISHED_ROLES = {"web": ("https",), "sso": ("https",), "mail-gateway": ("smtp",)}
SERVICE_ROLES = frozenset({"web", "app", "api-gateway", "sso"})
SERVICES = FIREWALL_SERVICES
"""name → (protocol, port or range); flows may also name ``tcp/PORT`` / ``udp/FIRST-LAST``."""


def service_object(service: str) -> ServiceObject:
    """The firewall's service object for a name (``https``) or a port (``tcp/8443``)."""
    if service in SERVICES:
        protocol, port = SERVICES[service]
    else:
        protocol, _, port = service.partition("/")
    return ServiceObject(f"capdo-{service.replace('/', '-')}", protocol, port)


@dataclass(frozen=True)
class Flow:
    source: str
    destination: str
    addresses: tuple[str, ...]
    """Destination hosts (``a.b.c.d/32``); empty: the whole destination zone."""
    services: tuple[str, ...]
    inspect: bool
    """Intrusion prevention and anti-malware on this flow."""
    name: str
    action: str = "permit"
    log: bool = True
    """Sessions logged (a deny always is)."""
    vip: str | None = None
    """The published service's translation (public address → the one destination host)."""


def _hosts(servers: list[Server]) -> tuple[str, ...]:
    return tuple(sorted({f"{s.address}/32" for s in servers}))


def firewall_view(ctx: NetworkContext, device: NetworkDevice) -> FirewallView | None:
    """Zones, flows, translations, profiles and HA for a firewall; ``None`` for any other
    device. The site's explicit policy (``firewall_policies``) comes first: its flows replace
    the derived flows of the same (source, destination) pair and add the others."""
    if device.role != "firewall":
        return None
    inventory = ctx.inventory
    zones = [z for z in inventory.zones if z.site == device.site]
    kind_of: dict[str, str] = {z.id: z.kind for z in zones}
    policy = next((p for p in inventory.firewall_policies if p.site == device.site), None)
    flows = _policy_flows(ctx, device, policy, kind_of)
    used = sorted({s for f in flows for s in f.services})
    hosts = sorted({a for f in flows if f.vip is None for a in f.addresses})
    return FirewallView(
        zones=tuple(_zone_rows(ctx, device)),
        untrusted=tuple(sorted(UNTRUSTED)),
        hosts=tuple(_host(a) for a in hosts),
        vips=_vips(policy, flows),
        flows=tuple(_rule(index, flow) for index, flow in enumerate(flows, start=1)),
        services=tuple(service_object(name) for name in used),
        ips_profile="capdo-ips",
        av_profile="capdo-av",
        ha=ha_view(ctx, device),
    )


def _policy_flows(
    ctx: NetworkContext,
    device: NetworkDevice,
    policy: FirewallPolicy | None,
    kind_of: dict[str, str],
) -> list[Flow]:
    """The explicit flows, then the derived flows of the other (source, destination) pairs,
    each with a unique name of at most 35 characters."""
    explicit = _explicit_flows(ctx, policy, kind_of)
    pairs = {(f.source, f.destination) for f in explicit}
    derived = _derived_flows(ctx, device, kind_of) if policy is None or policy.derived else []
    flows: list[Flow] = []
    names: set[str] = set()
    for flow in (*explicit, *(f for f in derived if (f.source, f.destination) not in pairs)):
        name = flow.name or f"{len(flows) + 1}-{flow.source}-{flow.destination}"[:35]
        if name in names:
            name = f"{len(flows) + 1}-{name}"[:35]
        names.add(name)
        flows.append(replace(flow, name=name))
    return flows


def _zone_rows(ctx: NetworkContext, device: NetworkDevice) -> list[FirewallZone]:
    """The site's zones with the firewall's leg in each: the last usable address of the
    zone's VLAN (or first) prefix."""
    vlans = {v.zone: v for v in ctx.vlans_of_site.get(device.site, ())}
    rows = []
    for area in (z for z in ctx.inventory.zones if z.site == device.site):
        vlan = vlans.get(area.id)
        prefix: IPv4Network = vlan.prefix if vlan is not None else area.prefixes[0]
        own = area.id == device.zone  # the firewall's own management port sits in this zone
        vlan_id = None if own or vlan is None else vlan.id
        last = prefix.broadcast_address - (2 if prefix.num_addresses > 4 else 1)
        rows.append(
            FirewallZone(
                id=area.id,
                kind=area.kind,
                vlan=vlan_id,
                interface=f"vl{vlan_id}" if vlan_id is not None else "mgmt" if own else None,
                prefixes=tuple(_net(p) for p in area.prefixes),
                ip=str(last),
                mask=str(prefix.netmask),
                prefixlen=prefix.prefixlen,
            )
        )
    return rows


def _vips(policy: FirewallPolicy | None, flows: list[Flow]) -> tuple[Vip, ...]:
    """The translations of the policy's published services that have a flow."""
    vips = {f.vip: f for f in flows if f.vip is not None}
    published = policy.published if policy is not None else ()
    return tuple(
        Vip(
            name=_vip_name(p.name),
            public=str(p.public_address),
            inside=vips[_vip_name(p.name)].addresses[0].split("/")[0],
        )
        for p in published
        if _vip_name(p.name) in vips
    )


def _rule(index: int, flow: Flow) -> FirewallRule:
    """A flow as the policy's rule ``index``; a published service's destination is named by
    its translation."""
    if flow.vip is not None:
        addresses: tuple[HostAddress, ...] = (replace(_host(flow.addresses[0]), name=flow.vip),)
    else:
        addresses = tuple(_host(a) for a in flow.addresses)
    return FirewallRule(
        id=index,
        name=flow.name,
        source=flow.source,
        destination=flow.destination,
        addresses=addresses,
        services=tuple(service_object(s).name for s in flow.services),
        inspect=flow.inspect,
        action=flow.action,
        log=flow.log or flow.action == "deny",
        vip=flow.vip,
    )


def _vip_name(name: str) -> str:
    return f"vip-{name}"[:35]


def _inspected(source: str, destination: str, kind_of: dict[str, str]) -> bool:
    return source in UNTRUSTED or kind_of.get(source) == "user" or destination == INTERNET


def _explicit_flows(
    ctx: NetworkContext, policy: FirewallPolicy | None, kind_of: dict[str, str]
) -> list[Flow]:
    """The site's declared flows, then its published services (Internet → DMZ host through
    a public address). Flows naming zones of other sites are left out (validation says so)."""
    if policy is None:
        return []
    servers = ctx.index.servers
    known = set(kind_of) | UNTRUSTED
    out: list[Flow] = []
    for flow in policy.flows:
        if flow.source not in known or flow.destination not in known:
            continue
        hosts = [f"{servers[n].address}/32" for n in flow.servers if n in servers]
        hosts += [str(a) for a in flow.addresses]
        out.append(
            Flow(
                flow.source,
                flow.destination,
                tuple(dict.fromkeys(hosts)),
                tuple(dict.fromkeys(flow.services)),
                flow.action == "permit" and _inspected(flow.source, flow.destination, kind_of),
                flow.name or "",
                flow.action,
                flow.log,
            )
        )
    for item in policy.published:
        server = servers.get(item.server)
        if server is None or kind_of.get(server.zone) != "dmz":
            continue
        out.append(
            Flow(
                INTERNET,
                server.zone,
                (f"{server.address}/32",),
                tuple(dict.fromkeys(item.services)),
                True,
                f"publish-{item.name}"[:35],
                vip=_vip_name(item.name),
            )
        )
    return out


def _zones_of(group: list[Server]) -> dict[str, list[Server]]:
    found: dict[str, list[Server]] = {}
    for server in group:
        found.setdefault(server.zone, []).append(server)
    return found


class _DerivedFlows:
    """What the model's roles and zone kinds need (see the module's docstring), built in rule
    order: published services, services for the users and the WAN, infrastructure, zone to
    zone, then egress."""

    def __init__(self, ctx: NetworkContext, kind_of: dict[str, str]) -> None:
        inventory = ctx.inventory
        self.kind_of = kind_of
        self.servers = [s for s in inventory.servers if s.zone in kind_of]
        self.by_role: dict[str, list[Server]] = {}
        for server in self.servers:
            for role in server.roles:
                self.by_role.setdefault(role, []).append(server)
        log_names = set(inventory.estate.defaults.log_servers)
        self.logs = [s for s in inventory.servers if s.name in log_names and s.zone in kind_of]
        self.remote_logs = [
            s for s in inventory.servers if s.name in log_names and s not in self.logs
        ]
        self.flows: list[Flow] = []

    def zones(self, *kinds: str) -> list[str]:
        return [z for z, k in self.kind_of.items() if k in kinds]

    def add(self, src: str, dst: str, hosts: tuple[str, ...], services: tuple[str, ...]) -> None:
        if src == dst or (dst not in self.kind_of and dst not in UNTRUSTED):
            return
        self.flows.append(Flow(src, dst, hosts, services, _inspected(src, dst, self.kind_of), ""))

    def add_to_groups(self, src: str, group: list[Server], services: tuple[str, ...]) -> None:
        for zone, members in _zones_of(group).items():
            self.add(src, zone, _hosts(members), services)

    def published(self) -> None:
        for role, services in PUBLISHED_ROLES.items():
            for zone, group in _zones_of(self.by_role.get(role, [])).items():
                if self.kind_of[zone] == "dmz":
                    self.add(INTERNET, zone, _hosts(group), services)

    def services(self) -> None:
        service_servers = [s for s in self.servers if SERVICE_ROLES & set(s.roles)]
        vc_mgmt = self.by_role.get("vc-management", []) + self.by_role.get("provisioning", [])
        for src in (WAN, *self.zones("user")):
            self.add_to_groups(src, service_servers, ("https",))
            self.add_to_groups(src, self.by_role.get("mcu", []), ("sip", "sip-udp", "h323", "rtp"))
            self.add_to_groups(src, vc_mgmt, ("https",))

    def infrastructure(self) -> None:
        infra = self.by_role.get("dns", []) + self.by_role.get("ntp", [])
        for src in (WAN, *self.kind_of):
            self.add_to_groups(src, self.logs, ("syslog",))
            self.add_to_groups(src, infra, ("dns", "ntp"))
            if self.remote_logs and src != WAN:  # the central log servers are in another site
                self.add(src, WAN, _hosts(self.remote_logs), ("syslog",))

    def between_zones(self) -> None:
        for src in self.zones("management"):
            for dst in self.kind_of:
                self.add(src, dst, (), ("ssh", "https", "snmp"))
        apps = self.by_role.get("app", []) + self.by_role.get("api-gateway", [])
        for zone, group in _zones_of(apps).items():
            for dmz in self.zones("dmz"):
                self.add(dmz, zone, _hosts(group), ("app",))
        for zone, group in _zones_of(self.by_role.get("database", [])).items():
            for src in self.zones("server"):
                self.add(src, zone, _hosts(group), ("database",))
        for src in self.zones("backup"):
            for dst in self.zones("server", "database"):
                self.add(src, dst, (), ("ssh",))

    def egress(self) -> None:
        for src in self.zones("user"):
            self.add(src, INTERNET, (), ("http", "https"))
        dmz_out = ("https", "smtp") if self.by_role.get("mail-gateway") else ("https",)
        for src in self.zones("dmz"):
            self.add(src, INTERNET, (), dmz_out)


def _derived_flows(
    ctx: NetworkContext, device: NetworkDevice, kind_of: dict[str, str]
) -> list[Flow]:
    """What the model's roles and zone kinds need (see the module's docstring)."""
    builder = _DerivedFlows(ctx, kind_of)
    builder.published()
    builder.services()
    builder.infrastructure()
    builder.between_zones()
    builder.egress()
    return builder.flows


def ha_view(ctx: NetworkContext, device: NetworkDevice) -> HaPair | None:
    """An HA pair: the firewalls of the device's site and platform that share its redundancy
    group (exactly two). The first by name is the preferred primary; the heartbeat link
    takes 169.254.<group id>.1/.2 (link-local, never routed). None for a lone firewall."""
    if device.redundancy_group is None:
        return None
    members = sorted(
        d.name
        for d in ctx.inventory.devices
        if d.role == "firewall"
        and d.site == device.site
        and d.platform == device.platform
        and d.redundancy_group == device.redundancy_group
    )
    if len(members) != 2:
        return None
    position = members.index(device.name)
    group_id = sum(device.redundancy_group.encode()) % 255 + 1
    own, peer = (1, 2) if position == 0 else (2, 1)
    return HaPair(
        group=device.redundancy_group,
        group_id=group_id,
        members=tuple(members),
        peer=members[1 - position],
        primary=position == 0,
        priority=200 if position == 0 else 100,
        heartbeat_ip=f"169.254.{group_id}.{own}",
        peer_heartbeat_ip=f"169.254.{group_id}.{peer}",
        heartbeat_mask="255.255.255.252",
    )


def _net(prefix: IPv4Network) -> ZoneNetwork:
    return ZoneNetwork(
        name=f"net-{prefix.network_address}-{prefix.prefixlen}",
        network=str(prefix.network_address),
        mask=str(prefix.netmask),
        wildcard=str(prefix.hostmask),
        prefixlen=str(prefix.prefixlen),
    )


def _host(cidr: str) -> HostAddress:
    network = IPv4Network(cidr)
    address = str(network.network_address)
    name = f"host-{address}" if network.prefixlen == 32 else f"addr-{address}-{network.prefixlen}"
    return HostAddress(
        name=name, ip=address, mask=str(network.netmask), prefixlen=str(network.prefixlen)
    )
