"""Shared constants and helpers of the OpenSCAP wrapper tests (imported by tests and conftest)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from capdo_lab import Lab

REPO = Path(__file__).resolve().parents[2]
LAB_ESTATE = REPO / "inventories" / "lab"
CHECKS_SCAP = REPO / "checks" / "scap"
CATALOGUE = REPO / "checks" / "catalogue"
SCAP_LAB_HOSTS = ("lab-web01", "lab-mcu01")
HARDEN = Path(__file__).with_name("harden.sh")


def write_overlay(lab: Lab, path: Path, users: dict[str, str] | None = None) -> Path:
    """A connection overlay that sends the lab estate's servers to the lab hosts."""
    users = users or {}
    data = {
        spec.name: {
            "host": str(spec.address.ip),
            "port": 22,
            "user": users.get(spec.name, "root"),
            "private_key_file": str(lab.private_key),
            "ssh_config": str(lab.ssh_config),
        }
        for spec in lab.hosts
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def harden(lab: Lab, name: str) -> None:
    """Apply the settings behind the rules the lab tests check (see harden.sh)."""
    done = subprocess.run(
        lab.ssh_argv(name, "sh -s"),
        input=HARDEN.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        start_new_session=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
