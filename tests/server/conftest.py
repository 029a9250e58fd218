"""A real lab of the lab estate's servers, converged once per session with the real playbooks.

The hosts are built at the estate's own addresses (198.18.0.0/24 of inventories/lab), with
the controller on 198.18.0.1 inside the management zone: the firewall, NTP and log-server
settings the roles derive from the estate then hold in the lab exactly as in production.
(``capdo.lab.pytest_fixture.capdo_lab`` picks a random /24, where the management-only
firewall would refuse the controller, so this fixture uses the same lab API with fixed
addresses.) The connection overlay (CAPDO_CONNECTIONS) adds the lab's key and ssh_config.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Interface
from pathlib import Path

import pytest
import yaml

from capdo.lab.errors import LabError
from capdo.lab.lab import Lab, LabHostSpec
from capdo.lab.proc import become_subreaper
from capdo.lab.pytest_fixture import lab_unavailable_reason

REPO = Path(__file__).resolve().parents[2]
ESTATE = REPO / "inventories" / "lab"
# The lab estate's servers used by these tests: the log/time server (level 3), a level-3
# application server and the level-2 MCU. lab-db01 stays down on purpose (unreachable host).
HOSTS = {"lab-log01": "198.18.0.33", "lab-web01": "198.18.0.34", "lab-mcu01": "198.18.0.36"}
DOWN_HOST = "lab-db01"
LIMIT = ",".join(HOSTS)


@dataclass
class PlayRun:
    returncode: int
    output: str

    def recap(self) -> dict[str, dict[str, int]]:
        stats: dict[str, dict[str, int]] = {}
        for host, rest in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", self.output, re.M):
            stats[host] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", rest)}
        return stats


@dataclass
class ServerLab:
    lab: Lab
    overlay: Path
    env: dict[str, str]
    runs: dict[str, PlayRun] = field(default_factory=dict)

    def ssh(
        self, host: str, command: str, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["ssh", "-F", str(self.lab.ssh_config), host, command],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    def playbook(self, *args: str) -> PlayRun:
        done = subprocess.run(
            [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(ESTATE), *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        return PlayRun(done.returncode, done.stdout + done.stderr)


def _env(overlay: Path, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "CAPDO_CONNECTIONS": str(overlay),
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "ANSIBLE_LOCAL_TEMP": str(home / "ansible-tmp"),
            "ANSIBLE_NOCOLOR": "1",
            "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}",
        }
    )
    return env


@pytest.fixture(scope="session")
def server_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerLab]:
    reason = lab_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    become_subreaper()
    workdir = tmp_path_factory.mktemp("capdo-srv") / "lab"
    specs = [LabHostSpec(n, IPv4Interface(f"{a}/24"), False) for n, a in HOSTS.items()]
    lab = Lab(f"v{os.getpid()}"[:8], workdir, specs)  # v: unlike every other test lab id
    try:
        lab.up()
    except LabError as exc:
        lab.down()
        pytest.skip("lab estate addresses unavailable: " + exc.message("en"))
    overlay = workdir.parent / "connections.yml"
    overlay.write_text(
        yaml.safe_dump(
            {
                name: {
                    "host": address,
                    "port": 22,
                    "user": "root",
                    "private_key_file": str(lab.private_key),
                    "ssh_config": str(lab.ssh_config),
                }
                for name, address in HOSTS.items()
            }
        )
    )
    saved = os.environ.get("CAPDO_CONNECTIONS")
    os.environ["CAPDO_CONNECTIONS"] = str(overlay)
    try:
        yield ServerLab(lab, overlay, _env(overlay, workdir.parent))
    finally:
        if saved is None:
            os.environ.pop("CAPDO_CONNECTIONS", None)
        else:
            os.environ["CAPDO_CONNECTIONS"] = saved
        lab.down()


def _wait_for_time_sync(server_lab: ServerLab) -> None:
    for host in HOSTS:
        server_lab.ssh(host, "chronyc waitsync 60 0.5 0 1 >/dev/null 2>&1 || true", timeout=90)


@pytest.fixture(scope="session")
def converged(server_lab: ServerLab) -> ServerLab:
    """The dev-sec sequence on fresh hosts: check mode, converge, idempotence."""
    server_lab.runs["check"] = server_lab.playbook("playbooks/site.yml", "--check", "-l", LIMIT)
    server_lab.runs["converge"] = server_lab.playbook("playbooks/site.yml", "-l", LIMIT)
    if server_lab.runs["converge"].returncode == 0:
        server_lab.runs["idempotence"] = server_lab.playbook("playbooks/site.yml", "-l", LIMIT)
        _wait_for_time_sync(server_lab)
        time.sleep(1)
    return server_lab
