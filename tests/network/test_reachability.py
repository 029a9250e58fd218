"""Routing from the model (issue 15 item 2), walked over the rendered routing tables.

For both routing choices of an estate (``estate.routing``: OSPF and static), on Phú Thọ and the
lab estate: every site reaches the central log hosts, the MCUs and the services, and the way
back; no site reaches another site, a database or a backup zone; and in a data centre with a
firewall, traffic from any zone to any other zone crosses the firewall. The walk is in
``routetables.py`` (what the templates write, read back as routers would)."""

from __future__ import annotations

from functools import cache
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest

from capdo.inventory.model import Inventory
from capdo.network.estate import NetworkEstate, load_network_estate
from capdo.network.model import NetworkContext
from capdo.network.routing import RoutingPlan

from .routetables import RouteTables

REPO = Path(__file__).resolve().parents[2]
CHOICES = ["ospf", "static"]


def with_routing(estate: NetworkEstate, choice: str) -> NetworkEstate:
    """The same estate with the other routing choice (as ``capdo estate new`` writes it)."""
    inv = estate.inventory
    if inv.estate.routing == choice:
        return estate
    links = tuple(
        link.model_copy(
            update={"routing": link.routing.model_copy(update={"protocol": choice, "area": None})}
        )
        if link.kind in ("wan", "core-wan")
        else link
        for link in inv.links
    )
    changed = inv.model_copy(
        update={"estate": inv.estate.model_copy(update={"routing": choice}), "links": links}
    )
    return _rebuilt(estate, changed)


def _rebuilt(estate: NetworkEstate, inventory: Inventory) -> NetworkEstate:
    return NetworkEstate(
        estate.root,
        inventory,
        NetworkContext(inventory, estate.context.catalogue_dir),
        estate.templates_dir,
    )


@cache
def _estate(name: str) -> NetworkEstate:
    return load_network_estate(REPO / "inventories" / name)


@cache
def tables(name: str, choice: str) -> RouteTables:
    return RouteTables(with_routing(_estate(name), choice))


def sites(t: RouteTables) -> list[str]:
    """The sites outside the data centres that have a router."""
    plan = t.estate.context.routing
    return sorted(
        {
            d.site
            for d in t.estate.inventory.devices
            if d.role == "wan-router" and d.site not in plan.central_sites
        }
    )


def site_router(t: RouteTables, site: str) -> tuple[str, None]:
    return t.estate.context.gateways_of_site[site][0], None


def site_host(t: RouteTables, site: str) -> IPv4Address:
    """An address in the site's last VLAN (its users), not a router's."""
    vlan = t.estate.context.vlans_of_site[site][-1]
    return vlan.prefix.network_address + 5


@pytest.mark.parametrize("choice", CHOICES)
@pytest.mark.parametrize("estate_name", ["phutho", "lab"])
def test_every_site_reaches_the_log_host_and_back(estate_name: str, choice: str) -> None:
    t = tables(estate_name, choice)
    assert t.estate.inventory.estate.routing == choice
    logs = [IPv4Address(h) for h in t.estate.context.log_hosts]
    assert logs
    assert sites(t)
    for site in sites(t):
        for log in logs:
            assert t.walk(site_router(t, site), log), (site, str(log))
            back = t.walk(t.gateway_table(log), site_host(t, site))
            assert back, (str(log), site)


@pytest.mark.parametrize("choice", CHOICES)
@pytest.mark.parametrize("estate_name", ["phutho", "lab"])
def test_sites_reach_mcu_and_services_not_databases_nor_backups(
    estate_name: str, choice: str
) -> None:
    t = tables(estate_name, choice)
    zones = t.estate.context.index.zones
    central = t.estate.context.routing.central_sites
    servers = [s for s in t.estate.inventory.servers if zones[s.zone].site in central]
    needed = [s for s in servers if {"mcu", "web", "app", "logserver"} & set(s.roles)]
    hidden = [s for s in servers if zones[s.zone].kind in ("database", "backup")]
    assert needed
    assert hidden or estate_name == "lab"  # the lab has no database or backup zone
    for site in sites(t):
        start = site_router(t, site)
        unreached = [s.name for s in needed if not t.walk(start, s.address)]
        assert not unreached, (site, unreached)
        reached = [s.name for s in hidden if t.walk(start, s.address)]
        assert not reached, (site, reached)


@pytest.mark.parametrize("choice", CHOICES)
def test_no_site_reaches_another_site(choice: str) -> None:
    t = tables("phutho", choice)
    names = sites(t)
    assert len(names) > 100
    for n, site in enumerate(names):
        other = names[(n + 1) % len(names)]
        far = names[(n + len(names) // 2) % len(names)]
        for target in (other, far):
            assert t.walk(site_router(t, site), site_host(t, target)) is None, (site, target)
            mgmt = t.estate.context.vlans_of_site[target][0].gateway
            assert mgmt is not None
            assert t.walk(site_router(t, site), mgmt) is None, (site, target)


@pytest.mark.parametrize("choice", CHOICES)
def test_sites_hold_no_route_but_the_needed_central_zones(choice: str) -> None:
    """What a site router holds is its own networks and the data-centre zones it needs."""
    t = tables("phutho", choice)
    plan = t.estate.context.routing
    for site in sites(t)[::7]:
        router, _ = site_router(t, site)
        own = [IPv4Network(i.address.cidr) for i in t.views[router].interfaces]
        allowed = set(plan.needed_by(site)) | set(own)
        foreign = {str(r.prefix) for r in t.routes((router, None)) if r.prefix not in allowed}
        assert not foreign, (site, sorted(foreign)[:5])


@pytest.mark.parametrize("choice", CHOICES)
def test_data_centre_zones_talk_only_through_the_firewall(choice: str) -> None:
    t = tables("phutho", choice)
    lan = {s: t.estate.context.vlans_of_site[s] for s in ("pdc", "drc")}
    for site, vlans in lan.items():
        firewalls = {
            d.name for d in t.estate.inventory.devices if d.site == site and d.role == "firewall"
        }
        assert firewalls
        for src in vlans:
            assert src.gateway is not None
            start = t.gateway_table(src.gateway)
            for dst in vlans:
                if dst is src:
                    continue
                host = dst.prefix.network_address + 5
                path = t.walk(start, host)
                assert path, (src.zone, dst.zone)
                assert firewalls & set(path), (src.zone, dst.zone, path)


@pytest.mark.parametrize("choice", CHOICES)
def test_the_sites_reach_the_services_through_the_firewall(choice: str) -> None:
    t = tables("phutho", choice)
    log = IPv4Address(t.estate.context.log_hosts[0])
    for site in sites(t)[::11]:
        path = t.walk(site_router(t, site), log)
        assert path
        assert any(name.startswith("pdc-fw-") for name in path), path


# -- the same walks fail on intents broken on purpose -------------------------------------


def test_without_the_import_filter_sites_reach_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RoutingPlan, "import_filter", lambda self, device: ())
    t = RouteTables(with_routing(_estate("phutho"), "ospf"))
    names = sites(t)
    assert t.walk(site_router(t, names[0]), site_host(t, names[1]))


def test_without_vrfs_zone_traffic_bypasses_the_firewall(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RoutingPlan, "vrf_of", lambda self, device, vlan: None)
    t = RouteTables(_estate("phutho"))
    vlans = {v.name: v for v in t.estate.context.vlans_of_site["pdc"]}
    server, database = vlans["server"], vlans["database"]
    assert server.gateway is not None
    path = t.walk(t.gateway_table(server.gateway), database.prefix.network_address + 5)
    assert path
    assert not any(name.startswith("pdc-fw-") for name in path)


@pytest.mark.parametrize("choice", CHOICES)
def test_without_the_firewall_links_the_log_host_is_unreachable(choice: str) -> None:
    estate = with_routing(_estate("phutho"), choice)
    links = tuple(k for k in estate.inventory.links if k.kind != "firewall-wan")
    broken = RouteTables(_rebuilt(estate, estate.inventory.model_copy(update={"links": links})))
    log = IPv4Address(broken.estate.context.log_hosts[0])
    assert not any(broken.walk(site_router(broken, s), log) for s in sites(broken)[::5])


# -- the generated example provinces (lamson routes statically, the others with OSPF) ---------


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RouteTables]:
    from typer.testing import CliRunner

    from capdo.cli import app

    base = tmp_path_factory.mktemp("examples")
    found = {}
    for name in ("lamson", "songda", "bienbac"):
        description = REPO / "inventories" / "examples" / f"{name}.description.yml"
        result = CliRunner().invoke(
            app, ["estate", "new", str(description), "--out", str(base / name)]
        )
        assert result.exit_code == 0, result.output
        found[name] = RouteTables(load_network_estate(base / name))
    return found


@pytest.mark.parametrize("name", ["lamson", "songda", "bienbac"])
def test_generated_provinces_route_as_designed(name: str, examples: dict[str, RouteTables]) -> None:
    t = examples[name]
    assert t.estate.inventory.estate.routing == ("static" if name == "lamson" else "ospf")
    names = sites(t)
    logs = [IPv4Address(h) for h in t.estate.context.log_hosts]
    assert len(names) > 2
    assert logs
    for n, site in enumerate(names):
        for log in logs:
            assert t.walk(site_router(t, site), log), (site, str(log))
            assert t.walk(t.gateway_table(log), site_host(t, site)), (str(log), site)
        other = names[(n + 1) % len(names)]
        assert t.walk(site_router(t, site), site_host(t, other)) is None, (site, other)
    plan = t.estate.context.routing
    for site in plan.firewalls:
        vlans = t.estate.context.vlans_of_site[site]
        for src in vlans:
            assert src.gateway is not None
            for dst in vlans:
                if dst is not src:
                    path = t.walk(t.gateway_table(src.gateway), dst.prefix.network_address + 5)
                    assert path, (src.zone, dst.zone)
                    assert plan.firewalls[site].name in path or any(
                        d.role == "firewall" and d.name in path for d in t.estate.inventory.devices
                    ), (src.zone, dst.zone, path)
