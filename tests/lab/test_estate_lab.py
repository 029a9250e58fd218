"""``capdo lab up -i ESTATE``: real servers, emulated devices and endpoints, one overlay that
makes the estate's own inventory reach all of them; ``down`` leaves nothing behind."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from capdo_lab.pytest_fixture import require_lab
from tests.conftest import REPO, free_lab_estate_network, lab_copy_env, relocated_lab_estate

pytestmark = pytest.mark.lab


def capdo(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "capdo.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=lab_copy_env(**(env or {})),
        timeout=300,
    )


@pytest.fixture(scope="module")
def estate_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    require_lab()
    base = tmp_path_factory.mktemp("estate-lab")
    network = free_lab_estate_network(skip=7)
    estate = relocated_lab_estate(base / "estate", network)
    workdir = base / "lab-run"
    up = capdo("lab", "up", "-i", str(estate), "--workdir", str(workdir), "--lang", "en")
    assert up.returncode == 0, up.stdout + up.stderr
    yield estate, workdir
    down = capdo("lab", "down", "--workdir", str(workdir))
    assert down.returncode == 0, down.stderr


def test_overlay_points_at_every_target(estate_lab: tuple[Path, Path]) -> None:
    _, workdir = estate_lab
    overlay = yaml.safe_load((workdir / "connections.yml").read_text())
    assert set(overlay) == {
        "lab-web01",
        "lab-db01",
        "lab-log01",
        "lab-mcu01",
        "lab-core01",
        "lab-wan01",
        "lab-xa-rtr01",
        "lab-fw01",
        "lab-vc-dc",
        "lab-vc-xa1",
        "lab-vc-xa2",
    }
    for device in ("lab-core01", "lab-wan01", "lab-xa-rtr01", "lab-fw01"):
        with socket.create_connection(("127.0.0.1", overlay[device]["port"]), timeout=5) as s:
            assert s.recv(64).startswith(b"SSH-")
    assert "http" in overlay["lab-vc-xa2"]  # broken on purpose for the demo
    assert "http" not in overlay["lab-vc-xa1"]


def test_ansible_reaches_the_servers_through_the_estate_inventory(
    estate_lab: tuple[Path, Path],
) -> None:
    estate, _ = estate_lab
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible"),
            "-i",
            str(estate),
            "servers",
            "-m",
            "ping",
            "-o",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=lab_copy_env(),
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("SUCCESS") == 4


def test_endpoint_checks_find_the_broken_endpoint(estate_lab: tuple[Path, Path]) -> None:
    estate, workdir = estate_lab
    env_lines = (workdir / "lab.env").read_text().splitlines()
    env = dict(line.removeprefix("export ").split("=", 1) for line in env_lines)
    assert oct((workdir / "lab.env").stat().st_mode & 0o777) == "0o600"
    out = workdir.parent / "endpoints.jsonl"
    run = capdo("endpoints", "check", "-i", str(estate), "--out", str(out), "--lang", "en", env=env)
    assert run.returncode in (0, 1), run.stderr
    failing = {line.split()[1] for line in run.stdout.splitlines() if line.startswith("fail")}
    assert failing == {"VC.04", "VC.05"}
    assert all(env[k] not in run.stdout + out.read_text() for k in env)  # no password leaks


def test_down_stops_the_emulators(tmp_path: Path) -> None:
    require_lab()
    network = free_lab_estate_network(skip=11)
    estate = relocated_lab_estate(tmp_path / "estate", network)
    workdir = tmp_path / "lab-run"
    assert capdo("lab", "up", "-i", str(estate), "--workdir", str(workdir)).returncode == 0
    record = json.loads((workdir / "emulators.json").read_text())
    pids = [e["pid"] for e in record["emulators"]]
    assert len(pids) == 2
    assert all(Path(f"/proc/{pid}").exists() for pid in pids)
    assert capdo("lab", "down", "--workdir", str(workdir)).returncode == 0
    assert not (workdir / "connections.yml").exists()
    for pid in pids:
        cmdline = Path(f"/proc/{pid}/cmdline")
        assert not cmdline.exists() or b"capdo_lab" not in cmdline.read_bytes()
    # `up` without -i brings the recorded estate's lab back, emulators included
    again = capdo("lab", "up", "--workdir", str(workdir))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "lab-core01" in (workdir / "connections.yml").read_text()
    assert capdo("lab", "down", "--workdir", str(workdir)).returncode == 0
