"""The configuration against the estate's plan: VLANs and addressing, redundant uplinks."""

from __future__ import annotations

from capdo.checks.contract import not_applicable, param, require, requirement
from capdo.network.audit import AuditTarget
from capdo.network.fortios import zone_interfaces_missing as fortios_zones_missing


@requirement("ARC.01")
def test_vlan_plan_and_addressing_match(device: AuditTarget) -> None:
    missing: list[str] = []
    if device.platform == "fortinet":
        missing = fortios_zones_missing(device)
        require(
            not missing,
            expected=missing,
            actual=None,
            detail="zone interfaces differ from the inventory",
        )
        return
    for vlan in device.view["vlans"]:
        if not device.lines(rf"^vlan ({vlan['id']}$|batch .*\b{vlan['id']}\b)"):
            missing.append(f"vlan {vlan['id']}")
    for iface in device.view["interfaces"]:
        name = iface["name"] or ""
        if iface["kind"] == "svi":
            name = device.pick(
                cisco_ios=f"Vlan{iface['vlan']}", huawei_vrp=f"Vlanif{iface['vlan']}"
            )
        elif iface["kind"] == "loopback":
            name = device.pick(cisco_ios="Loopback0", huawei_vrp="LoopBack0")
        kids = device.sections(rf"^interface {name}$").get(f"interface {name}", [])
        address = f"ip address {iface['address']['ip']} "
        if not any(k.startswith(address) for k in kids):
            missing.append(f"interface {name} > {address}{iface['address']['mask']}")
    require(
        not missing,
        expected=missing,
        actual=None,
        detail="VLAN plan or addressing differs from the inventory",
    )


@requirement("ARC.07", "WAN.02")
def test_redundant_uplinks(device: AuditTarget) -> None:
    ctx = device.estate.context
    if device.device.role not in ("wan-router", "internet-router", "core"):
        not_applicable("not an uplink device")
    if device.device.role != "wan-router" and not param(device.params, "hot_standby_required"):
        not_applicable("redundancy not required at this level")
    ends = ctx.link_ends.get(device.name, [])
    group = device.device.redundancy_group
    peers = [d.name for d in ctx.inventory.devices if group and d.redundancy_group == group]
    roles = sorted({link.role for link, _, _ in ends})
    redundant = len(peers) > 1 or len(ends) >= 2
    require(
        redundant,
        expected="two uplinks (primary and backup) or a redundancy group",
        actual={"links": [link.id for link, _, _ in ends], "roles": roles, "group": peers},
        detail="no redundant uplink or standby device",
    )
