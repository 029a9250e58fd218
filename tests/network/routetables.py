"""The routing tables the rendered intent gives every device, and a packet walk over them.

Built from ``device_view`` (what the templates write): connected networks (interfaces, the
firewall's zone legs), static routes per VRF, and OSPF: adjacencies are the links whose two
ends both run OSPF, a router learns every prefix announced in its OSPF domain (its networks
and, when it redistributes, its static routes) by the shortest path, minus what its import
filter refuses. A lookup takes the longest match, then the lowest distance, as routers do."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from capdo.network.estate import NetworkEstate
from capdo.network.model import device_view
from capdo.network.view import DeviceView

Table = tuple[str, str | None]
"""(device, VRF); ``None``: the global table."""
CONNECTED, STATIC, OSPF = 0, 1, 110


@dataclass(frozen=True)
class Route:
    prefix: IPv4Network
    distance: int
    next_hop: IPv4Address | None
    """``None``: connected."""


@dataclass
class RouteTables:
    estate: NetworkEstate
    views: dict[str, DeviceView] = field(init=False)

    def __post_init__(self) -> None:
        ctx = self.estate.context
        self.views = {d.name: device_view(ctx, d) for d in self.estate.inventory.devices}

    @cached_property
    def _static(self) -> tuple[dict[Table, list[Route]], dict[IPv4Address, Table]]:
        tables: dict[Table, list[Route]] = defaultdict(list)
        owner: dict[IPv4Address, Table] = {}
        for name in sorted(self.views):
            view = self.views[name]
            for i in view.interfaces:
                address = IPv4Interface(f"{i.address.ip}/{i.address.prefixlen}")
                tables[name, i.vrf].append(Route(address.network, CONNECTED, None))
                owner.setdefault(address.ip, (name, i.vrf))
                if i.vrrp is not None:
                    owner.setdefault(IPv4Address(i.vrrp.ip), (name, i.vrf))
            for row in view.firewall.zones if view.firewall is not None else ():
                if row.vlan:
                    leg = IPv4Interface(f"{row.ip}/{row.prefixlen}")
                    tables[name, None].append(Route(leg.network, CONNECTED, None))
                    owner.setdefault(leg.ip, (name, None))
            for r in view.static_routes:
                tables[name, r.vrf].append(
                    Route(IPv4Network(r.cidr), r.distance or STATIC, IPv4Address(r.next_hop))
                )
        return tables, owner

    @cached_property
    def _ospf_graph(self) -> dict[str, list[tuple[str, int, IPv4Address]]]:
        """Router → (neighbour, cost, the neighbour's address on the shared link)."""
        graph: dict[str, list[tuple[str, int, IPv4Address]]] = defaultdict(list)
        for link in self.estate.inventory.links:
            a, z = link.a.device, link.z.device
            if link.routing.protocol != "ospf" or a is None or z is None:
                continue
            if self.views[a].ospf is None or self.views[z].ospf is None:
                continue
            cost = link.routing.cost or (100 if link.role == "backup" else 1)
            graph[a].append((z, cost, link.z.address.ip))
            graph[z].append((a, cost, link.a.address.ip))
        return graph

    def _announced(self, router: str) -> list[IPv4Network]:
        view = self.views[router]
        assert view.ospf is not None
        found = [IPv4Network(n.cidr) for area in view.ospf.areas for n in area.networks]
        if view.ospf.redistribute_static:
            found.extend(IPv4Network(r.cidr) for r in view.static_routes if r.vrf is None)
        return found

    def _ospf_routes(self, router: str) -> list[Route]:
        view = self.views[router]
        if view.ospf is None:
            return []
        first_hop: dict[str, IPv4Address] = {}
        best = {router: 0}
        queue: list[tuple[int, str, IPv4Address | None]] = [(0, router, None)]
        while queue:
            cost, node, hop = heapq.heappop(queue)
            if cost > best.get(node, cost) or node in first_hop:
                continue
            if hop is not None:
                first_hop[node] = hop
            for peer, step, address in self._ospf_graph[node]:
                if peer != router and cost + step < best.get(peer, 1 << 30):
                    best[peer] = cost + step
                    heapq.heappush(queue, (cost + step, peer, hop or address))
        allowed = {IPv4Network(p.cidr) for p in view.ospf.import_prefixes}
        routes = []
        for node, hop in first_hop.items():
            for prefix in self._announced(node):
                if not allowed or prefix in allowed:
                    routes.append(Route(prefix, OSPF, hop))
        return routes

    @cached_property
    def _learned(self) -> dict[str, list[Route]]:
        return {}

    def routes(self, table: Table) -> list[Route]:
        tables, _owner = self._static
        device, vrf = table
        found = list(tables.get(table, []))
        if vrf is None:
            if device not in self._learned:
                self._learned[device] = self._ospf_routes(device)
            found.extend(self._learned[device])
        return found

    def lookup(self, table: Table, destination: IPv4Address) -> Route | None:
        matches = [r for r in self.routes(table) if destination in r.prefix]
        if not matches:
            return None
        return min(matches, key=lambda r: (-r.prefix.prefixlen, r.distance))

    def walk(self, start: Table, destination: IPv4Address) -> list[str] | None:
        """The devices a packet crosses to ``destination`` (delivered on a connected network),
        or ``None`` when some device on the way has no route (or the path loops)."""
        _tables, owner = self._static
        path = [start[0]]
        table = start
        for _ in range(32):
            route = self.lookup(table, destination)
            if route is None:
                return None
            if route.next_hop is None:
                return path
            if route.next_hop not in owner:
                return None
            table = owner[route.next_hop]
            path.append(table[0])
        return None

    def gateway_table(self, address: IPv4Address) -> Table:
        """Where a host sends its traffic: the owner of its VLAN's gateway address."""
        ctx = self.estate.context
        for lan in self.estate.inventory.lan:
            for vlan in lan.vlans:
                if address in vlan.prefix and vlan.gateway is not None:
                    return self._static[1][vlan.gateway]
        raise AssertionError(f"{address} is in no VLAN of {ctx.inventory.estate.id}")
