"""What a lab is made of (host specs, validation) and what ``status`` reports."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Interface
from pathlib import Path
from typing import Any

from capdo_lab import netns
from capdo_lab.errors import LabError

LAB_ID_RE = re.compile(r"^[a-z0-9]{1,8}$")
HOST_NAME_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
MAX_HOSTS = 999


@dataclass(frozen=True)
class LabHostSpec:
    """A host to create: its name, its address with prefix, and whether it boots systemd."""

    name: str
    address: IPv4Interface
    systemd: bool = False

    @classmethod
    def parse(cls, text: str, *, systemd: bool = False) -> LabHostSpec:
        """``NAME=ADDR/PREFIX`` (for example ``web1=198.18.0.10/24``)."""
        name, sep, addr = text.partition("=")
        if not sep or "/" not in addr:
            raise LabError("lab.error.bad-host-spec", spec=text)
        try:
            address = IPv4Interface(addr.strip())
        except ValueError as exc:
            raise LabError("lab.error.bad-host-spec", spec=text) from exc
        return cls(name.strip(), address, systemd)


@dataclass(frozen=True)
class HostStatus:
    name: str
    address: str
    systemd: bool
    netns: str
    pid: int | None
    running: bool
    ssh_banner: str | None

    @property
    def ssh_ok(self) -> bool:
        return self.ssh_banner is not None


@dataclass(frozen=True)
class LabStatus:
    lab_id: str
    workdir: str
    up: bool
    ssh_config: str | None
    private_key: str | None
    hosts: tuple[HostStatus, ...]

    @property
    def healthy(self) -> bool:
        return self.up and all(h.running and h.ssh_ok for h in self.hosts)

    def to_json(self) -> dict[str, Any]:
        return {
            "lab_id": self.lab_id,
            "workdir": self.workdir,
            "up": self.up,
            "healthy": self.healthy,
            "ssh_config": self.ssh_config,
            "private_key": self.private_key,
            "hosts": [
                {
                    "name": h.name,
                    "address": h.address,
                    "systemd": h.systemd,
                    "netns": h.netns,
                    "pid": h.pid,
                    "running": h.running,
                    "ssh": h.ssh_ok,
                    "ssh_banner": h.ssh_banner,
                }
                for h in self.hosts
            ],
        }


def lab_id_for(workdir: Path) -> str:
    """A short lab id derived from the working directory (distinct dirs, distinct labs)."""
    return hashlib.sha256(str(workdir.resolve()).encode()).hexdigest()[:6]


def validate_hosts(hosts: Sequence[LabHostSpec]) -> None:
    """Names and addresses usable for a lab: unique, in 198.18.0.0/15, not reserved."""
    if not hosts:
        raise LabError("lab.error.no-hosts")
    if len(hosts) > MAX_HOSTS:
        raise LabError("lab.error.too-many-hosts", count=len(hosts), limit=MAX_HOSTS)
    names: set[str] = set()
    addresses: set[str] = set()
    for spec in hosts:
        if not HOST_NAME_RE.match(spec.name):
            raise LabError("lab.error.bad-host-name", name=spec.name)
        if spec.name in names:
            raise LabError("lab.error.duplicate-host", name=spec.name)
        names.add(spec.name)
        net = spec.address.network
        if not net.subnet_of(netns.LAB_SPACE) or net.prefixlen > 30:
            raise LabError(
                "lab.error.address-outside", address=str(spec.address), space=netns.LAB_SPACE
            )
        reserved = {net.network_address, net.broadcast_address, netns.gateway(spec.address).ip}
        if spec.address.ip in reserved:
            raise LabError("lab.error.address-reserved", address=str(spec.address))
        if str(spec.address.ip) in addresses:
            raise LabError("lab.error.duplicate-address", address=str(spec.address.ip))
        addresses.add(str(spec.address.ip))
