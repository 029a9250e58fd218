"""A real lab of the lab estate's servers, converged once per session with the real playbooks.

The hosts are built in a copy of the lab estate relocated from 198.18.0.0/24 to a free /24
(``tests.conftest.relocated_lab_estate``), with the controller on .1 inside the copy's
management zone: the firewall, NTP and log-server settings the roles derive from the estate
then hold in the lab exactly as in production, and a user's demo lab on 198.18.0.0/24 (or any
other lab) never gets in the way. The connection overlay (CAPDO_CONNECTIONS) adds the lab's
key and ssh_config.
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

from capdo.provisioning import mitogen_wanted, run_environment
from capdo_lab.errors import LabError
from capdo_lab.lab import Lab, LabHostSpec
from capdo_lab.proc import become_subreaper
from capdo_lab.pytest_fixture import require_lab
from tests.conftest import free_lab_estate_network, relocated_lab_estate

REPO = Path(__file__).resolve().parents[2]
# The lab estate's servers used by these tests (host part of their 198.18.0.x address): the
# log/time server (level 3), a level-3 application server and the level-2 MCU. lab-db01 stays
# down on purpose (unreachable host).
HOSTS = {"lab-log01": 33, "lab-web01": 34, "lab-mcu01": 36}
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
    estate: Path
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
            [
                str(Path(sys.executable).with_name("ansible-playbook")),
                "-i",
                str(self.estate),
                *args,
            ],
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
    """ansible-playbook's environment; with CAPDO_MITOGEN=1 the whole sequence runs with the
    Mitogen strategy, exactly as ``capdo provision --mitogen`` sets it up."""
    env = dict(os.environ)
    env.update(run_environment(env, REPO, mitogen_wanted(None)))
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


def _start(base: Path, workdir: Path) -> tuple[Lab, Path, dict[str, str]]:
    """The hosts up in a free /24 and the estate copy relocated there (retrying on a race
    with a parallel lab for the same /24)."""
    last: LabError | None = None
    for attempt in range(6):
        network = free_lab_estate_network(skip=13 + attempt)
        estate = base / f"estate-{network.rsplit('.', 1)[1]}"
        relocated_lab_estate(estate, network)
        addresses = {name: f"{network}.{host}" for name, host in HOSTS.items()}
        specs = [LabHostSpec(n, IPv4Interface(f"{a}/24"), False) for n, a in addresses.items()]
        lab = Lab(f"v{os.getpid()}"[:8], workdir, specs)  # v: unlike every other test lab id
        try:
            lab.up()
        except LabError as exc:
            lab.down()
            if exc.key != "lab.error.network-in-use":
                pytest.fail("server lab: " + exc.message("en"), pytrace=False)
            last = exc
            continue
        return lab, estate, addresses
    assert last is not None
    pytest.fail("server lab: " + last.message("en"), pytrace=False)


@pytest.fixture(scope="session")
def server_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerLab]:
    require_lab()
    become_subreaper()
    base = tmp_path_factory.mktemp("capdo-srv")
    workdir = base / "lab"
    lab, estate, addresses = _start(base, workdir)
    overlay = base / "connections.yml"
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
                for name, address in addresses.items()
            }
        )
    )
    saved = os.environ.get("CAPDO_CONNECTIONS")
    os.environ["CAPDO_CONNECTIONS"] = str(overlay)
    try:
        yield ServerLab(lab, estate, overlay, _env(overlay, base))
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
