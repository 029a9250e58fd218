"""Network plumbing of a lab: one bridge in the root namespace, one netns + veth per host.

Only ``ip`` is used; no sysctl, route (beyond the bridge's connected route), firewall or
forwarding setting of the machine is touched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path

from capdo_lab.errors import LabError
from capdo_lab.proc import run

IFNAMSIZ = 15
NETNS_DIR = Path("/run/netns")
LAB_SPACE = IPv4Network("198.18.0.0/15")


def bridge_name(lab_id: str) -> str:
    return _ifname(f"cl{lab_id}br")


def veth_name(lab_id: str, index: int) -> str:
    return _ifname(f"cl{lab_id}v{index}")


def netns_name(lab_id: str, host: str) -> str:
    return f"capdo-{lab_id}-{host}"


def _ifname(name: str) -> str:
    if len(name) > IFNAMSIZ:
        raise LabError("lab.error.ifname-too-long", name=name)
    return name


def gateway(address: IPv4Interface) -> IPv4Interface:
    """The bridge address of a host's network: the prefix's first address."""
    net = address.network
    return IPv4Interface(f"{net.network_address + 1}/{net.prefixlen}")


def links() -> list[str]:
    out = run(["ip", "-j", "link", "show"]).stdout
    return [str(link["ifname"]) for link in json.loads(out or "[]")]


def addresses() -> list[tuple[str, IPv4Interface]]:
    out = run(["ip", "-j", "-4", "addr", "show"]).stdout
    found: list[tuple[str, IPv4Interface]] = []
    for link in json.loads(out or "[]"):
        for info in link.get("addr_info", []):
            found.append(
                (str(link["ifname"]), IPv4Interface(f"{info['local']}/{info['prefixlen']}"))
            )
    return found


def namespaces() -> list[str]:
    try:
        return sorted(p.name for p in NETNS_DIR.iterdir())
    except FileNotFoundError:
        return []


def lab_links(lab_id: str) -> list[str]:
    """Interfaces named after this lab: its bridge and its veths (exact patterns)."""
    pattern = re.compile(rf"^cl{re.escape(lab_id)}(br|v\d+)$")
    return [name for name in links() if pattern.match(name)]


def lab_namespaces(lab_id: str) -> list[str]:
    prefix = f"capdo-{lab_id}-"
    return [name for name in namespaces() if name.startswith(prefix)]


def check_networks_free(bridge: str, networks: Sequence[IPv4Network]) -> None:
    """Refuse networks that overlap an address on any interface other than our bridge."""
    for ifname, addr in addresses():
        if ifname == bridge:
            continue
        for net in networks:
            if addr.network.overlaps(net):
                raise LabError("lab.error.network-in-use", network=str(net), ifname=ifname)


def create_bridge(name: str, gateways: Sequence[IPv4Interface]) -> None:
    run(["ip", "link", "add", name, "type", "bridge"])
    for gw in gateways:
        run(["ip", "addr", "add", str(gw), "dev", name])
    run(["ip", "link", "set", name, "up"])


def create_host_network(
    netns: str, veth: str, bridge: str, address: IPv4Interface, gw: IPv4Interface
) -> None:
    """netns + veth pair (root end on the bridge, ``eth0`` inside) + address + default route."""
    run(["ip", "netns", "add", netns])
    run(["ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", netns])
    run(["ip", "link", "set", veth, "master", bridge, "up"])
    run(["ip", "-n", netns, "link", "set", "lo", "up"])
    run(["ip", "-n", netns, "addr", "add", str(address), "dev", "eth0"])
    run(["ip", "-n", netns, "link", "set", "eth0", "up"])
    # Only so that facts have a default IPv4; the machine does not forward (nothing leaves).
    run(["ip", "-n", netns, "route", "add", "default", "via", str(gw.ip)])


def netns_pids(netns: str) -> list[int]:
    done = run(["ip", "netns", "pids", netns], check=False)
    return [int(p) for p in done.stdout.split() if p.isdigit()]


def delete_link(name: str) -> bool:
    return run(["ip", "link", "del", name], check=False).returncode == 0


def delete_netns(name: str) -> bool:
    if not (NETNS_DIR / name).exists():
        return False
    run(["ip", "netns", "del", name])
    return True
