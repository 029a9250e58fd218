"""The lab's machine-readable state file: everything ``down`` needs to undo ``up``.

It is rewritten (atomically) after every step of ``up``, so an interrupted ``up`` can
still be undone.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from capdo_lab.proc import ProcRef

STATE_VERSION = 1


@dataclass
class HostState:
    name: str
    address: str
    systemd: bool
    netns: str
    veth: str
    root: str
    mounts: list[str] = field(default_factory=list)
    process: ProcRef | None = None
    relay: ProcRef | None = None
    log: str = ""


@dataclass
class LabState:
    lab_id: str
    workdir: str
    spec_digest: str
    bridge: str
    bridge_addresses: list[str]
    ssh_config: str
    private_key: str
    control_dir: str
    relay_socket: str
    relay: ProcRef | None = None
    hosts: list[HostState] = field(default_factory=list)
    version: int = STATE_VERSION

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LabState:
        hosts = [
            HostState(
                **{
                    **h,
                    "process": _ref(h.get("process")),
                    "relay": _ref(h.get("relay")),
                }
            )
            for h in data.get("hosts", [])
        ]
        plain = {k: v for k, v in data.items() if k not in ("hosts", "relay")}
        return cls(**plain, relay=_ref(data.get("relay")), hosts=hosts)

    def host(self, name: str) -> HostState:
        for host in self.hosts:
            if host.name == name:
                return host
        raise KeyError(name)


def _ref(data: dict[str, int] | None) -> ProcRef | None:
    return None if data is None else ProcRef(int(data["pid"]), int(data["start"]))


def save(path: Path, state: LabState) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state.to_json(), indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def load(path: Path) -> LabState | None:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        return None
    try:
        return LabState.from_json(data)
    except (TypeError, KeyError, ValueError):
        return None
