"""Run the emulated devices of an estate in a child process (what ``capdo lab up`` uses)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from capdo.inventory import Inventory
from capdo_lab.devices.state import DeviceSpec
from capdo_lab.devices.syntax import SYNTAXES

READY_TIMEOUT = 60.0


def specs_for_estate(inventory: Inventory) -> list[DeviceSpec]:
    """One emulated device per network device whose platform capdo can emulate."""
    return [DeviceSpec(d.name, d.platform) for d in inventory.devices if d.platform in SYNTAXES]


class DeviceProcessError(RuntimeError):
    pass


@dataclass
class DeviceProcess:
    """``DeviceProcess(specs, overlay=path).start()``; ``ports``; ``stop()`` sends SIGTERM."""

    specs: Sequence[DeviceSpec]
    overlay: Path | None = None
    username: str = "capdo"
    password_env: str = "CAPDO_LAB_DEVICE_PASSWORD"
    env: Mapping[str, str] | None = None
    ports: dict[str, int] = field(default_factory=dict)
    proc: subprocess.Popen[str] | None = None
    _stderr: IO[str] | None = None

    def start(self) -> DeviceProcess:
        argv = [sys.executable, "-m", "capdo_lab.devices", "--username", self.username]
        argv += ["--password-env", self.password_env]
        for spec in self.specs:
            argv += ["--device", f"{spec.name}={spec.platform}"]
        if self.overlay is not None:
            argv += ["--overlay", str(self.overlay)]
        env = dict(os.environ if self.env is None else self.env)
        # stderr goes to a file, not a pipe nobody reads (a full pipe would block the child)
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (kept open while the child runs)
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=self._stderr, text=True, env=env
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            self._stderr.seek(0)
            error = self._stderr.read()
            self.stop()
            raise DeviceProcessError(error.strip() or "device process ended before it was ready")
        self.ports = {str(k): int(v) for k, v in json.loads(line)["ports"].items()}
        return self

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def stop(self, timeout: float = 20.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> DeviceProcess:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
