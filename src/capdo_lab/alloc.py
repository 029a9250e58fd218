"""Choosing free lab networks and bringing a lab up in one, safe against parallel labs."""

from __future__ import annotations

import os
from collections.abc import Sequence
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path

from capdo_lab.errors import LabError
from capdo_lab.lab import Lab
from capdo_lab.netns import LAB_SPACE, addresses
from capdo_lab.spec import LabHostSpec

_ATTEMPTS = 8


def free_network(prefixlen: int = 24, *, skip: int = 0) -> IPv4Network:
    """A /24 (by default) of 198.18.0.0/15 with no address on any interface of the machine."""
    used = [addr.network for _, addr in addresses()]
    candidates = list(LAB_SPACE.subnets(new_prefix=prefixlen))
    start = (os.getpid() + skip * 7919) % len(candidates)
    for offset in range(len(candidates)):
        net = candidates[(start + offset) % len(candidates)]
        if net.network_address == LAB_SPACE.network_address:
            continue  # leave 198.18.0.0/24 to people typing examples by hand
        if not any(net.overlaps(u) for u in used):
            return net
    raise LabError("lab.error.network-in-use", network=str(LAB_SPACE), ifname="*")


def specs_in(
    network: IPv4Network, hosts: Sequence[tuple[str, bool]], first: int = 10
) -> list[LabHostSpec]:
    """Host specs numbered from ``.first`` in ``network``."""
    base = network.network_address
    return [
        LabHostSpec(name, IPv4Interface(f"{base + first + i}/{network.prefixlen}"), systemd)
        for i, (name, systemd) in enumerate(hosts)
    ]


def start_lab(
    lab_id: str, workdir: os.PathLike[str] | str, hosts: Sequence[tuple[str, bool]]
) -> Lab:
    """Bring a lab up in a free /24, retrying with another one if a parallel lab took it."""
    last: LabError | None = None
    for attempt in range(_ATTEMPTS):
        lab = Lab(lab_id, Path(workdir), specs_in(free_network(skip=attempt), hosts))
        try:
            lab.up()
        except LabError as exc:
            if exc.key != "lab.error.network-in-use":
                raise
            last = exc
            continue
        return lab
    assert last is not None
    raise last
