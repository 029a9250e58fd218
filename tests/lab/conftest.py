"""Fixtures for the lab tests: the session lab comes from the package's reusable fixture."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from capdo_lab import Lab
from capdo_lab.pytest_fixture import capdo_lab, capdo_lab_hosts, require_lab

__all__ = ["capdo_lab", "capdo_lab_hosts"]


def _out(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=False).stdout


def _leftovers(lab_id: str, workdir: Path) -> list[str]:
    """Everything of a lab still visible on the machine (empty after a clean ``down``)."""
    found: list[str] = []
    found += [
        f"netns {n}"
        for n in re.findall(rf"^(capdo-{lab_id}-\S+)", _out("ip", "netns", "list"), re.M)
    ]
    found += [
        f"link {n}"
        for n in re.findall(rf"^\d+: (cl{lab_id}(?:br|v\d+))[@:]", _out("ip", "link"), re.M)
    ]
    mounts = Path("/proc/mounts").read_text()
    found += [f"mount {line}" for line in mounts.splitlines() if str(workdir) in line]
    found += [f"mount {line}" for line in mounts.splitlines() if f"/capdo-{lab_id}-" in line]
    found += [f"process {p}" for p in _out("pgrep", "-a", "-f", str(workdir)).splitlines()]
    found += [f"process {p}" for p in _out("pgrep", "-a", "-f", f"capdo-{lab_id}-").splitlines()]
    if workdir.exists():
        found.append(f"directory {workdir}: {sorted(p.name for p in workdir.iterdir())}")
    return found


def _ssh(
    lab: Lab, name: str, command: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        lab.ssh_argv(name, command),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


SshRunner = Callable[..., subprocess.CompletedProcess[str]]
LeftoverFinder = Callable[[str, Path], list[str]]


@pytest.fixture
def lab_ssh() -> SshRunner:
    """``lab_ssh(lab, host, command)``: run a command on a lab host through its ssh_config."""
    return _ssh


@pytest.fixture
def lab_leftovers() -> LeftoverFinder:
    """``lab_leftovers(lab_id, workdir)``: netns, links, mounts, processes, dirs still there."""
    return _leftovers


@pytest.fixture
def root_lab_host() -> None:
    """Fail (with the reason) where real lab hosts cannot be built."""
    require_lab()
