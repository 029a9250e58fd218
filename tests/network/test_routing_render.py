"""The routing design written in every platform's syntax (issue 15 item 2): VRFs and their
default routes to the firewall on a data-centre core, the import filter of a site router, the
redistribution of the firewall routes on a data-centre WAN router, and the firewall's routes,
for Cisco IOS, Huawei VRP, FortiOS and Huawei USG, and the static choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from capdo.network.estate import NetworkEstate, load_network_estate
from capdo.network.model import device_view
from capdo.network.platforms import platform_info
from capdo.network.render import Renderer
from capdo.network.view import DeviceView

from .test_reachability import _rebuilt, with_routing

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def phutho() -> NetworkEstate:
    return load_network_estate(REPO / "inventories" / "phutho")


def _as(estate: NetworkEstate, platforms: dict[str, str]) -> NetworkEstate:
    devices = tuple(
        d.model_copy(update={"platform": platforms[d.name]}) if d.name in platforms else d
        for d in estate.inventory.devices
    )
    return _rebuilt(estate, estate.inventory.model_copy(update={"devices": devices}))


def _view(estate: NetworkEstate, name: str) -> DeviceView:
    return device_view(estate.context, estate.context.index.devices[name])


def _render(estate: NetworkEstate, name: str) -> str:
    device = estate.context.index.devices[name]
    text = Renderer(estate.templates_dir).render(estate.context, device)
    info = platform_info(estate.templates_dir, device.platform)
    assert info is not None
    info.read(text)  # the platform's reader takes what the template wrote
    return text


def test_cisco_core_puts_zones_in_vrfs_routed_to_the_firewall(phutho: NetworkEstate) -> None:
    text = _render(phutho, "pdc-core-01")
    assert "vrf definition database\n address-family ipv4\n exit-address-family\n" in text
    assert " vrf forwarding database\n ip address 10.0.20.252 255.255.255.0\n" in text
    assert "ip route vrf database 0.0.0.0 0.0.0.0 10.0.20.253 " in text
    # the management zone reaches the zones through the firewall's management address
    assert "ip route 10.0.20.0 255.255.255.0 10.0.0.12 " in text
    # the firewall's leg (.253) is not the core's own address any more
    assert "ip address 10.0.20.253 " not in text
    # the management zone stays global and is the only zone announced
    assert " network 10.0.0.0 0.0.0.255 area 0.0.0.0" in text
    assert " network 10.0.20.0" not in text
    assert " network 10.0.40.0" not in text


def test_huawei_core_and_usg_firewall(phutho: NetworkEstate) -> None:
    estate = _as(phutho, {"pdc-core-01": "huawei_vrp", "pdc-fw-01": "huawei_usg"})
    core = _render(estate, "pdc-core-01")
    assert "ip vpn-instance security\n ipv4-family\n  route-distinguisher 65000:" in core
    assert " ip binding vpn-instance security\n ip address 10.0.40.252 255.255.255.0\n" in core
    assert "ip route-static vpn-instance security 0.0.0.0 0 10.0.40.253 " in core
    firewall = _render(estate, "pdc-fw-01")
    assert "ip route-static 10.0.0.0 " not in firewall  # management: its own leg
    assert "ip route-static 10.2.0.0 20 10.0.255.10 " in firewall  # the sites via the WAN
    # the sites arrive on the link from the WAN router
    wan = next(i.name for i in _view(estate, "pdc-fw-01").interfaces if i.kind == "firewall-wan")
    assert f"firewall zone name wan\n set priority 10\n add interface {wan}\n" in firewall


def test_fortigate_routes_and_link_ports(phutho: NetworkEstate) -> None:
    text = _render(phutho, "pdc-fw-01")
    assert '    edit "port5"\n        set ip 10.0.255.9 255.255.255.252\n' in text
    assert "config router static\n" in text
    assert '        set gateway 10.0.255.10\n        set device "port5"\n' in text
    assert '    edit "wan"\n        set interface "port5"\n' in text


@pytest.mark.parametrize(
    ("router", "platform", "lines"),
    [
        (
            "xa-lam-thao-rtr-01",
            "huawei_vrp",
            [
                "ip ip-prefix CAPDO-CENTRAL index 10 permit 10.0.0.0 24",
                " filter-policy ip-prefix CAPDO-CENTRAL import",
            ],
        ),
        (
            "xa-lam-thao-rtr-01",
            "cisco_ios",
            [
                "ip prefix-list CAPDO-CENTRAL seq 5 permit 10.0.0.0/24",
                " distribute-list prefix CAPDO-CENTRAL in",
            ],
        ),
    ],
)
def test_site_router_installs_only_the_central_zones(
    phutho: NetworkEstate, router: str, platform: str, lines: list[str]
) -> None:
    estate = _as(phutho, {router: platform})
    device = estate.context.index.devices[router]
    text = Renderer(estate.templates_dir).render(estate.context, device)
    for line in lines:
        assert line + "\n" in text
    # nothing of the database zone, nor another site, is let in
    assert "10.0.20.0" not in text


def test_wan_router_announces_the_zones_behind_the_firewall(phutho: NetworkEstate) -> None:
    text = _render(phutho, "pdc-wan-01")
    assert " import-route static\n" in text
    assert "ip route-static 10.0.40.0 24 10.0.255.9 " in text
    assert "ip route-static 10.0.20.0 " not in text  # databases stay behind
    ios = _render(_as(phutho, {"pdc-wan-01": "cisco_ios"}), "pdc-wan-01")
    assert " redistribute static subnets\n" in ios


def test_static_choice_routes_each_needed_zone(phutho: NetworkEstate) -> None:
    estate = with_routing(phutho, "static")
    site = _render(estate, "xa-lam-thao-rtr-01")
    assert "ospf" not in site
    assert "ip route-static 10.0.40.0 24 " in site
    assert "ip route-static 10.0.20.0 " not in site
    department = _render(estate, "so-y-te-rtr-01")
    assert (
        "10.4.0.61 250 name so-y-te-backup-backup\n" in department
    )  # the backup link, higher distance
    hub = _render(estate, "pdc-wan-01")
    assert "import-route static" not in hub
    assert "ip route-static 10.0.0.0 24 10.0.255.1 " in hub  # management via the core
