"""Narrow management allow-lists (issue 15 item 6): every kind of target admits management
from the data centres' management zones and its own site's, never from every site.

One function decides (``capdo.inventory.management``); the server firewall variable, the
endpoint web-UI allow-list and the device management ACL are all read from it."""

from __future__ import annotations

import json
from ipaddress import IPv4Address, IPv4Network, ip_network
from pathlib import Path

import pytest

from capdo.endpoints.intended import Planner
from capdo.exports.ansible import build_view
from capdo.inventory.index import EstateIndex
from capdo.inventory.loader import load_directory
from capdo.inventory.model import Inventory
from capdo.network.estate import load_network_estate
from capdo.network.model import device_view

REPO = Path(__file__).resolve().parents[2]
PHUTHO = REPO / "inventories" / "phutho"


@pytest.fixture(scope="module")
def phutho() -> Inventory:
    result = load_directory(PHUTHO)
    assert result.inventory is not None
    return result.inventory


def _admits(prefixes: list[str] | tuple[str, ...], address: str) -> bool:
    return any(IPv4Address(address) in ip_network(p) for p in prefixes)


def _mgmt(inventory: Inventory, site: str) -> IPv4Network:
    return next(z.prefixes[0] for z in inventory.zones if z.site == site and z.kind == "management")


def test_dc_server_admits_the_dc_management_zone_not_a_commune(phutho: Inventory) -> None:
    hostvars = build_view(phutho, PHUTHO).hostvars
    allowed = hostvars["log01"]["capdo_management_prefixes"]
    commune = next(s.id for s in phutho.sites if s.kind == "commune")
    commune_host = str(next(iter(_mgmt(phutho, commune).hosts())))
    assert _admits(allowed, "10.0.0.50")  # a bastion in pdc-mgmt
    assert not _admits(allowed, commune_host)
    assert "capdo_management_prefixes" not in build_view(phutho, PHUTHO).groupvars["all"]
    # two data centres: their management zones, nothing else (109 before)
    assert allowed == ["10.0.0.0/24", "10.1.0.0/24"]


def test_a_site_target_also_admits_its_own_site(phutho: Inventory) -> None:
    index = EstateIndex(phutho)
    commune = next(s.id for s in phutho.sites if s.kind == "commune")
    other = [s.id for s in phutho.sites if s.kind == "commune"][1]
    own = index.management.for_site(commune)
    assert _mgmt(phutho, commune) in own
    assert _mgmt(phutho, other) not in own
    assert set(index.management.central) <= set(own)


def test_endpoints_and_devices_use_the_same_lists(phutho: Inventory) -> None:
    index = EstateIndex(phutho)
    planner = Planner(phutho, PHUTHO)
    estate = load_network_estate(PHUTHO)
    for endpoint in phutho.endpoints[::25]:
        wanted = [str(p) for p in index.management.for_site(endpoint.site)]
        assert list(planner.plan(endpoint).config.mgmt_allow) == wanted
    for device in phutho.devices[::20]:
        acl = [p.cidr for p in device_view(estate.context, device).security.management_acl]
        assert acl == [str(p) for p in index.management.for_site(device.site)]
    endpoint = next(e for e in phutho.endpoints if e.site.startswith("xa-"))
    allow = planner.plan(endpoint).config.mgmt_allow
    foreign = next(s.id for s in phutho.sites if s.kind == "commune" and s.id != endpoint.site)
    assert not _admits(allow, str(next(iter(_mgmt(phutho, foreign).hosts()))))
    assert _admits(allow, "10.0.0.50")


def test_an_estate_without_a_data_centre_falls_back_to_every_management_zone(
    phutho: Inventory,
) -> None:
    """Never an empty list (which would close SSH to everybody): without a data centre the
    estate's management zones are the sources."""
    sites = tuple(
        s.model_copy(update={"kind": "office"}) if s.kind in ("datacentre", "dr-site") else s
        for s in phutho.sites
    )
    index = EstateIndex(phutho.model_copy(update={"sites": sites}))
    assert len(index.management.central) == sum(1 for z in phutho.zones if z.kind == "management")


def test_ansible_sees_the_narrow_lists() -> None:
    """The real consumer: ``ansible-inventory --host`` through the estate's inventory plugin."""
    from tests.inventory.test_exports import _plain, ansible_inventory

    run = ansible_inventory(PHUTHO, "--host", "log01")
    assert run.returncode == 0, run.stderr
    allowed = _plain(json.loads(run.stdout))["capdo_management_prefixes"]  # type: ignore[index]
    assert allowed == ["10.0.0.0/24", "10.1.0.0/24"]
    run = ansible_inventory(PHUTHO, "--host", "xa-lam-thao-rtr-01")
    assert run.returncode == 0, run.stderr
    allowed = _plain(json.loads(run.stdout))["capdo_management_prefixes"]  # type: ignore[index]
    assert len(allowed) == 3
    assert allowed[:2] == ["10.0.0.0/24", "10.1.0.0/24"]
    assert not _admits(allowed, "10.2.0.1")  # vp-ubnd's management zone (another site)
