"""Never lock the operator out of a firewall: who may log in, read from FortiOS and USG configs.

* FortiOS: an administrator logs in only from its trusted hosts (``config system admin`` →
  ``edit "<user>"`` → ``set trusthost1..10 <address> <mask>``; none set, or ``0.0.0.0
  0.0.0.0``, admits any address), and only on an interface whose ``allowaccess`` has ``ssh``.
* Huawei USG: besides the vty ACL (read as VRP's, :mod:`capdo.network.access`), an interface
  with ``service-manage enable`` answers SSH only with ``service-manage ssh permit``.

capdo does not manage FortiOS administrators (their passwords are the operators'): a push
keeps the running config's trusted hosts unless the intended config sets them, so both are read.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

ANY = ipaddress.IPv4Network("0.0.0.0/0")
TRUSTHOSTS = tuple(f"trusthost{n}" for n in range(1, 11))


@dataclass(frozen=True)
class Shut:
    """Why the controller could not log in after the push."""

    key: str
    """Message key (``network.error.lockout-*``)."""
    params: dict[str, str]


def _child(node: Any, text: str) -> Any:
    return next((c for c in node.children if c.text == text), None)


def _sets(entry: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for kid in entry.children:
        words = kid.text.split(maxsplit=2)
        if len(words) == 3 and words[0] == "set":
            values[words[1]] = words[2]
    return values


def _entry(tree: Any, section: str, name: str) -> Any:
    node = _child(tree, f"config {section}")
    if node is None:
        return None
    return next(
        (e for e in node.children if e.text.split(maxsplit=1)[1:] in ([f'"{name}"'], [name])),
        None,
    )


def trusted_hosts(tree: Any, username: str) -> list[ipaddress.IPv4Network] | None:
    """The trusted hosts of FortiOS administrator ``username``; None when the config has no
    such administrator; ``[0.0.0.0/0]`` when it sets none."""
    entry = _entry(tree, "system admin", username)
    if entry is None:
        return None
    values = _sets(entry)
    found: list[ipaddress.IPv4Network] = []
    for key in TRUSTHOSTS:
        words = values.get(key, "").replace("/", " ").split()
        if not words:
            continue
        mask = words[1] if len(words) > 1 else "32"
        try:
            found.append(ipaddress.IPv4Network(f"{words[0]}/{mask}", strict=False))
        except ValueError:
            continue
    return found or [ANY]


def _fortios_ssh_interface(tree: Any, device_address: str) -> tuple[str, bool] | None:
    """(interface, admits SSH) of the interface holding the device's management address."""
    node = _child(tree, "config system interface")
    for entry in node.children if node is not None else ():
        values = _sets(entry)
        if values.get("ip", "").split()[:1] == [device_address]:
            name = entry.text.split(maxsplit=1)[1].strip('"')
            return name, "ssh" in values.get("allowaccess", "").split()
    return None


def _usg_service_manage(tree: Any, device_address: str) -> str | None:
    """The management interface's name when ``service-manage`` shuts SSH on it."""
    for node in tree.children:
        if not node.text.startswith("interface "):
            continue
        kids = [c.text for c in node.children]
        if not any(k.split()[:3] == ["ip", "address", device_address] for k in kids):
            continue
        if "service-manage enable" in kids and "service-manage ssh permit" not in kids:
            return str(node.text.split(maxsplit=1)[1])
    return None


def firewall_lockout(
    platform: str,
    intended: Any,
    running: Any | None,
    addresses: list[ipaddress.IPv4Address],
    username: str,
    device_address: str,
) -> Shut | None:
    """None when every controller address could still log in after the push (read from the
    intended config, and from the running one for what a push leaves as it is)."""
    shown = ", ".join(str(a) for a in addresses) or "?"
    if platform == "fortinet":
        found = _fortios_ssh_interface(intended, device_address)
        if found is not None and not found[1]:
            return Shut(
                "network.error.lockout-service",
                {"interface": found[0], "address": shown, "detail": "allowaccess"},
            )
        hosts = trusted_hosts(intended, username)
        if hosts is None and running is not None:
            hosts = trusted_hosts(running, username)
        if hosts is None:
            return None
        outside = [a for a in addresses if not any(a in h for h in hosts)]
        if outside or not addresses:
            return Shut(
                "network.error.lockout-trusthost",
                {
                    "user": username,
                    "address": ", ".join(str(a) for a in outside) or "?",
                    "allowed": ", ".join(str(h) for h in hosts),
                },
            )
        return None
    if platform == "huawei_usg":
        interface = _usg_service_manage(intended, device_address)
        if interface is not None:
            return Shut(
                "network.error.lockout-service",
                {"interface": interface, "address": shown, "detail": "service-manage"},
            )
    return None
