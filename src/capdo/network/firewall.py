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

from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from capdo.inventory.model import NetworkDevice, Server
    from capdo.network.model import NetworkContext

WAN, INTERNET = "wan", "internet"
UNTRUSTED = frozenset({WAN, INTERNET})
PUBLISHED_ROLES = {"web": ("https",), "sso": ("https",), "mail-gateway": ("smtp",)}
SERVICE_ROLES = frozenset({"web", "app", "api-gateway", "sso"})
SERVICES: dict[str, tuple[str, str]] = {
    # name → (protocol, port or range)
    "https": ("tcp", "443"),
    "http": ("tcp", "80"),
    "ssh": ("tcp", "22"),
    "smtp": ("tcp", "25"),
    "syslog": ("udp", "514"),
    "dns": ("udp", "53"),
    "ntp": ("udp", "123"),
    "snmp": ("udp", "161"),
    "sip": ("tcp", "5060-5061"),
    "sip-udp": ("udp", "5060"),
    "h323": ("tcp", "1720"),
    "rtp": ("udp", "16384-32767"),
    "app": ("tcp", "8080"),
    "database": ("tcp", "5432"),
}


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


def _hosts(servers: list[Server]) -> tuple[str, ...]:
    return tuple(sorted({f"{s.address}/32" for s in servers}))


def firewall_view(ctx: NetworkContext, device: NetworkDevice) -> dict[str, Any]:  # noqa: C901, PLR0912 -- to be split with the typed network views (issue 17)
    """Zones, flows and profiles for a firewall; ``{}`` for any other device."""
    if device.role != "firewall":
        return {}
    inventory = ctx.inventory
    zones = [z for z in inventory.zones if z.site == device.site]
    kind_of = {z.id: z.kind for z in zones}
    servers = [s for s in inventory.servers if s.zone in kind_of]
    by_role: dict[str, list[Server]] = {}
    for server in servers:
        for role in server.roles:
            by_role.setdefault(role, []).append(server)
    log_names = set(inventory.estate.defaults.log_servers)
    logs = [s for s in inventory.servers if s.name in log_names and s.zone in kind_of]
    flows: list[Flow] = []

    def add(src: str, dst: str, hosts: tuple[str, ...], services: tuple[str, ...]) -> None:
        if src == dst or (dst not in kind_of and dst not in UNTRUSTED):
            return
        inspect = src in UNTRUSTED or kind_of.get(src) == "user" or dst == INTERNET
        name = f"{len(flows) + 1}-{src}-{dst}"[:35]
        flows.append(Flow(src, dst, hosts, services, inspect, name))

    def zones_of(group: list[Server]) -> dict[str, list[Server]]:
        found: dict[str, list[Server]] = {}
        for server in group:
            found.setdefault(server.zone, []).append(server)
        return found

    users = [z.id for z in zones if z.kind == "user"]
    management = [z.id for z in zones if z.kind == "management"]
    for role, services in PUBLISHED_ROLES.items():
        for zone, group in zones_of(by_role.get(role, [])).items():
            if kind_of[zone] == "dmz":
                add(INTERNET, zone, _hosts(group), services)
    service_servers = [s for s in servers if SERVICE_ROLES & set(s.roles)]
    for src in (WAN, *users):
        for zone, group in zones_of(service_servers).items():
            add(src, zone, _hosts(group), ("https",))
        for zone, group in zones_of(by_role.get("mcu", [])).items():
            add(src, zone, _hosts(group), ("sip", "sip-udp", "h323", "rtp"))
        vc_mgmt = by_role.get("vc-management", []) + by_role.get("provisioning", [])
        for zone, group in zones_of(vc_mgmt).items():
            add(src, zone, _hosts(group), ("https",))
    infra = by_role.get("dns", []) + by_role.get("ntp", [])
    remote_logs = [s for s in inventory.servers if s.name in log_names and s not in logs]
    for src in (WAN, *kind_of):
        for zone, group in zones_of(logs).items():
            add(src, zone, _hosts(group), ("syslog",))
        for zone, group in zones_of(infra).items():
            add(src, zone, _hosts(group), ("dns", "ntp"))
        if remote_logs and src != WAN:  # the central log servers are in another site
            add(src, WAN, _hosts(remote_logs), ("syslog",))
    for src in management:
        for dst in kind_of:
            add(src, dst, (), ("ssh", "https", "snmp"))
    for zone, group in zones_of(by_role.get("app", []) + by_role.get("api-gateway", [])).items():
        for dmz in (z for z, k in kind_of.items() if k == "dmz"):
            add(dmz, zone, _hosts(group), ("app",))
    for zone, group in zones_of(by_role.get("database", [])).items():
        for src in (z for z, k in kind_of.items() if k == "server"):
            add(src, zone, _hosts(group), ("database",))
    for src in (z for z, k in kind_of.items() if k == "backup"):
        for dst in (z for z, k in kind_of.items() if k in ("server", "database")):
            add(src, dst, (), ("ssh",))
    for src in users:
        add(src, INTERNET, (), ("http", "https"))
    for src in (z for z, k in kind_of.items() if k == "dmz"):
        add(src, INTERNET, (), ("https", "smtp") if by_role.get("mail-gateway") else ("https",))

    vlans = {v.zone: v for v in ctx.vlans_of_site.get(device.site, ())}
    zone_rows = []
    for area in zones:
        vlan = vlans.get(area.id)
        prefix: IPv4Network = vlan.prefix if vlan is not None else area.prefixes[0]
        if area.id == device.zone:  # the firewall's own management port sits in this zone
            vlan = None
        last = prefix.broadcast_address - (2 if prefix.num_addresses > 4 else 1)
        zone_rows.append(
            {
                "id": area.id,
                "kind": area.kind,
                "vlan": vlan.id if vlan is not None else None,
                "interface": (
                    f"vl{vlan.id}"
                    if vlan is not None
                    else "mgmt"
                    if area.id == device.zone
                    else None
                ),
                "prefixes": [_net(p) for p in area.prefixes],
                "ip": str(last),
                "mask": str(prefix.netmask),
                "prefixlen": prefix.prefixlen,
            }
        )
    used = sorted({s for f in flows for s in f.services})
    hosts = sorted({a for f in flows for a in f.addresses})
    return {
        "zones": zone_rows,
        "untrusted": sorted(UNTRUSTED),
        "hosts": [_host(a) for a in hosts],
        "flows": [
            {
                "id": index,
                "name": flow.name,
                "source": flow.source,
                "destination": flow.destination,
                "addresses": [_host(a) for a in flow.addresses],
                "services": [f"capdo-{s}" for s in flow.services],
                "inspect": flow.inspect,
            }
            for index, flow in enumerate(flows, start=1)
        ],
        "services": [
            {"name": f"capdo-{name}", "protocol": SERVICES[name][0], "port": SERVICES[name][1]}
            for name in used
        ],
        "ips_profile": "capdo-ips",
        "av_profile": "capdo-av",
    }


def _net(prefix: IPv4Network) -> dict[str, str]:
    return {
        "name": f"net-{prefix.network_address}-{prefix.prefixlen}",
        "network": str(prefix.network_address),
        "mask": str(prefix.netmask),
        "wildcard": str(prefix.hostmask),
        "prefixlen": str(prefix.prefixlen),
    }


def _host(cidr: str) -> dict[str, str]:
    address = cidr.split("/", maxsplit=1)[0]
    return {"name": f"host-{address}", "ip": address, "mask": "255.255.255.255"}
