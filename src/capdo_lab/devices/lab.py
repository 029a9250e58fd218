"""A set of emulated devices on kernel-chosen loopback ports, started and stopped together."""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

import yaml

from capdo_lab.devices.server import DeviceServer, platform_data
from capdo_lab.devices.state import DeviceSpec, DeviceState
from capdo_lab.devices.syntax import SYNTAXES

LOOPBACK = "127.0.0.1"
NETMIKO_TYPE = {
    "cisco_ios": "cisco_ios",
    "huawei_vrp": "huawei",
    "huawei_usg": "huawei",
    "fortinet": "fortinet",
}


def quiet_libraries() -> None:
    """paramiko logs every peer disconnect as an error; fakenos logs per command."""
    for name in ("paramiko", "paramiko.transport", "fakenos"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def bind_free_port(host: str = LOOPBACK) -> socket.socket:
    """A socket bound to a port the kernel chose, without SO_REUSEPORT (fakenos sets it,
    which would let two labs silently share a port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, 0))
    return sock


class DeviceLab:
    """``DeviceLab(specs, username=..., password=...).start()``; ``ports`` maps name → port."""

    def __init__(
        self,
        specs: Sequence[DeviceSpec],
        *,
        username: str,
        password: str,
        enable_secret: str | None = None,
        host: str = LOOPBACK,
    ) -> None:
        names = [s.name for s in specs]
        if len(set(names)) != len(names):
            raise ValueError("device names in a lab must be distinct")
        if not username or not password:
            raise ValueError("an emulated device needs a user name and a password")
        self.specs = tuple(specs)
        self.username = username
        self.password = password
        self.enable_secret = enable_secret
        self.host = host
        self.states: dict[str, DeviceState] = {
            s.name: DeviceState(s, username=username) for s in specs
        }
        self._servers: dict[str, DeviceServer] = {}

    @property
    def ports(self) -> dict[str, int]:
        return {name: server.port for name, server in self._servers.items()}

    @property
    def running(self) -> bool:
        return bool(self._servers)

    def start(self) -> DeviceLab:
        quiet_libraries()
        for platform in sorted({s.spec.platform for s in self.states.values()}):
            platform_data(SYNTAXES[platform].fakenos_platform)
        try:
            for name, state in self.states.items():
                server = DeviceServer(
                    state,
                    bind_free_port(self.host),
                    self.username,
                    self.password,
                    self.enable_secret,
                )
                server.start()
                self._servers[name] = server
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop every server in parallel (one at a time takes 1–2 s each)."""
        servers, self._servers = list(self._servers.values()), {}
        threads = [threading.Thread(target=s.stop, daemon=True) for s in servers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)

    def reset(self, names: Iterable[str] | None = None) -> None:
        """Seed configuration back, saved configuration too, injected faults cleared."""
        for name in names if names is not None else self.states:
            self.states[name].reset()

    def reject(self, name: str, pattern: str) -> None:
        """Make ``name`` refuse configuration lines matching ``pattern`` (fault injection)."""
        self.states[name].reject.append(re.compile(pattern))

    def running_config(self, name: str) -> str:
        return self.states[name].text("running")

    def saved_config(self, name: str) -> str:
        return self.states[name].text("startup")

    def netmiko_params(self, name: str) -> dict[str, object]:
        platform = self.states[name].spec.platform
        params: dict[str, object] = {
            "device_type": NETMIKO_TYPE[platform],
            "host": self.host,
            "port": self.ports[name],
            "username": self.username,
            "password": self.password,
        }
        if self.enable_secret:
            params["secret"] = self.enable_secret
        return params

    def overlay(self) -> dict[str, dict[str, object]]:
        return {name: {"host": self.host, "port": port} for name, port in self.ports.items()}

    def write_overlay(self, path: Path, merge: bool = True) -> Path:
        """Write (or merge into) a connections overlay so the estate reaches the emulations."""
        return write_overlay(path, self.overlay(), merge=merge)

    def __enter__(self) -> DeviceLab:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def write_overlay(path: Path, entries: dict[str, dict[str, object]], merge: bool = True) -> Path:
    """``{device: {host, port}}`` into the overlay YAML the exports read (other entries kept)."""
    current: dict[str, object] = {}
    if merge and path.is_file():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(loaded, dict):
            current = {str(k): v for k, v in loaded.items()}
    current.update(entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(current, sort_keys=True), encoding="utf-8")
    return path
