"""Administration of devices: authentication, secure protocols, source limits, timeouts.

Options are read by their keyword (``ntp server X prefer``, ``access-class NAME in``), never by
their position, and a setting the device hides because it is the default counts as present
(see ``capdo.network.defaults``)."""

from __future__ import annotations

import ipaddress
import re

from capdo.checks.contract import param, require, requirement
from capdo.network import fortios
from capdo.network.access import permitted_sources, vty_access
from capdo.network.audit import AuditTarget, after

BLOCK_FOR_MAX_SECONDS = 65535
"""The longest block ``login block-for`` accepts (IOS): a longer lockout asks for this."""


@requirement("NET.09")
def test_admin_login_needs_aaa(device: AuditTarget) -> None:
    bad: list[str] = []
    missing: list[str] = []
    if device.platform == "fortinet":
        bad = fortios.admin_findings(device)
    elif device.platform == "cisco_ios":
        if not device.has(r"^aaa new-model$"):
            missing.append("aaa new-model")
        if not device.has(r"^service password-encryption$"):
            missing.append("service password-encryption")
        # enable password (type 0/7, reversible) instead of enable secret
        bad += device.lines(r"^enable password ")
        for name, kids in device.sections(r"^line (con|vty|aux)").items():
            bad += [f"{name} > {k}" for k in kids if k in ("no login", "login") or "password" in k]
    else:
        aaa = device.sections(r"^aaa$")
        kids = next(iter(aaa.values()), [])
        if not aaa:
            missing.append("aaa")
        elif not any(k.startswith("authentication-scheme ") for k in kids):
            missing.append("aaa > authentication-scheme default")
        bad += [f"aaa > {k}" for k in kids if re.search(r" password (simple|cipher) ", k)]
        for name, ui in device.sections(r"^user-interface (con|vty|console)").items():
            modes = [after(k, "authentication-mode") for k in ui if k.startswith("authentication-")]
            if modes != ["aaa"]:
                bad.append(f"{name} > authentication-mode {' '.join(m or '' for m in modes)}")
    require(
        not bad and not missing,
        expected=missing,
        actual=bad,
        detail="administrator login not enforced through AAA with protected passwords",
    )


@requirement("NET.10")
def test_only_secure_management_protocols(device: AuditTarget) -> None:
    missing: list[str] = []
    if device.platform == "fortinet":
        missing, bad = fortios.protocol_findings(device)
    elif device.platform == "cisco_ios":
        # HTTPS (ip http secure-server) is a secure protocol; plain HTTP is not
        bad = device.lines(r"^ip http server$")
        vtys = device.sections(r"^line vty")
        for name, kids in vtys.items():
            transports = [k.split()[2:] for k in kids if k.startswith("transport input ")]
            if not transports:
                missing.append(f"{name} > transport input ssh")
            elif any(set(words) - {"ssh", "none"} for words in transports):
                bad += [f"{name} > transport input {' '.join(w)}" for w in transports]
        if not device.has(r"^ip ssh version 2$"):
            missing.append("ip ssh version 2")
        bad += device.lines(r"^snmp-server community ")
        bad += [h for h in device.lines(r"^snmp-server host ") if after(h, "version") != "3"]
    else:
        bad = device.lines(r"^(telnet server|http server) enable$")
        bad += device.lines(r"^snmp-agent community ")
        for line in device.lines(r"^snmp-agent sys-info version "):
            if set(line.split()[3:]) - {"v3"}:
                bad.append(line)
        # a trap target without "v3" sends v1/v2c with a community in clear
        bad += [t for t in device.lines(r"^snmp-agent target-host ") if "v3" not in t.split()]
        bad += [
            f"{n} > {c}"
            for n, kids in device.sections(r"^user-interface vty").items()
            for c in kids
            if c.startswith("protocol inbound") and c != "protocol inbound ssh"
        ]
        if not device.has(r"^stelnet server enable$"):
            missing.append("stelnet server enable")
    require(
        not bad and not missing,
        expected=missing,
        actual=bad,
        detail="insecure management protocols",
    )


@requirement("NET.11", "ARC.02")
def test_vty_limited_to_management_zone(device: AuditTarget) -> None:
    allowed = [ipaddress.ip_network(p["cidr"]) for p in device.view["security"]["management_acl"]]
    if device.platform == "fortinet":
        outside, admin = fortios.management_sources(device)
        require(
            admin and not outside,
            expected=[str(a) for a in allowed],
            actual={"administration on": admin, "outside": outside},
            detail="remote administration not limited to the management zone",
        )
        return
    access = vty_access(device.platform, device.config)
    sources = permitted_sources(access.rules)
    outside = [str(s) for s in sources if not any(s.subnet_of(a) for a in allowed)]
    require(
        access.vtys and not access.unguarded and sources and not outside,
        expected=[str(a) for a in allowed],
        actual={
            "unguarded": list(access.unguarded),
            "outside": outside,
            "sources": [str(s) for s in sources],
        },
        detail="remote administration not limited to the management zone",
    )


@requirement("NET.16")
def test_idle_sessions_close(device: AuditTarget) -> None:
    limit = int(param(device.params, "idle_timeout_minutes"))
    if device.platform == "fortinet":
        found = fortios.idle_findings(device, limit)
        require(
            not found,
            expected=f"admintimeout <= {limit}",
            actual=found,
            detail="idle management sessions stay open",
        )
        return
    key, pattern = (
        device.pick(cisco_ios="exec-timeout", huawei_vrp="idle-timeout"),
        device.pick(cisco_ios=r"^line (vty|con)", huawei_vrp=r"^user-interface (vty|con)"),
    )
    bad = []
    for name, kids in device.sections(pattern).items():
        values = [c for c in kids if c.startswith(key + " ")]
        seconds = [
            int(v.split()[1]) * 60 + (int(v.split()[2]) if len(v.split()) > 2 else 0)
            for v in values
        ]
        if not seconds or seconds[0] == 0 or seconds[0] > limit * 60:
            bad.append(f"{name} > {values[0] if values else '(no ' + key + ')'}")
    require(
        device.sections(pattern) and not bad,
        expected=f"{key} <= {limit} min",
        actual=bad,
        detail="idle management sessions stay open",
    )


@requirement("NET.12")
def test_failed_logins_blocked(device: AuditTarget) -> None:
    attempts = int(param(device.params, "lockout_attempts"))
    hours = float(param(device.params, "lockout_duration_hours"))
    seconds = min(int(hours * 3600), BLOCK_FOR_MAX_SECONDS)
    if device.platform == "fortinet":
        found = fortios.lockout_findings(device, attempts, seconds)
        require(
            not found,
            expected=f"block for >= {seconds} s after <= {attempts} attempts",
            actual=found,
            detail="failed administrator logins are not blocked",
        )
        return
    if device.platform == "cisco_ios":
        found = device.lines(r"^login block-for ")
        ok = any(
            int(after(f, "attempts") or 999) <= attempts
            and int(after(f, "block-for") or 0) >= seconds
            for f in found
        )
    else:
        found = [
            c
            for kids in device.sections(r"^aaa$").values()
            for c in kids
            if c.startswith("local-aaa-user wrong-password")
        ]
        ok = any(
            int(after(f, "retry-time") or 999) <= attempts
            and int(after(f, "block-time") or 0) >= int(hours * 60)
            for f in found
        )
    require(
        ok,
        expected=f"block for >= {seconds} s after <= {attempts} attempts",
        actual=found,
        detail="failed administrator logins are not blocked",
    )
