"""Administrator accounts (NET.13) and firmware before use (NET.14)."""

from __future__ import annotations

import re

from capdo.checks.contract import require, requirement, undecided
from capdo.network.audit import AuditTarget, after
from capdo.network.firmware import load_network_firmware, meets_minimum

# names that say "whoever holds the password", not a person or a role
SHARED_NAMES = frozenset(
    {
        "admin",
        "administrator",
        "cisco",
        "huawei",
        "fortinet",
        "root",
        "manager",
        "user",
        "support",
        "test",
        "guest",
        "operator",
        "super",
        "superuser",
        "netadmin",
    }
)


@requirement("NET.13")
def test_named_role_based_administrators(device: AuditTarget) -> None:
    bad: list[str] = []
    if device.platform == "fortinet":
        admins = device.entries("system admin")
        names = list(admins)
        levels = {v.get("accprofile", "") for v in admins.values()}
        central = any(v.get("remote-auth") == "enable" for v in admins.values())
    elif device.platform == "cisco_ios":
        accounts = device.lines(r"^username ")
        names = [a.split()[1] for a in accounts]
        # "password" (type 0/7) is reversible; "secret" (type 5/8/9) is a hash
        bad += [a for a in accounts if re.search(r" password( [07])? ", a)]
        levels = {after(a, "privilege") or "1" for a in accounts}
        central = device.has(r"^aaa authentication login \S+ .*group (tacacs\+|radius|\S+)")
    else:
        accounts = [
            k
            for kids in device.sections(r"^aaa$").values()
            for k in kids
            if k.startswith("local-user ")
        ]
        names = list(dict.fromkeys(a.split()[1] for a in accounts))
        bad += [a for a in accounts if re.search(r" password (cipher|simple) ", a)]
        levels = {after(a, "level") or "" for a in accounts if " privilege level " in a}
        central = device.has(r"^hwtacacs-server template|^radius-server template")
    shared = [n for n in names if n.casefold() in SHARED_NAMES]
    bad += [f"shared account: {n}" for n in shared]
    if not names and not central:
        bad.append("no named administrator accounts and no central AAA server")
    require(
        not bad,
        expected="personal accounts with hashed passwords, privileges by role",
        actual={"findings": bad, "privilege levels": sorted(levels)},
        detail="administrator accounts shared, or their passwords reversible",
    )


@requirement("NET.14")
def test_firmware_at_least_the_minimum(device: AuditTarget) -> None:
    policy = load_network_firmware(device.estate.root)
    minimum = policy.minimum(device.platform, device.device.model or "")
    require(
        minimum is not None,
        expected=f"{policy.source or 'policy/network-firmware.yml'}: "
        f"{device.platform} > {device.device.model}",
        actual=None,
        detail="no minimum firmware set for this platform and model",
    )
    require(
        device.firmware is not None,
        expected=f">= {minimum}",
        actual=None,
        detail="the configuration does not show the firmware version",
    )
    assert minimum is not None
    assert device.firmware is not None
    # each platform's own notation: IOS 15.2(7)E8, IOS-XE 17.9.4a, VRP V200R021C10SPC600,
    # FortiOS 7.2.8 build1639; what the config shows may be too coarse to decide
    newer, reason = meets_minimum(device.platform, device.firmware, minimum)
    if newer is None:
        undecided(reason, expected=f">= {minimum}", actual=device.firmware)
    require(
        newer,
        expected=f">= {minimum}",
        actual=device.firmware,
        detail="firmware older than the estate's minimum",
    )
