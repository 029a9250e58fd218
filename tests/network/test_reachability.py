"""Routing from the model: every site reaches the central log host (and the MCUs and the
services), and nothing the data centre keeps to itself (databases, backups).

The walk is over the rendered intent (``device_view``): OSPF adjacencies are the links whose
two ends both run OSPF in the same area, and a router learns every prefix announced in its
OSPF domain. A site reaches a host when one of its routers learns a prefix holding it."""

from __future__ import annotations

from collections import defaultdict
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest

from capdo.network.estate import NetworkEstate, load_network_estate
from capdo.network.model import device_view

REPO = Path(__file__).resolve().parents[2]


def _domains(estate: NetworkEstate) -> tuple[dict[str, int], dict[int, list[IPv4Network]]]:
    """OSPF domain of every OSPF router, and the prefixes announced in each domain."""
    ctx = estate.context
    views = {d.name: device_view(ctx, d) for d in estate.inventory.devices}
    announced = {
        name: [IPv4Network(n.cidr) for area in view.ospf.areas for n in area.networks]
        for name, view in views.items()
        if view.ospf
    }
    neighbours: dict[str, set[str]] = defaultdict(set)
    for link in estate.inventory.links:
        a, z = link.a.device, link.z.device
        if link.routing.protocol == "ospf" and a in announced and z in announced:
            neighbours[a].add(z)
            neighbours[z].add(a)
    domain: dict[str, int] = {}
    for number, start in enumerate(announced):
        stack = [start] if start not in domain else []
        while stack:
            router = stack.pop()
            if router not in domain:
                domain[router] = number
                stack.extend(neighbours[router] - domain.keys())
    prefixes: dict[int, list[IPv4Network]] = defaultdict(list)
    for router, number in domain.items():
        prefixes[number].extend(announced[router])
    return domain, prefixes


def _reaches(
    estate: NetworkEstate,
    site: str,
    host: IPv4Address,
    domain: dict[str, int],
    prefixes: dict[int, list[IPv4Network]],
) -> bool:
    routers = [d.name for d in estate.inventory.devices if d.site == site and d.name in domain]
    return any(any(host in p for p in prefixes[domain[r]]) for r in routers)


@pytest.mark.parametrize("estate_name", ["phutho", "lab"])
def test_every_site_reaches_the_log_host(estate_name: str) -> None:
    estate = load_network_estate(REPO / "inventories" / estate_name)
    domain, prefixes = _domains(estate)
    logs = [IPv4Address(h) for h in estate.context.log_hosts]
    assert logs
    sites = sorted({d.site for d in estate.inventory.devices if d.role == "wan-router"})
    assert sites
    unreached = [
        s for s in sites if not all(_reaches(estate, s, h, domain, prefixes) for h in logs)
    ]
    assert not unreached, unreached


def test_sites_reach_mcu_and_services_but_not_databases() -> None:
    estate = load_network_estate(REPO / "inventories" / "phutho")
    domain, prefixes = _domains(estate)
    servers = {s.name: s for s in estate.inventory.servers}
    zones = estate.context.index.zones
    sites = sorted({d.site for d in estate.inventory.devices if d.role == "wan-router"})
    needed = [s for s in servers.values() if {"mcu", "web", "app", "logserver"} & set(s.roles)]
    hidden = [s for s in servers.values() if zones[s.zone].kind in ("database", "backup")]
    assert needed
    assert hidden
    for site in sites:
        for server in needed:
            if zones[server.zone].site == "pdc":
                assert _reaches(estate, site, server.address, domain, prefixes), (site, server.name)
        for server in hidden:
            if zones[server.zone].site == "pdc":
                assert not _reaches(estate, site, server.address, domain, prefixes), (
                    site,
                    server.name,
                )


def test_without_the_core_link_the_log_host_is_unreachable() -> None:
    """The test can fail: drop the data-centre links and the sites lose the log host."""
    estate = load_network_estate(REPO / "inventories" / "phutho")
    links = tuple(k for k in estate.inventory.links if k.kind != "core-wan")
    changed = estate.inventory.model_copy(update={"links": links})
    from capdo.network.model import NetworkContext

    broken = NetworkEstate(
        estate.root,
        changed,
        NetworkContext(changed, estate.context.catalogue_dir),
        estate.templates_dir,
    )
    domain, prefixes = _domains(broken)
    log = IPv4Address(broken.context.log_hosts[0])
    sites = sorted({d.site for d in changed.devices if d.role == "wan-router" and d.site != "pdc"})
    assert not any(_reaches(broken, s, log, domain, prefixes) for s in sites)
