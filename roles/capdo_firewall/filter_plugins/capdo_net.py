"""Address filters for capdo_firewall (ansible-core only; no ansible.utils needed)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any


def capdo_in_network(prefix: str, address: str) -> bool:
    """True when ``address`` lies inside ``prefix`` (False for anything unparsable)."""
    try:
        return ipaddress.ip_address(address.strip()) in ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        return False


def capdo_ipv4_prefixes(prefixes: Iterable[str]) -> list[str]:
    """The IPv4 prefixes of a list, normalised (host bits cleared)."""
    out: list[str] = []
    for prefix in prefixes:
        try:
            net = ipaddress.ip_network(str(prefix), strict=False)
        except ValueError:
            continue
        if net.version == 4:
            out.append(str(net))
    return out


class FilterModule:
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"capdo_in_network": capdo_in_network, "capdo_ipv4_prefixes": capdo_ipv4_prefixes}
