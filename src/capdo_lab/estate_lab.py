"""A whole estate on one machine: its servers as real lab hosts, its network devices and
video-conference endpoints as emulations in child processes, and the connections overlay
that points the estate's inventory at all of them.

``capdo lab up -i inventories/lab`` uses this; the estate's own files are never changed (the
overlay lives in the lab's working directory, where ``estate.connection_overlay`` points).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from ipaddress import IPv4Interface
from pathlib import Path

import yaml

from capdo.exports import overlay_path
from capdo.inventory import Inventory
from capdo_lab.errors import LabError
from capdo_lab.lab import Lab
from capdo_lab.spec import LabHostSpec, LabStatus

LAB_PREFIX_LENGTH = 24
"""Lab hosts share one bridge per /24; the bridge takes the first address (the controller)."""
PASSWORD_VARIABLES = ("CAPDO_LAB_DEVICE_PASSWORD", "CAPDO_LAB_ENDPOINT_PASSWORD")
ENV_FILE = "lab.env"
EMULATORS_FILE = "emulators.json"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 5.0
# Endpoints broken on purpose in the demo, so that the checks have something to find.
DEMO_FAULTS = {"lab-vc-xa2": ("http-open", "old-firmware")}
EMULATED_PLATFORMS = frozenset({"cisco_ios", "huawei_vrp", "fortinet", "huawei_usg"})


@dataclass(frozen=True)
class Emulator:
    name: str
    module: str
    pid: int
    log: str


def server_specs(inventory: Inventory) -> list[LabHostSpec]:
    return [
        LabHostSpec(s.name, IPv4Interface(f"{s.address}/{LAB_PREFIX_LENGTH}"))
        for s in inventory.servers
    ]


def read_lab_env(workdir: Path) -> dict[str, str]:
    """The variables kept in the lab's ``lab.env`` (``export NAME=value`` lines)."""
    env_file = workdir / ENV_FILE
    if not env_file.is_file():
        return {}
    found: dict[str, str] = {}
    for line in env_file.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.removeprefix("export ").partition("=")
        if sep:
            found[name] = value
    return found


def lab_passwords(workdir: Path) -> dict[str, str]:
    """The lab's device and endpoint passwords: from the environment, else generated once per
    lab and kept in ``lab.env`` (mode 0600, never printed)."""
    env_file = workdir / ENV_FILE
    recorded = read_lab_env(workdir)
    known = {name: recorded[name] for name in PASSWORD_VARIABLES if name in recorded}
    for name in PASSWORD_VARIABLES:
        known[name] = os.environ.get(name) or known.get(name) or secrets.token_urlsafe(18)
    workdir.mkdir(parents=True, exist_ok=True)
    env_file.touch(mode=0o600)
    env_file.chmod(0o600)
    env_file.write_text("".join(f"export {k}={v}\n" for k, v in known.items()), encoding="utf-8")
    return known


def _start(
    module: str, args: list[str], workdir: Path, env: dict[str, str]
) -> tuple[Emulator, dict[str, object]]:
    """Start ``python -m module`` detached, wait for its JSON line, return it."""
    log = workdir / f"{module.rsplit('.', 1)[-1]}.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("{"):
                return Emulator(module, module, process.pid, str(log)), json.loads(line)
        if process.poll() is not None:
            raise LabError("lab.error.emulator", module=module, log=log.read_text()[-500:])
        time.sleep(0.1)
    process.kill()
    raise LabError("lab.error.emulator", module=module, log="timeout")


def _alive(emulator: Emulator) -> bool:
    try:
        cmdline = Path(f"/proc/{emulator.pid}/cmdline").read_bytes()
    except OSError:
        return False
    return emulator.module.encode() in cmdline


def recorded_estate(workdir: Path) -> Path | None:
    """The estate whose lab was brought up in ``workdir``, if one was."""
    record = workdir / EMULATORS_FILE
    if not record.is_file():
        return None
    estate = json.loads(record.read_text(encoding="utf-8")).get("estate")
    return Path(estate) if estate else None


def stop_emulators(workdir: Path) -> None:
    """End the estate's emulators (by PID, checked against their command line) and remove the
    connections overlay that pointed at them."""
    record = workdir / EMULATORS_FILE
    if not record.is_file():
        return
    data = json.loads(record.read_text(encoding="utf-8"))
    emulators = [Emulator(**e) for e in data.get("emulators", [])]
    for emulator in emulators:
        if _alive(emulator):
            os.kill(emulator.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for emulator in emulators:
        while _alive(emulator) and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):  # our child if up ran in this process
                os.waitpid(emulator.pid, os.WNOHANG)
            time.sleep(0.05)
        if _alive(emulator):
            os.kill(emulator.pid, signal.SIGKILL)
    overlay = data.get("overlay")
    if overlay:
        Path(overlay).unlink(missing_ok=True)
    if data.get("estate"):  # keep which estate this lab is for, so that `up` brings it back
        record.write_text(json.dumps({"estate": data["estate"]}), encoding="utf-8")
    else:
        record.unlink()


class EstateLab:
    """The lab of one estate directory."""

    def __init__(self, root: Path, inventory: Inventory, workdir: Path, lab_id: str) -> None:
        self.root = root
        self.inventory = inventory
        self.workdir = workdir
        self.hosts = Lab(lab_id, workdir, server_specs(inventory))

    @property
    def overlay(self) -> Path:
        return overlay_path(self.inventory.estate, self.root) or self.workdir / "connections.yml"

    def up(self) -> LabStatus:
        status = self.hosts.up()
        stop_emulators(self.workdir)
        passwords = lab_passwords(self.workdir)
        env = {**os.environ, **passwords}
        entries: dict[str, dict[str, object]] = {}
        for server in self.inventory.servers:
            entries[server.name] = {
                "host": str(server.address),
                "port": 22,
                "user": "root",
                "private_key_file": str(self.hosts.private_key),
                "ssh_config": str(self.hosts.ssh_config),
            }
        emulators: list[Emulator] = []
        try:
            devices = [d for d in self.inventory.devices if d.platform in EMULATED_PLATFORMS]
            if devices:
                args = [f"--device={d.name}={d.platform}" for d in devices]
                emulator, info = _start("capdo_lab.devices", args, self.workdir, env)
                emulators.append(emulator)
                ports = info.get("ports", {})
                assert isinstance(ports, dict)
                for name, port in ports.items():
                    entries[str(name)] = {"host": str(info.get("host", "127.0.0.1")), "port": port}
            if self.inventory.endpoints:
                args = ["--inventory", str(self.root)]
                args += [
                    f"--fault={n}={','.join(f)}"
                    for n, f in DEMO_FAULTS.items()
                    if any(e.name == n for e in self.inventory.endpoints)
                ]
                emulator, info = _start("capdo_lab.endpoints", args, self.workdir, env)
                emulators.append(emulator)
                self._write_overlay(entries)
                from capdo_lab.endpoints.estate import write_overlay  # noqa: PLC0415

                write_overlay(self.overlay, info.get("ports", {}))  # type: ignore[arg-type]
            else:
                self._write_overlay(entries)
        finally:
            record = {
                "emulators": [e.__dict__ for e in emulators],
                "overlay": str(self.overlay),
                "estate": str(self.root.resolve()),
            }
            (self.workdir / EMULATORS_FILE).write_text(json.dumps(record), encoding="utf-8")
        return status

    def _write_overlay(self, entries: dict[str, dict[str, object]]) -> None:
        self.overlay.parent.mkdir(parents=True, exist_ok=True)
        self.overlay.write_text(yaml.safe_dump(entries, sort_keys=True), encoding="utf-8")

    def down(self) -> None:
        stop_emulators(self.workdir)
        self.hosts.down()
