"""Administration of devices: authentication, secure protocols, source limits, timeouts."""

from __future__ import annotations

import ipaddress
import re

import pytest

from capdo.network.audit import AuditTarget, require


@pytest.mark.requirement("NET.09")
def test_admin_login_needs_aaa(device: AuditTarget) -> None:
    pattern = device.pick(cisco_ios=r"^aaa new-model$", huawei_vrp=r"^aaa$")
    require(device.lines(pattern), "AAA not enabled", expected=pattern, actual=None)
    if device.platform == "cisco_ios":
        require(
            device.lines(r"^service password-encryption$"),
            "passwords stored in clear text",
            expected="service password-encryption",
            actual=device.lines(r"service password-encryption"),
        )
    else:
        plain = [
            c for s in device.sections(r"^aaa$").values() for c in s if " password simple" in c
        ]
        require(not plain, "local users with clear-text passwords", expected=[], actual=plain)


@pytest.mark.requirement("NET.10")
def test_only_secure_management_protocols(device: AuditTarget) -> None:
    if device.platform == "cisco_ios":
        bad = device.lines(r"^ip http (secure-)?server$")
        bad += [
            f"{name} > {c}"
            for name, kids in device.sections(r"^line vty").items()
            for c in kids
            if c.startswith("transport input") and c != "transport input ssh"
        ]
        missing = [] if device.lines(r"^ip ssh version 2$") else ["ip ssh version 2"]
        vtys = device.sections(r"^line vty")
        missing += [
            f"{n} > transport input ssh" for n, k in vtys.items() if "transport input ssh" not in k
        ]
        bad += device.lines(r"^snmp-server community ")
    else:
        bad = device.lines(r"^(telnet server|http server|http secure-server) enable$")
        bad += device.lines(r"^snmp-agent community ")
        bad += [v for v in device.lines(r"^snmp-agent sys-info version") if v.split()[-1] != "v3"]
        bad += [
            f"{n} > {c}"
            for n, kids in device.sections(r"^user-interface vty").items()
            for c in kids
            if c.startswith("protocol inbound") and c != "protocol inbound ssh"
        ]
        missing = [] if device.lines(r"^stelnet server enable$") else ["stelnet server enable"]
    require(not bad and not missing, "insecure management protocols", expected=missing, actual=bad)


@pytest.mark.requirement("NET.11", "ARC.02")
def test_vty_limited_to_management_zone(device: AuditTarget) -> None:
    allowed = [ipaddress.ip_network(p["cidr"]) for p in device.view["security"]["management_acl"]]
    if device.platform == "cisco_ios":
        vtys = device.sections(r"^line vty")
        guard = "access-class "
        acls = {c.split()[1] for k in vtys.values() for c in k if c.startswith(guard)}
        rules = [c for n in acls for c in _children(device, f"ip access-list standard {n}")]
    else:
        vtys = device.sections(r"^user-interface vty")
        guard = "acl "
        acls = {c.split()[1] for k in vtys.values() for c in k if c.startswith(guard)}
        rules = [
            c
            for n in acls
            for name in (f"acl number {n}", f"acl {n}")
            for c in _children(device, name)
        ]
    unguarded = [n for n, k in vtys.items() if not any(c.startswith(guard) for c in k)]
    sources = [src for src in (_permitted_source(r) for r in rules) if src is not None]
    outside = [str(s) for s in sources if not any(s.subnet_of(a) for a in allowed)]
    require(
        vtys and not unguarded and sources and not outside,
        "remote administration not limited to the management zone",
        expected=[str(a) for a in allowed],
        actual={"unguarded": unguarded, "outside": outside, "sources": [str(s) for s in sources]},
    )


def _children(device: AuditTarget, section: str) -> list[str]:
    return device.sections("^" + re.escape(section) + "$").get(section, [])


def _permitted_source(rule: str) -> ipaddress.IPv4Network | None:
    """The source a permit rule lets in: ``[10] permit A W`` (IOS), ``rule 5 permit source A W``
    (VRP), ``host A``, ``any``; None for a deny."""
    words = rule.split()
    if "permit" not in words:
        return None
    rest = words[words.index("permit") + 1 :]
    if rest[:1] == ["source"]:
        rest = rest[1:]
    if not rest or rest[0] == "any":
        return ipaddress.IPv4Network("0.0.0.0/0")
    if rest[0] == "host" and len(rest) > 1:
        return ipaddress.IPv4Network(f"{rest[1]}/32")
    if len(rest) > 1 and rest[1] != "0":
        return ipaddress.IPv4Network(f"{rest[0]}/{rest[1]}", strict=False)
    return ipaddress.IPv4Network(f"{rest[0]}/32")


@pytest.mark.requirement("NET.16")
def test_idle_sessions_close(device: AuditTarget) -> None:
    limit = int(device.params.get("idle_timeout_minutes") or 5)
    key, pattern = (
        device.pick(cisco_ios="exec-timeout", huawei_vrp="idle-timeout"),
        device.pick(cisco_ios=r"^line (vty|con)", huawei_vrp=r"^user-interface (vty|con)"),
    )
    bad = []
    for name, kids in device.sections(pattern).items():
        values = [c for c in kids if c.startswith(key + " ")]
        minutes = [
            int(v.split()[1]) + (1 if len(v.split()) > 2 and v.split()[2] != "0" else 0)
            for v in values
        ]
        if not minutes or minutes[0] == 0 or minutes[0] > limit:
            bad.append(f"{name} > {values[0] if values else '(no ' + key + ')'}")
    require(
        device.sections(pattern) and not bad,
        "idle management sessions stay open",
        expected=f"{key} <= {limit} min",
        actual=bad,
    )


@pytest.mark.requirement("NET.12")
def test_failed_logins_blocked(device: AuditTarget) -> None:
    attempts = int(device.params.get("lockout_attempts") or 5)
    if device.platform == "cisco_ios":
        found = device.lines(r"^login block-for ")
        ok = any(int(f.split()[f.split().index("attempts") + 1]) <= attempts for f in found)
    else:
        found = [
            c
            for kids in device.sections(r"^aaa$").values()
            for c in kids
            if c.startswith("local-aaa-user wrong-password")
        ]
        ok = any(int(f.split()[f.split().index("retry-time") + 1]) <= attempts for f in found)
    require(
        ok,
        "failed administrator logins are not blocked",
        expected=f"block after <= {attempts} attempts",
        actual=found,
    )
