"""Explicit firewall policy from the model (``firewall_policies.yml``): flows between zones,
published services (virtual IP / NAT to a DMZ host), derived flows kept or dropped, default deny
with logging always last; HA pairs (FortiOS ``config system ha``, USG ``hrp``) from the
redundancy group. Rendered for FortiOS and Huawei USG and audited (NET.01/NET.02) both ways."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capdo.compliance.results import ResultRecord
from capdo.inventory.model import FirewallFlow, FirewallPolicy
from capdo.network.audit import find_checks_dir, load_targets, run_audit
from capdo.network.estate import NetworkEstate, load_network_estate
from capdo.network.model import NetworkContext
from capdo.network.render import Renderer

REPO = Path(__file__).resolve().parents[2]
USG_HEAD = "!Software Version V600R007C20SPC600\n"
USG_TAIL = "aaa\n local-user nguyen.van.a password irreversible-cipher $1c$Zq9$x$\n"
FORTIOS_HEAD = "#config-version=FGT6HF-7.2.8-FW-build1639-240313:opmode=0:vdom=0:user=nva\n"
FORTIOS_ADMINS = """config system admin
    edit "nguyen.van.a"
        set accprofile "super_admin"
        set password ENC SH2Zq9fakeHashFakeHashFakeHash
    next
end
"""


@pytest.fixture(scope="module")
def phutho() -> NetworkEstate:
    return load_network_estate(REPO / "inventories" / "phutho")


def _changed(
    estate: NetworkEstate,
    policies: tuple[FirewallPolicy, ...] | None = None,
    platform: str | None = None,
) -> NetworkEstate:
    """Phú Thọ with other firewall policies and/or its data-centre pair on another platform."""
    inventory = estate.inventory
    update: dict[str, object] = {}
    if policies is not None:
        update["firewall_policies"] = policies
    if platform is not None:
        update["devices"] = tuple(
            d.model_copy(update={"platform": platform, "model": "USG6555F"})
            if d.redundancy_group == "pdc-fw"
            else d
            for d in inventory.devices
        )
    changed = inventory.model_copy(update=update)
    return NetworkEstate(
        estate.root,
        changed,
        NetworkContext(changed, estate.context.catalogue_dir),
        estate.templates_dir,
    )


def _render(estate: NetworkEstate, *names: str) -> dict[str, str]:
    return (
        Renderer(estate.templates_dir)
        .render_many(estate.context, estate.select(list(names)))
        .configs
    )


def _statuses(estate: NetworkEstate, texts: dict[str, str]) -> dict[tuple[str, str], str]:
    targets, missing = load_targets(estate, estate.select(list(texts)), texts)
    assert not missing, missing
    _code, records = run_audit(targets, find_checks_dir(estate))
    return _worst(records)


def _worst(records: list[ResultRecord]) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], set[str]] = {}
    for r in records:
        found.setdefault((r.requirement_id, r.target), set()).add(r.status)
    order = ("error", "fail", "pass", "not_applicable")
    return {k: next(o for o in order if o in v) for k, v in found.items()}


def _fortios_rules(text: str) -> list[str]:
    """The policy's rules, one block each, in order."""
    policy = text[text.index("config firewall policy") :]
    return re.findall(r"    edit \d+\n(.*?)\n    next", policy, flags=re.DOTALL)


def test_committed_policy_published_and_explicit_first(phutho: NetworkEstate) -> None:
    """Phú Thọ's ``firewall_policies.yml``: its flows come first (a deny there overrides
    what the model would allow), the published services go through a virtual IP, the derived
    Internet → DMZ flows they replace are gone, the derived others stay, default deny last."""
    text = _render(phutho, "pdc-fw-01")["pdc-fw-01"]
    rules = _fortios_rules(text)
    assert 'set name "wan-to-portals"' in rules[0]
    assert 'set name "users-no-database"' in rules[1]
    assert "set action deny" in rules[1]
    assert "set logtraffic all" in rules[1]  # a deny is always logged
    assert re.search(
        r'edit "vip-dichvucong"\n\s+set extip 203\.0\.113\.10\n\s+set mappedip "10\.0\.1\.52"', text
    )
    internet = [r for r in rules if 'set srcintf "internet"' in r]
    assert [re.search(r"set dstaddr (.*)", r).group(1) for r in internet] == [  # type: ignore[union-attr]
        '"vip-dichvucong"',
        '"vip-portal"',
        '"vip-sso"',
        '"vip-mail"',
    ]
    # derived flows of other pairs stay (management → every zone, syslog from the WAN ...)
    assert any('set srcintf "pdc-mgmt"' in r for r in rules)
    # the explicit wan → DMZ flow replaced the derived one of that pair: only the portals
    wan_dmz = [r for r in rules if 'set srcintf "wan"\n        set dstintf "pdc-dmz"' in r]
    assert len(wan_dmz) == 1
    assert 'set name "capdo-default-deny"' in rules[-1]
    assert "set action deny" in rules[-1]
    assert "set logtraffic all" in rules[-1]
    # the lone firewall of the DR site keeps the derived policy and has no HA
    drc = _render(phutho, "drc-fw-01")["drc-fw-01"]
    assert "config firewall vip" not in drc
    assert "config system ha" not in drc


def test_derived_false_keeps_only_the_explicit_flows(phutho: NetworkEstate) -> None:
    only = FirewallPolicy(
        site="pdc",
        derived=False,
        flows=(
            FirewallFlow(
                source="wan",
                destination="pdc-dmz",
                servers=("dvc-web01",),
                services=("https", "tcp/8443"),
            ),
        ),
    )
    estate = _changed(phutho, (only,))
    rules = _fortios_rules(_render(estate, "pdc-fw-01")["pdc-fw-01"])
    assert len(rules) == 2
    assert 'set service "capdo-https" "capdo-tcp-8443"' in rules[0]
    assert 'set dstaddr "host-10.0.1.52"' in rules[0]
    assert 'set name "capdo-default-deny"' in rules[1]


def test_fortios_explicit_policy_audited_both_ways(phutho: NetworkEstate) -> None:
    name = "pdc-fw-01"
    good = FORTIOS_HEAD + _render(phutho, name)[name] + FORTIOS_ADMINS
    statuses = _statuses(phutho, {name: good})
    assert statuses[("NET.01", name)] == "pass"
    assert statuses[("NET.02", name)] == "pass"
    # the published portal opened to every service of its virtual IP
    published = 'set dstaddr "vip-dichvucong"\n        set schedule "always"\n        set service'
    wide = good.replace(f'{published} "capdo-https"', f'{published} "ALL"')
    assert wide != good
    assert _statuses(phutho, {name: wide})[("NET.01", name)] == "fail"
    # the Internet let onto a DMZ host that the model does not publish
    other = good.replace('set dstaddr "vip-mail"', 'set dstaddr "host-10.0.1.54"')
    assert other != good
    assert _statuses(phutho, {name: other})[("NET.01", name)] == "fail"


def test_unlogged_explicit_flow_fails_net02(phutho: NetworkEstate) -> None:
    """``log: false`` on a permit is rendered as asked, and the audit says what it costs."""
    quiet = FirewallPolicy(
        site="pdc",
        flows=(
            FirewallFlow(
                source="pdc-user",
                destination="pdc-server",
                services=("https",),
                log=False,
                name="quiet",
            ),
        ),
    )
    estate = _changed(phutho, (quiet,))
    name = "pdc-fw-01"
    text = _render(estate, name)[name]
    assert re.search(r'set name "quiet"(?:\n.*?)*?set logtraffic disable', text)
    statuses = _statuses(estate, {name: FORTIOS_HEAD + text + FORTIOS_ADMINS})
    assert statuses[("NET.02", name)] == "fail"


def test_usg_explicit_policy_nat_server_and_hrp(phutho: NetworkEstate) -> None:
    estate = _changed(phutho, platform="huawei_usg")
    texts = _render(estate, "pdc-fw-01", "pdc-fw-02")
    first, second = texts["pdc-fw-01"], texts["pdc-fw-02"]
    assert "nat server vip-dichvucong zone internet global 203.0.113.10 inside 10.0.1.52" in first
    assert re.search(
        r" rule name publish-dichvucong\n  source-zone internet\n  destination-zone pdc-dmz\n"
        r"  destination-address address-set vip-dichvucong\n  service capdo-https\n",
        first,
    )
    assert re.search(
        r" rule name users-no-database\n(?:  .*\n)*?  policy logging\n  action deny", first
    )
    assert first.rstrip().endswith(" rule name capdo-default-deny\n  policy logging\n  action deny")
    # HA: heartbeat addresses face each other; the second member is the standby
    assert "hrp interface GigabitEthernet0/0/7 remote 169.254." in first
    hb1 = re.search(r"ip address (169\.254\.\d+\.\d+)", first).group(1)  # type: ignore[union-attr]
    hb2 = re.search(r"ip address (169\.254\.\d+\.\d+)", second).group(1)  # type: ignore[union-attr]
    assert f"remote {hb2}" in first
    assert f"remote {hb1}" in second
    assert "hrp standby-device" in second
    assert "hrp standby-device" not in first
    assert "hrp enable" in first
    # audited both ways
    good = USG_HEAD + first + USG_TAIL
    statuses = _statuses(estate, {"pdc-fw-01": good})
    assert statuses[("NET.01", "pdc-fw-01")] == "pass"
    assert statuses[("NET.02", "pdc-fw-01")] == "pass"
    wide = good.replace(
        "  destination-address address-set vip-dichvucong\n  service capdo-https\n",
        "  destination-address address-set vip-dichvucong\n",
    )
    assert wide != good
    assert _statuses(estate, {"pdc-fw-01": wide})[("NET.01", "pdc-fw-01")] == "fail"


def test_fortios_ha_pair(phutho: NetworkEstate) -> None:
    """pdc-fw-01/02 share the redundancy group pdc-fw: one HA cluster, 01 preferred."""
    texts = _render(phutho, "pdc-fw-01", "pdc-fw-02")
    blocks = {
        n: re.search(r"config system ha\n(.*?)\nend", t, flags=re.DOTALL).group(1)  # type: ignore[union-attr]
        for n, t in texts.items()
    }
    assert "set priority 200" in blocks["pdc-fw-01"]
    assert "set priority 100" in blocks["pdc-fw-02"]
    same = [line for line in blocks["pdc-fw-01"].splitlines() if "priority" not in line]
    assert same == [line for line in blocks["pdc-fw-02"].splitlines() if "priority" not in line]
    assert '    set group-name "pdc-fw"' in same
    assert "    set mode a-p" in same


def test_emulated_usg_pair_takes_nat_and_hrp(phutho: NetworkEstate, fast_huawei: None) -> None:
    """The USG pair's configs (NAT server, hrp, explicit rules) pushed over SSH with netmiko to
    emulated USGs: both converge (the remediation comes back empty)."""
    from netmiko import ConnectHandler

    from capdo.network import runner
    from capdo.network.platforms import platform_info
    from capdo.network.remediate import remediation
    from capdo_lab.devices import DeviceLab, DeviceSpec

    estate = _changed(phutho, platform="huawei_usg")
    names = ("pdc-fw-01", "pdc-fw-02")
    texts = _render(estate, *names)
    info = platform_info(estate.templates_dir, "huawei_usg")
    assert info is not None
    specs = [DeviceSpec(n, "huawei_usg") for n in names]
    left = {}
    with DeviceLab(specs, username="capdo", password="usg-pw") as lab:
        for name in names:
            with ConnectHandler(**lab.netmiko_params(name)) as conn:  # type: ignore[arg-type]
                todo = remediation(info, runner.read_running(conn, info), texts[name])
                assert any(line.startswith("hrp ") for line in todo.lines)
                runner._send(conn, info, todo.lines)
                after = runner.read_running(conn, info)
            left[name] = remediation(info, after, texts[name]).lines
    assert left == dict.fromkeys(names, ())
    assert "nat server vip-dichvucong" in after
