"""Never lock the operator out: checks made before a push touches a device.

* The controller's own address must be let in by the management ACL the intended config puts
  on the vty lines (the first matching rule decides, as on the device). Otherwise the push is
  refused for that device with the address and the ACL's sources in the message.
* When a push switches login to AAA (IOS ``aaa new-model``, VRP ``authentication-mode aaa``)
  and the device has no local account for capdo's own login, that account is created first,
  from the estate's secrets, so the session that pushes can still log in afterwards.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass

from capdo.network.access import admits, permitted_sources, vty_access
from capdo.network.platforms import PlatformInfo

ENV_CONTROLLER = "CAPDO_CONTROLLER_ADDRESS"


@dataclass(frozen=True)
class Lockout:
    address: str
    allowed: tuple[str, ...]


def controller_addresses(
    device_address: str, given: str | None = None, declared: tuple[object, ...] = ()
) -> list[ipaddress.IPv4Address]:
    """The addresses the device sees capdo connect from: ``--controller-address``, else
    $CAPDO_CONTROLLER_ADDRESS, else the estate's ``defaults.controller_addresses``, else the
    local address the kernel would use to reach the device's address in the model (no
    packet is sent). Empty when none can be found."""
    value = given or os.environ.get(ENV_CONTROLLER)
    if value:
        return [ipaddress.IPv4Address(value)]
    if declared:
        return [ipaddress.IPv4Address(str(a)) for a in declared]
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((device_address, 22))
            return [ipaddress.IPv4Address(probe.getsockname()[0])]
    except OSError:
        return []


def lockout(
    info: PlatformInfo, intended: str, addresses: list[ipaddress.IPv4Address]
) -> Lockout | None:
    """None when the intended config still lets every one of ``addresses`` log in."""
    tree = info.read(intended).tree
    shut = [a for a in addresses if not admits(info.name, tree, a)]
    if addresses and not shut:
        return None
    sources = permitted_sources(vty_access(info.name, tree).rules)
    shown = ", ".join(str(a) for a in shut) if shut else "?"
    return Lockout(shown, tuple(str(s) for s in sources))


def account_first(
    info: PlatformInfo, running: str, remediation: tuple[str, ...], username: str, password: str
) -> tuple[str, ...]:
    """Lines that create capdo's own local account, when the remediation turns AAA login on
    and the device has no such account (else nothing)."""
    if info.name == "cisco_ios":
        turns_on = "aaa new-model" in remediation
        has = any(line.startswith(f"username {username} ") for line in running.splitlines())
        lines: tuple[str, ...] = (f"username {username} privilege 15 secret {password}",)
    else:
        turns_on = any(line.strip() == "authentication-mode aaa" for line in remediation)
        has = any(
            line.strip().startswith(f"local-user {username} ") for line in running.splitlines()
        )
        lines = (
            "aaa",
            f" local-user {username} password irreversible-cipher {password}",
            f" local-user {username} privilege level 15",
            f" local-user {username} service-type ssh",
        )
    return lines if turns_on and not has else ()
