"""Firewalls as firewalls: Phú Thọ renders every device (its FortiGates included), the zone
policy comes from the model, and NET.01/02/07/08/18 are audited on it both ways, on FortiOS
and on a Huawei USG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capdo.compliance.results import ResultRecord
from capdo.inventory.model import NetworkDevice
from capdo.network.audit import find_checks_dir, load_targets, run_audit
from capdo.network.estate import NetworkEstate, load_network_estate
from capdo.network.model import NetworkContext
from capdo.network.platforms import platform_info
from capdo.network.render import Renderer

REPO = Path(__file__).resolve().parents[2]
POLICY = ("NET.01", "NET.02", "NET.07", "NET.08", "NET.18")
# what a running FortiGate shows besides the intended config: its version and its admins
FORTIOS_HEAD = "#config-version=FGT6HF-7.2.8-FW-build1639-240313:opmode=0:vdom=0:user=nva\n"
FORTIOS_ADMINS = """config system admin
    edit "nguyen.van.a"
        set accprofile "super_admin"
        set password ENC SH2Zq9fakeHashFakeHashFakeHash
    next
    edit "tran.thi.b"
        set accprofile "prof_admin"
        set password ENC SH2Zq9fakeHashFakeHashFakeHasi
    next
end
"""
ANY_ANY = """    edit 5000
        set name "any-any"
        set srcintf "pdc-server"
        set dstintf "pdc-database"
        set action accept
        set srcaddr "all"
        set dstaddr "all"
        set schedule "always"
        set service "ALL"
        set logtraffic all
    next
"""
USG_TAIL = "aaa\n local-user nguyen.van.a password irreversible-cipher $1c$Zq9$x$\n"


@pytest.fixture(scope="module")
def phutho() -> NetworkEstate:
    return load_network_estate(REPO / "inventories" / "phutho")


@pytest.fixture(scope="module")
def with_usg(phutho: NetworkEstate) -> NetworkEstate:
    """Phú Thọ with its first data-centre firewall replaced by a Huawei USG (in memory)."""
    inventory = phutho.inventory
    devices = tuple(
        d.model_copy(update={"platform": "huawei_usg", "model": "USG6555F"})
        if d.name == "pdc-fw-01"
        else d
        for d in inventory.devices
    )
    changed = inventory.model_copy(update={"devices": devices})
    context = NetworkContext(changed, phutho.context.catalogue_dir)
    return NetworkEstate(phutho.root, changed, context, phutho.templates_dir)


def _audit(estate: NetworkEstate, texts: dict[str, str]) -> dict[tuple[str, str], str]:
    devices = estate.select(list(texts))
    targets, missing = load_targets(estate, devices, texts)
    assert not missing, missing
    _code, records = run_audit(targets, find_checks_dir(estate))
    return _worst(records)


def _worst(records: list[ResultRecord]) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], set[str]] = {}
    for r in records:
        found.setdefault((r.requirement_id, r.target), set()).add(r.status)
    order = ("error", "fail", "pass", "not_applicable")
    return {k: next(o for o in order if o in v) for k, v in found.items()}


def _render(estate: NetworkEstate, names: list[str]) -> dict[str, str]:
    return Renderer(estate.templates_dir).render_many(estate.context, estate.select(names)).configs


def test_phutho_renders_every_device(phutho: NetworkEstate) -> None:
    result = Renderer(phutho.templates_dir).render_many(phutho.context, phutho.select(None))
    assert not result.skipped
    assert len(result.configs) == len(phutho.inventory.devices)
    fw = result.configs["pdc-fw-01"]
    assert "config firewall policy" in fw
    # internet → DMZ only, default deny with logging at the end
    assert re.search(r'set srcintf "internet"\n\s+set dstintf "pdc-dmz"', fw)
    assert not re.search(r'set srcintf "internet"\n\s+set dstintf "pdc-(?!dmz)', fw)
    last = fw[fw.index("    edit 9999") :]
    assert "set action deny" in last
    assert "set logtraffic all" in last


def test_fortios_policy_both_ways(phutho: NetworkEstate) -> None:
    name = "pdc-fw-01"
    good = FORTIOS_HEAD + _render(phutho, [name])[name] + FORTIOS_ADMINS
    statuses = _audit(phutho, {name: good})
    assert {r: statuses[(r, name)] for r in POLICY} == dict.fromkeys(POLICY, "pass")
    management = ("NET.03", "NET.04", "NET.05", "NET.09", "NET.10", "NET.11", "NET.12")
    assert {r: statuses[(r, name)] for r in (*management, "NET.13", "NET.14", "NET.16")} == (
        dict.fromkeys((*management, "NET.13", "NET.14", "NET.16"), "pass")
    )
    breaks = {
        "NET.07": good.replace('        set ips-sensor "capdo-ips"\n', "", 1),
        "NET.08": good.replace('        set av-profile "capdo-av"\n', "", 1),
        "NET.18": good.replace(
            "config system autoupdate schedule\n    set status enable",
            "config system autoupdate schedule\n    set status disable",
        ),
        # an any-any rule between zones
        "NET.02": good.replace("    edit 9999", ANY_ANY + "    edit 9999"),
        # the Internet let into the whole DMZ
        "NET.01": re.sub(
            r'(set srcintf "internet"\n\s+set dstintf "pdc-dmz"\n\s+set action accept\n'
            r'\s+set srcaddr "all"\n\s+set dstaddr) [^\n]+',
            r'\1 "all"',
            good,
            count=1,
        ),
    }
    for requirement, broken in breaks.items():
        assert broken != good, requirement
        statuses = _audit(phutho, {name: broken})
        assert statuses[(requirement, name)] == "fail", requirement
    no_deny = good[: good.index("    edit 9999")] + "end\n" + FORTIOS_ADMINS
    statuses = _audit(phutho, {name: no_deny})
    assert statuses[("NET.01", name)] == "fail"
    assert statuses[("NET.02", name)] == "fail"


def test_usg_policy_both_ways(with_usg: NetworkEstate) -> None:
    name = "pdc-fw-01"
    text = _render(with_usg, [name])[name]
    assert "security-policy" in text
    assert "firewall zone name pdc-server" in text
    good = "!Software Version V600R007C20SPC600\n" + text + USG_TAIL
    statuses = _audit(with_usg, {name: good})
    assert {r: statuses[(r, name)] for r in POLICY} == dict.fromkeys(POLICY, "pass"), statuses
    breaks = {
        "NET.07": good.replace("  profile ips capdo-ips\n", "", 1),
        "NET.08": good.replace("  profile av capdo-av\n", "", 1),
        "NET.18": good.replace("update schedule ips-sdb enable\n", ""),
        "NET.02": good.replace(
            " rule name capdo-default-deny\n  policy logging\n  action deny\n",
            " rule name any-any\n  policy logging\n  action permit\n",
        ),
    }
    for requirement, broken in breaks.items():
        assert broken != good, requirement
        assert _audit(with_usg, {name: broken})[(requirement, name)] == "fail", requirement
    info = platform_info(with_usg.templates_dir, "huawei_usg")
    assert info is not None
    assert info.hier_config == "huawei_vrp"  # hier_config has no USG platform: VRP reads it
    assert info.netmiko == "huawei"


def test_routers_defer_to_the_firewall(phutho: NetworkEstate) -> None:
    name = "pdc-core-01"
    statuses = _audit(phutho, _render(phutho, [name]))
    assert {statuses[(r, name)] for r in POLICY} == {"not_applicable"}
    lab = load_network_estate(REPO / "inventories" / "lab")
    statuses = _audit(lab, _render(lab, ["lab-core01"]))
    assert {statuses[(r, "lab-core01")] for r in POLICY} == {"not_applicable"}  # lab-fw01
    # the lab without its firewall: nothing enforces the policy, fail
    devices = tuple(d for d in lab.inventory.devices if d.role != "firewall")
    bare = lab.inventory.model_copy(update={"devices": devices})
    lab = NetworkEstate(
        lab.root, bare, NetworkContext(bare, lab.context.catalogue_dir), lab.templates_dir
    )
    statuses = _audit(lab, _render(lab, ["lab-core01"]))
    assert {statuses[(r, "lab-core01")] for r in POLICY} == {"fail"}


def test_firewall_view_only_for_firewalls(phutho: NetworkEstate) -> None:
    from capdo.network.model import device_view

    core = next(d for d in phutho.inventory.devices if d.name == "pdc-core-01")
    assert device_view(phutho.context, core).firewall is None
    fw: NetworkDevice = next(d for d in phutho.inventory.devices if d.name == "pdc-fw-01")
    view = device_view(phutho.context, fw).firewall
    assert view is not None
    internet = [f for f in view.flows if f.source == "internet"]
    assert internet
    assert all(f.destination == "pdc-dmz" and f.addresses for f in internet)
    assert all(f.inspect for f in internet)


def test_emulated_usg_takes_the_policy(with_usg: NetworkEstate, fast_huawei: None) -> None:
    """An emulated USG (the lab's VRP emulation with zones and a security policy) receives the
    rendered policy over SSH and then shows it: the remediation comes back empty."""
    from netmiko import ConnectHandler

    from capdo.network import runner
    from capdo.network.remediate import remediation
    from capdo_lab.devices import DeviceLab, DeviceSpec

    name = "pdc-fw-01"
    intended = _render(with_usg, [name])[name]
    info = platform_info(with_usg.templates_dir, "huawei_usg")
    assert info is not None
    with DeviceLab([DeviceSpec(name, "huawei_usg")], username="capdo", password="usg-pw") as lab:
        with ConnectHandler(**lab.netmiko_params(name)) as conn:  # type: ignore[arg-type]
            before = runner.read_running(conn, info)
            todo = remediation(info, before, intended)
            assert "security-policy" in todo.lines
            runner._send(conn, info, todo.lines)
            after = runner.read_running(conn, info)
        left = remediation(info, after, intended)
    assert left.empty, left.lines[:10]
    statuses = _audit(with_usg, {name: "!Software Version V600R007C20SPC600\n" + after})
    assert {statuses[(r, name)] for r in POLICY} == {"pass"}


def test_fortios_remediation_closes_its_sections(phutho: NetworkEstate) -> None:
    """A push to a FortiGate types ``next``/``end`` where each entry and section closes: the
    remediation from an empty device, read back as a config, is the intended config."""
    from capdo.network.remediate import remediation

    name = "pdc-fw-01"
    intended = _render(phutho, [name])[name]
    info = platform_info(phutho.templates_dir, "fortinet")
    assert info is not None
    lines = remediation(info, "", intended).lines
    assert lines[0] == "config system global"
    assert "end" in lines
    assert "    next" in lines
    typed = "\n".join(lines) + "\n"
    assert info.read(typed).text == info.read(intended).text
    assert remediation(info, typed, intended).empty


def test_emulated_fortigate_takes_the_policy(phutho: NetworkEstate) -> None:
    """An emulated FortiGate (capdo_lab.devices.fortios) reached with netmiko's ``fortinet``
    driver: the remediation is typed with its next/end, and the device then shows the
    intended config (the remediation comes back empty) and passes the policy audit."""
    from netmiko import ConnectHandler

    from capdo.network import runner
    from capdo.network.remediate import remediation
    from capdo_lab.devices import DeviceLab, DeviceSpec

    name = "pdc-fw-01"
    intended = _render(phutho, [name])[name]
    info = platform_info(phutho.templates_dir, "fortinet")
    assert info is not None
    with DeviceLab([DeviceSpec(name, "fortinet")], username="capdo", password="fgt-pw") as lab:
        with ConnectHandler(**lab.netmiko_params(name)) as conn:  # type: ignore[arg-type]
            before = runner.read_running(conn, info)
            assert "set admin-telnet enable" in before
            todo = remediation(info, before, intended)
            runner._send(conn, info, todo.lines)
            after = runner.read_running(conn, info)
        left = remediation(info, after, intended)
    assert left.empty, left.lines[:10]
    statuses = _audit(phutho, {name: after + FORTIOS_ADMINS})
    assert {statuses[(r, name)] for r in POLICY} == {"pass"}
