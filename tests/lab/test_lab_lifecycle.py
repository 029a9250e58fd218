"""Lab lifecycle: parallel labs, stale leftovers, teardown with open connections, systemd
hosts and the CLI. Each test builds its own small lab in a free /24 and tears it down."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from ipaddress import IPv4Interface
from pathlib import Path

import pytest

from capdo_lab import Lab, LabError, LabHostSpec
from capdo_lab.alloc import free_network, specs_in, start_lab
from capdo_lab.proc import become_subreaper, reap_adopted

pytestmark = [pytest.mark.lab, pytest.mark.usefixtures("root_lab_host")]

SshRunner = Callable[..., subprocess.CompletedProcess[str]]
LeftoverFinder = Callable[[str, Path], list[str]]


def _lab_id(tag: str) -> str:
    return f"{tag}{os.getpid() % 100000}"


@pytest.fixture(autouse=True)
def _subreaper() -> None:
    become_subreaper()


def test_two_labs_side_by_side_do_not_collide(
    tmp_path: Path, lab_ssh: SshRunner, lab_leftovers: LeftoverFinder
) -> None:
    first = start_lab(_lab_id("a"), tmp_path / "a", [("h1", False), ("h2", False)])
    try:
        second = start_lab(_lab_id("b"), tmp_path / "b", [("h1", False), ("h2", False)])
        try:
            assert first.bridge != second.bridge
            assert first.hosts[0].address.network != second.hosts[0].address.network
            for lab in (first, second):
                for spec in lab.hosts:
                    done = lab_ssh(lab, spec.name, "ip -4 -o addr show dev eth0")
                    assert done.returncode == 0, done.stderr
                    assert str(spec.address) in done.stdout
        finally:
            second.down()
        assert lab_leftovers(second.lab_id, second.workdir) == []
        assert first.status().healthy  # the other lab is untouched
    finally:
        first.down()
    assert lab_leftovers(first.lab_id, first.workdir) == []


def test_overlapping_network_is_refused_and_leaves_nothing(
    tmp_path: Path, lab_leftovers: LeftoverFinder
) -> None:
    first = start_lab(_lab_id("c"), tmp_path / "c", [("h1", False)])
    try:
        taken = first.hosts[0].address
        other = IPv4Interface(f"{taken.ip + 1}/{taken.network.prefixlen}")
        clash = Lab(_lab_id("d"), tmp_path / "d", [LabHostSpec("h1", other)])
        with pytest.raises(LabError) as info:
            clash.up()
        assert info.value.key == "lab.error.network-in-use"
        assert lab_leftovers(clash.lab_id, clash.workdir) == []
        assert first.status().healthy
    finally:
        first.down()
    assert lab_leftovers(first.lab_id, first.workdir) == []


def test_down_with_open_connections_then_up_again(
    tmp_path: Path, lab_ssh: SshRunner, lab_leftovers: LeftoverFinder
) -> None:
    lab = start_lab(_lab_id("e"), tmp_path / "e", [("h1", False), ("h2", False)])
    specs = lab.hosts
    try:
        # a ControlPersist master per host plus a long-running session on h1
        for spec in specs:
            assert lab_ssh(lab, spec.name, "true").returncode == 0
        busy = subprocess.Popen(
            lab.ssh_argv("h1", "sleep 600"),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        lab.down()
        busy.wait(timeout=30)
        assert lab_leftovers(lab.lab_id, lab.workdir) == []
        # the same names (veths, netns, bridge) can be created again at once
        again = Lab(lab.lab_id, lab.workdir, specs)
        assert again.up().healthy
        assert lab_ssh(again, "h2", "true").returncode == 0
    finally:
        Lab(lab.lab_id, lab.workdir, specs).down()
    assert lab_leftovers(lab.lab_id, lab.workdir) == []


def test_up_cleans_stale_leftovers_of_the_same_lab(
    tmp_path: Path, lab_ssh: SshRunner, lab_leftovers: LeftoverFinder
) -> None:
    lab = start_lab(_lab_id("f"), tmp_path / "f", [("h1", False)])
    try:
        # lose the state file and kill a host abruptly: what remains is "stale"
        state = json.loads(lab.state_path.read_text())
        os.kill(state["hosts"][0]["process"]["pid"], signal.SIGKILL)
        lab.state_path.unlink()
        fresh = Lab(lab.lab_id, lab.workdir, lab.hosts)
        assert fresh.up().healthy
        assert lab_ssh(fresh, "h1", "true").returncode == 0
    finally:
        lab.down()
    reap_adopted(["bash"])  # the killed host's init, adopted by this (subreaper) process
    assert lab_leftovers(lab.lab_id, lab.workdir) == []


def test_systemd_host_boots_real_systemd(
    tmp_path: Path, lab_ssh: SshRunner, lab_leftovers: LeftoverFinder
) -> None:
    lab = start_lab(_lab_id("n"), tmp_path / "n", [("sd1", True), ("plain1", False)])
    try:
        done = lab_ssh(lab, "sd1", "systemctl is-system-running --wait; systemd-detect-virt")
        assert done.stdout.split()[:2] in (
            ["running", "systemd-nspawn"],
            ["degraded", "systemd-nspawn"],
        ), done.stdout + done.stderr
        sysctl = lab_ssh(lab, "sd1", "sysctl -w kernel.domainname=capdo-lab-test")
        assert sysctl.returncode != 0
        plain = lab_ssh(lab, "plain1", "test -d /run/systemd/system || echo no-systemd")
        assert plain.stdout.strip() == "no-systemd"
    finally:
        lab.down()
    assert lab_leftovers(lab.lab_id, lab.workdir) == []
    assert not Path("/run/systemd/nspawn/propagate", f"capdo-{lab.lab_id}-sd1").exists()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from capdo.cli import main; main()", "lab", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_cli_up_status_down(tmp_path: Path, lab_leftovers: LeftoverFinder) -> None:
    workdir = tmp_path / "cli"
    lab_id = _lab_id("k")
    hosts = specs_in(free_network(), [("web1", False), ("db1", False)])
    host_args = [a for s in hosts for a in ("--host", f"{s.name}={s.address}")]
    common = ["--workdir", str(workdir), "--lab-id", lab_id]
    try:
        up = _cli("up", *common, *host_args, "--format", "json")
        assert up.returncode == 0, up.stderr
        data = json.loads(up.stdout)
        assert data["healthy"]
        assert [h["name"] for h in data["hosts"]] == ["web1", "db1"]
        again = _cli("up", "--workdir", str(workdir), "--format", "json")  # recorded hosts
        assert again.returncode == 0, again.stderr
        assert [h["pid"] for h in json.loads(again.stdout)["hosts"]] == [
            h["pid"] for h in data["hosts"]
        ]
        status = _cli("status", "--workdir", str(workdir), "--lang", "en")
        assert status.returncode == 0, status.stderr
        assert status.stdout.count("answers") == 2
        vi = _cli("status", "--workdir", str(workdir), "--lang", "vi")
        assert vi.stdout.count("trả lời") == 2
        ssh = subprocess.run(
            ["ssh", "-F", data["ssh_config"], "db1", "hostname"],
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        assert ssh.stdout.strip() == "db1", ssh.stderr
    finally:
        down = _cli("down", "--workdir", str(workdir), "--lang", "en")
    assert down.returncode == 0, down.stderr
    assert "is down" in down.stdout
    # `up` ran in another process: its orphans were adopted by this (subreaper) process
    reap_adopted(["socat", "capdo-aptcache", "unshare", "bash", "ssh"])
    assert lab_leftovers(lab_id, workdir) == []
    after = _cli("status", "--workdir", str(workdir), "--format", "json")
    assert json.loads(after.stdout)["hosts"] == []


def test_cli_reports_bad_input_without_traceback(tmp_path: Path) -> None:
    done = _cli("up", "--workdir", str(tmp_path / "x"), "--host", "web1=10.0.0.5/24")
    assert done.returncode == 2
    assert "198.18.0.0/15" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x").exists()
