"""Cross-reference rules over a loaded estate: every rule yields findings, all run every time.

Each rule is a small generator over the model; locations come from the loader's origins.
Rule ids (stable, used in tests and JSON output) are the first argument of each ``Finding``.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Container, Iterable, Iterator
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

from capdo.gcpause import paused_gc
from capdo.inventory.findings import Finding, Origin, sort_findings
from capdo.inventory.index import EstateIndex, targets_by_kind
from capdo.inventory.levels import minimum_level
from capdo.inventory.loader import LoadResult, load_directory
from capdo.inventory.model import (
    FIREWALL_OUTSIDE,
    FIREWALL_SERVICES,
    STRUCTURAL_SITE_KINDS,
    FirewallFlow,
    Inventory,
    NetworkDevice,
    PublishedService,
)

Rule = Callable[[Inventory, EstateIndex, LoadResult], Iterator[Finding]]


def _ref(
    result: LoadResult, kind: str, key: str, path: tuple[str | int, ...], target: str, value: str
) -> Finding:
    return Finding(
        "unresolved-reference",
        result.origin(kind, key, *path),
        {"kind": target, "ref": value},
    )


def rule_references(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    findings = _references(inv, idx, res)
    plural = {
        "site": "sites",
        "zone": "zones",
        "system": "systems",
        "server": "servers",
        "device": "devices",
        "endpoint": "endpoints",
    }
    for finding in findings:
        kind = plural.get(str(finding.params.get("kind")), "")
        if (kind, str(finding.params.get("ref"))) not in res.invalid:
            yield finding


def _references(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    for check in (
        _site_references,
        _zone_references,
        _lan_references,
        _member_references,
        _target_references,
        _endpoint_references,
        _link_references,
        _default_references,
    ):
        yield from check(inv, idx, res)


def _site_references(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    for site in inv.sites:
        for field in ("parent", "replaced_by"):
            value = getattr(site, field)
            if value is not None and value not in idx.sites:
                yield _ref(res, "sites", site.id, (field,), "site", value)


def _zone_references(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    for zone in inv.zones:
        if zone.site not in idx.sites:
            yield _ref(res, "zones", zone.id, ("site",), "site", zone.site)
        if zone.within is not None and zone.within not in idx.zones:
            yield _ref(res, "zones", zone.id, ("within",), "zone", zone.within)


def _lan_references(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    for lan in inv.lan:
        if lan.site not in idx.sites:
            yield _ref(res, "lan", lan.site, ("site",), "site", lan.site)
        for i, vlan in enumerate(lan.vlans):
            if vlan.zone not in idx.zones:
                yield _ref(res, "lan", lan.site, ("vlans", i, "zone"), "zone", vlan.zone)


def _member_references(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    tables: tuple[tuple[str, Container[str], str], ...] = (
        ("servers", idx.servers, "server"),
        ("devices", idx.devices, "device"),
        ("endpoints", idx.endpoints, "endpoint"),
        ("sites", idx.sites, "site"),
    )
    for system in inv.systems:
        for field, table, kind in tables:
            for i, name in enumerate(getattr(system.members, field)):
                if name not in table:
                    yield _ref(res, "systems", system.id, ("members", field, i), kind, name)


def _target_references(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    credentials = inv.estate.credentials
    for kind, obj in targets_by_kind(inv):
        name = obj.name
        if obj.site not in idx.sites:
            yield _ref(res, kind, name, ("site",), "site", obj.site)
        if obj.zone not in idx.zones:
            yield _ref(res, kind, name, ("zone",), "zone", obj.zone)
        for i, system_id in enumerate(obj.systems):
            if system_id not in idx.systems:
                yield _ref(res, kind, name, ("systems", i), "system", system_id)
        if obj.credential is not None and obj.credential not in credentials:
            yield _ref(res, kind, name, ("credential",), "credential", obj.credential)


def _endpoint_references(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    for endpoint in inv.endpoints:
        if endpoint.mcu is not None and endpoint.mcu not in idx.servers:
            yield _ref(res, "endpoints", endpoint.name, ("mcu",), "server", endpoint.mcu)


def _link_references(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    for link in inv.links:
        for end_name in ("a", "z"):
            end = getattr(link, end_name)
            if end.device is not None and end.device not in idx.devices:
                yield _ref(res, "links", link.id, (end_name, "device"), "device", end.device)


def _default_references(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    """The estate's defaults: credentials and log servers named in ``estate.yml``."""
    defaults = inv.estate.defaults
    estate_origin = Origin(res.root / "estate.yml", ("defaults",))
    for field in ("server_credential", "device_credential", "endpoint_credential"):
        value = getattr(defaults, field)
        if value is not None and value not in inv.estate.credentials:
            yield Finding(
                "unresolved-reference",
                estate_origin.child(field),
                {"kind": "credential", "ref": value},
            )
    for i, name in enumerate(defaults.log_servers):
        if name not in idx.servers:
            yield Finding(
                "unresolved-reference",
                estate_origin.child("log_servers", i),
                {"kind": "server", "ref": name},
            )


def rule_site_tree(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    for site in inv.sites:
        seen = {site.id}
        parent = site.parent
        while parent is not None and parent in idx.sites:
            if parent in seen:
                yield Finding(
                    "site-cycle", res.origin("sites", site.id, "parent"), {"site": site.id}
                )
                break
            seen.add(parent)
            parent = idx.sites[parent].parent


def rule_zone_site(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    """An object's zone belongs to its own site."""
    for kind, obj in targets_by_kind(inv):
        zone = idx.zones.get(obj.zone)
        if zone is not None and zone.site != obj.site:
            yield Finding(
                "zone-other-site",
                res.origin(kind, obj.name, "zone"),
                {"zone": zone.id, "zone_site": zone.site, "site": obj.site},
            )
    for lan in inv.lan:
        for i, vlan in enumerate(lan.vlans):
            zone = idx.zones.get(vlan.zone)
            if zone is not None and zone.site != lan.site:
                yield Finding(
                    "zone-other-site",
                    res.origin("lan", lan.site, "vlans", i, "zone"),
                    {"zone": zone.id, "zone_site": zone.site, "site": lan.site},
                )


def _addresses(inv: Inventory, res: LoadResult) -> Iterator[tuple[IPv4Address, Origin, str]]:
    for kind, obj in targets_by_kind(inv):
        yield obj.address, res.origin(kind, obj.name, "address"), obj.name
    for link in inv.links:
        for end_name in ("a", "z"):
            end = getattr(link, end_name)
            origin = res.origin("links", link.id, end_name, "address")
            yield end.address.ip, origin, f"{link.id}/{end_name}"
    for lan in inv.lan:
        for i, vlan in enumerate(lan.vlans):
            if vlan.gateway is not None:
                origin = res.origin("lan", lan.site, "vlans", i, "gateway")
                yield vlan.gateway, origin, f"{lan.site}/vlan{vlan.id}"


GATEWAY_ROLES = ("core", "distribution", "wan-router")
"""The roles that hold a site's VLAN interfaces, in order of preference (as the renderer)."""


def _sole_gateways(inv: Inventory) -> set[tuple[str, str, IPv4Address]]:
    """(site, zone, address) of each device that is its site's only gateway device: its address
    may be the gateway of its management VLAN itself (no VRRP), as the renderer supports."""
    by_site: dict[str, list[NetworkDevice]] = defaultdict(list)
    for device in inv.devices:
        by_site[device.site].append(device)
    sole = set()
    for site, devices in by_site.items():
        for role in GATEWAY_ROLES:
            holders = [d for d in devices if d.role == role]
            if holders:
                if len(holders) == 1:
                    sole.add((site, holders[0].zone, holders[0].address))
                break
    return sole


def rule_unique_addresses(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    owner: dict[IPv4Address, str] = {}
    sole = _sole_gateways(inv)
    held = {  # gateways that the site's only gateway device holds itself
        f"{lan.site}/vlan{vlan.id}"
        for lan in inv.lan
        for vlan in lan.vlans
        if vlan.gateway is not None and (lan.site, vlan.zone, vlan.gateway) in sole
    }
    for address, origin, name in _addresses(inv, res):
        if name in held:
            continue
        if address in owner:
            yield Finding(
                "duplicate-address", origin, {"address": str(address), "other": owner[address]}
            )
        else:
            owner[address] = name


def rule_address_in_zone(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    for kind, obj in targets_by_kind(inv):
        zone = idx.zones.get(obj.zone)
        if zone is not None and not any(obj.address in p for p in zone.prefixes):
            yield Finding(
                "address-outside-zone",
                res.origin(kind, obj.name, "address"),
                {"address": str(obj.address), "zone": zone.id, "prefixes": _nets(zone.prefixes)},
            )
    for lan in inv.lan:
        for i, vlan in enumerate(lan.vlans):
            zone = idx.zones.get(vlan.zone)
            if zone is not None and not any(vlan.prefix.subnet_of(p) for p in zone.prefixes):
                yield Finding(
                    "vlan-outside-zone",
                    res.origin("lan", lan.site, "vlans", i, "prefix"),
                    {"prefix": str(vlan.prefix), "zone": zone.id, "prefixes": _nets(zone.prefixes)},
                )
            if vlan.gateway is not None and vlan.gateway not in vlan.prefix:
                yield Finding(
                    "gateway-outside-prefix",
                    res.origin("lan", lan.site, "vlans", i, "gateway"),
                    {"gateway": str(vlan.gateway), "prefix": str(vlan.prefix)},
                )


def _nets(prefixes: Iterable[IPv4Network]) -> str:
    return ", ".join(str(p) for p in prefixes)


def rule_prefix_overlap(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    """Zone prefixes and link subnets overlap only when a zone is declared ``within`` another."""
    entries: list[tuple[IPv4Network, str, str, Origin]] = []
    for zone in inv.zones:
        for i, prefix in enumerate(zone.prefixes):
            entries.append((prefix, zone.id, "zone", res.origin("zones", zone.id, "prefixes", i)))
    for link in inv.links:
        network = link.a.address.network
        entries.append((network, link.id, "link", res.origin("links", link.id, "a", "address")))
    entries.sort(key=lambda e: (int(e[0].network_address), e[0].prefixlen))
    open_: list[tuple[IPv4Network, str, str, Origin]] = []
    for entry in entries:
        prefix = entry[0]
        open_ = [o for o in open_ if int(o[0].broadcast_address) >= int(prefix.network_address)]
        for other in open_:
            if not _nested_on_purpose(idx, entry[1], other[1], entry[2], other[2]):
                yield Finding(
                    "prefix-overlap",
                    entry[3],
                    {
                        "prefix": str(prefix),
                        "owner": entry[1],
                        "other": str(other[0]),
                        "other_owner": other[1],
                    },
                )
        open_.append(entry)


def _nested_on_purpose(idx: EstateIndex, inner: str, outer: str, ik: str, ok: str) -> bool:
    if ik != "zone" or ok != "zone":
        return False
    seen: set[str] = set()
    current = idx.zones.get(inner)
    while current is not None and current.within is not None and current.id not in seen:
        seen.add(current.id)
        if current.within == outer:
            return True
        current = idx.zones.get(current.within)
    return False


def rule_links(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    used: dict[tuple[str, str], str] = {}
    for link in inv.links:
        a, z = link.a.address, link.z.address
        if a.network != z.network or a.ip == z.ip:
            yield Finding(
                "link-subnet",
                res.origin("links", link.id, "z", "address"),
                {"link": link.id, "a": str(a), "z": str(z)},
            )
        if link.kind == "wan" and a.network.prefixlen not in (30, 31):
            yield Finding(
                "link-prefix-length",
                res.origin("links", link.id, "a", "address"),
                {"link": link.id, "length": a.network.prefixlen},
            )
        for end_name in ("a", "z"):
            end = getattr(link, end_name)
            ip = end.address.ip
            net = end.address.network
            if net.prefixlen == 30 and ip in (net.network_address, net.broadcast_address):
                yield Finding(
                    "link-subnet",
                    res.origin("links", link.id, end_name, "address"),
                    {"link": link.id, "a": str(a), "z": str(z)},
                )
            if end.device is None:
                continue
            key = (end.device, end.interface or "")
            if key in used:
                yield Finding(
                    "interface-reused",
                    res.origin("links", link.id, end_name, "interface"),
                    {"device": end.device, "interface": end.interface, "other": used[key]},
                )
            else:
                used[key] = link.id


ESTATE_ROUTED_LINKS = frozenset({"wan", "core-wan"})
"""Link kinds whose routing protocol is the estate's choice (``estate.routing``)."""


def rule_link_routing(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    choice = inv.estate.routing
    for link in inv.links:
        if link.kind in ESTATE_ROUTED_LINKS and link.routing.protocol != choice:
            yield Finding(
                "link-routing",
                res.origin("links", link.id, "routing", "protocol"),
                {"link": link.id, "protocol": link.routing.protocol, "choice": choice},
            )


def rule_vlans(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    for lan in inv.lan:
        seen: set[int] = set()
        for i, vlan in enumerate(lan.vlans):
            if vlan.id in seen:
                yield Finding(
                    "duplicate-vlan",
                    res.origin("lan", lan.site, "vlans", i, "id"),
                    {"vlan": vlan.id, "site": lan.site},
                )
            seen.add(vlan.id)


def rule_server_systems(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    for server in inv.servers:
        if not idx.systems_of.get(server.name):
            yield Finding(
                "server-without-system", res.origin("servers", server.name), {"server": server.name}
            )


def rule_device_systems(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    """A device that serves no system gets the level of the systems its site serves: a warning."""
    for device in inv.devices:
        if not idx.systems_of.get(device.name):
            yield Finding(
                "device-without-system",
                res.origin("devices", device.name),
                {"device": device.name, "level": idx.level_of(device.name) or "-"},
                severity="warning",
            )


def _occupied_sites(inv: Inventory) -> dict[str, tuple[str, str]]:
    """Sites that hold something, with the first thing found there (kind, name)."""
    occupied: dict[str, tuple[str, str]] = {}
    for kind, obj in targets_by_kind(inv):
        occupied.setdefault(obj.site, (kind, obj.name))
    for lan in inv.lan:
        occupied.setdefault(lan.site, ("lan", lan.site))
    return occupied


def rule_sites_reachable(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    """Every occupied live site is connected to a data centre over WAN links."""
    graph: dict[str, set[str]] = defaultdict(set)
    for link in inv.links:
        ends = [getattr(link, e).device for e in ("a", "z")]
        sites = [idx.devices[d].site for d in ends if d is not None and d in idx.devices]
        if len(sites) == 2:
            graph[sites[0]].add(sites[1])
            graph[sites[1]].add(sites[0])
    roots = [s.id for s in inv.sites if s.kind == "datacentre" and s.status == "active"]
    reached = set(roots)
    queue = deque(roots)
    while queue:
        for neighbour in graph[queue.popleft()]:
            if neighbour not in reached:
                reached.add(neighbour)
                queue.append(neighbour)
    for site_id in sorted(_occupied_sites(inv)):
        site = idx.sites.get(site_id)
        if site is None or site.status != "active" or site.kind in STRUCTURAL_SITE_KINDS:
            continue
        if site_id not in reached:
            yield Finding("site-unreachable", res.origin("sites", site_id), {"site": site_id})


def rule_retired_sites(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    for site_id, (kind, name) in sorted(_occupied_sites(inv).items()):
        site = idx.sites.get(site_id)
        if site is not None and site.status == "retired":
            yield Finding(
                "retired-site-in-use",
                res.origin(kind, name, "site"),
                {"site": site_id, "replaced_by": site.replaced_by or "-"},
                severity="warning",
            )


def rule_levels(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    """A system's level is at least what its type and size require under each regime."""
    for system in inv.systems:
        for regime in inv.estate.regimes:
            minimum = minimum_level(system, regime)
            if system.level.level < minimum.level:
                yield Finding(
                    "level-too-low",
                    res.origin("systems", system.id, "level", "level"),
                    {
                        "system": system.id,
                        "level": system.level.level,
                        "minimum": minimum.level,
                        "decree": minimum.decree,
                        "article": minimum.article,
                    },
                )


def service_problem(service: str) -> str | None:
    """Why a flow's service cannot be rendered (None: it can): an unknown name, or a
    ``tcp/PORT`` / ``udp/FIRST-LAST`` whose ports are not 1-65535 in order."""
    if service in FIREWALL_SERVICES:
        return None
    protocol, slash, ports = service.partition("/")
    if not slash or protocol not in ("tcp", "udp"):
        return "unknown"
    first, _, last = ports.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        return "port"
    low, high = int(first), int(last or first)
    if not 1 <= low <= high <= 65535:
        return "port"
    return None


def _firewall_service_findings(
    res: LoadResult, site: str, path: tuple[str | int, ...], given: tuple[str, ...]
) -> Iterator[Finding]:
    names = ", ".join(sorted(FIREWALL_SERVICES))
    for k, service in enumerate(given):
        if service_problem(service) is not None:
            yield Finding(
                "firewall-service",
                res.origin("firewall_policies", site, *path, "services", k),
                {"service": service, "names": names},
            )


def _firewall_flow_findings(
    idx: EstateIndex, res: LoadResult, site: str, zones: list[str], i: int, flow: FirewallFlow
) -> Iterator[Finding]:
    known = set(zones) | set(FIREWALL_OUTSIDE)
    for end in ("source", "destination"):
        value = getattr(flow, end)
        if value not in known:
            yield Finding(
                "firewall-zone",
                res.origin("firewall_policies", site, "flows", i, end),
                {
                    "zone": value,
                    "site": site,
                    "known": ", ".join([*sorted(zones), *FIREWALL_OUTSIDE]),
                },
            )
    yield from _firewall_service_findings(res, site, ("flows", i), flow.services)
    for k, name in enumerate(flow.servers):
        server = idx.servers.get(name)
        if server is None:
            yield _ref(res, "firewall_policies", site, ("flows", i, "servers", k), "server", name)
        elif server.zone != flow.destination:
            yield Finding(
                "firewall-server",
                res.origin("firewall_policies", site, "flows", i, "servers", k),
                {"server": name, "zone": server.zone, "destination": flow.destination},
            )


def _firewall_published_findings(
    idx: EstateIndex, res: LoadResult, site: str, i: int, published: PublishedService
) -> Iterator[Finding]:
    yield from _firewall_service_findings(res, site, ("published", i), published.services)
    server = idx.servers.get(published.server)
    if server is None:
        yield _ref(
            res, "firewall_policies", site, ("published", i, "server"), "server", published.server
        )
        return
    home = idx.zones.get(server.zone)
    if server.site != site or home is None or home.kind != "dmz":
        yield Finding(
            "firewall-publish",
            res.origin("firewall_policies", site, "published", i, "server"),
            {"server": published.server, "zone": server.zone, "site": site},
        )


def rule_firewall_policies(inv: Inventory, idx: EstateIndex, res: LoadResult) -> Iterator[Finding]:
    """A site's firewall policy names its own zones (or ``wan`` / ``internet``), services
    capdo can render, servers of the destination zone, and publishes DMZ servers only."""
    zones_of: dict[str, list[str]] = defaultdict(list)
    for zone in inv.zones:
        zones_of[zone.site].append(zone.id)
    for policy in inv.firewall_policies:
        site = policy.site
        if site not in idx.sites:
            yield _ref(res, "firewall_policies", site, ("site",), "site", site)
            continue
        for i, flow in enumerate(policy.flows):
            yield from _firewall_flow_findings(idx, res, site, zones_of[site], i, flow)
        for i, published in enumerate(policy.published):
            yield from _firewall_published_findings(idx, res, site, i, published)


RULES: tuple[Rule, ...] = (
    rule_references,
    rule_site_tree,
    rule_zone_site,
    rule_unique_addresses,
    rule_address_in_zone,
    rule_prefix_overlap,
    rule_links,
    rule_link_routing,
    rule_vlans,
    rule_server_systems,
    rule_device_systems,
    rule_sites_reachable,
    rule_retired_sites,
    rule_levels,
    rule_firewall_policies,
)


def validate(result: LoadResult) -> LoadResult:
    """Run every cross-reference rule; the findings are added to the result and placed."""
    if result.inventory is None:
        return result
    index = EstateIndex(result.inventory)
    found = [f for rule in RULES for f in rule(result.inventory, index, result)]
    result.findings = sort_findings(result.findings + [result.sources.place(f) for f in found])
    return result


def load_estate(root: Path) -> LoadResult:
    """Load, schema-check and cross-check an estate directory. Never raises on bad input."""
    with paused_gc():
        return validate(load_directory(root))
