"""Real lab hosts: ssh, Ansible, apt through the relay, sysctl isolation, idempotent up."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from capdo_lab import Lab
from capdo_lab import state as lab_state

SshRunner = Callable[..., subprocess.CompletedProcess[str]]

pytestmark = pytest.mark.lab


def test_ssh_with_generated_config_runs_a_command(capdo_lab: Lab, lab_ssh: SshRunner) -> None:
    for spec in capdo_lab.hosts:
        done = lab_ssh(capdo_lab, spec.name, "hostname; ip -4 -o addr show dev eth0")
        assert done.returncode == 0, done.stderr
        name, addr_line = done.stdout.splitlines()
        assert name == spec.name
        assert str(spec.address) in addr_line


def test_ssh_by_address_shares_the_known_hosts_and_control_master(capdo_lab: Lab) -> None:
    spec = capdo_lab.hosts[0]
    done = subprocess.run(
        ["ssh", "-F", str(capdo_lab.ssh_config), str(spec.address.ip), "true"],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert (capdo_lab.control_dir / f"c-{spec.address.ip}").is_socket()


def test_hosts_reach_each_other_by_name(capdo_lab: Lab, lab_ssh: SshRunner) -> None:
    first, second = capdo_lab.hosts[0], capdo_lab.hosts[1]
    probe = (
        f'python3 -c \'import socket; s=socket.create_connection(("{second.name}", 22), 5); '
        "print(s.recv(64).decode().strip())'"
    )
    done = lab_ssh(capdo_lab, first.name, probe)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SSH-2.0-")


def test_each_host_has_its_own_host_keys(capdo_lab: Lab) -> None:
    keys = {
        (capdo_lab.root(s.name) / "etc/ssh/ssh_host_ed25519_key.pub").read_text().split()[1]
        for s in capdo_lab.hosts
    }
    assert len(keys) == len(capdo_lab.hosts)
    ssh_dir = capdo_lab.root(capdo_lab.hosts[0].name) / "etc/ssh"
    assert (ssh_dir / "ssh_host_ecdsa_key").stat().st_mode & 0o077 == 0
    known = (capdo_lab.ssh_config.parent / "known_hosts").read_text()
    assert all(f"{s.name},{s.address.ip} ssh-ed25519 " in known for s in capdo_lab.hosts)


def test_ansible_ping_with_connection_vars(capdo_lab: Lab, tmp_path: Path) -> None:
    inventory = {
        "all": {
            "hosts": {s.name: capdo_lab.ansible_connection_vars(s.name) for s in capdo_lab.hosts}
        }
    }
    (tmp_path / "inventory.json").write_text(json.dumps(inventory))
    ansible = Path(sys.executable).with_name("ansible")
    env = {
        "PATH": f"{ansible.parent}:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(tmp_path),
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
        "ANSIBLE_PIPELINING": "True",
        "ANSIBLE_FORCE_COLOR": "0",
        "LC_ALL": "C.UTF-8",
    }
    done = subprocess.run(
        [str(ansible), "all", "-i", str(tmp_path / "inventory.json"), "-m", "ping", "-o"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("SUCCESS") == len(capdo_lab.hosts), done.stdout
    # Ansible's ControlPersist masters share the lab's control directory, so `down` ends them
    assert any(capdo_lab.control_dir.glob("c-*"))


def test_apt_update_goes_through_the_relay(capdo_lab: Lab, lab_ssh: SshRunner) -> None:
    name = capdo_lab.hosts[-1].name
    done = lab_ssh(capdo_lab, name, "apt-get update -o Acquire::Retries=2", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Err:" not in done.stdout
    listeners = subprocess.run(["ss", "-Hltn"], capture_output=True, text=True, check=True).stdout
    assert ":3142 " not in listeners  # the root namespace only has the UNIX socket
    assert capdo_lab.relay_socket.is_socket()


def test_hosts_share_one_download_of_a_package(capdo_lab: Lab, lab_ssh: SshRunner) -> None:
    """The relay fetches a package from the mirror once; the other hosts get the cached copy."""
    stats = capdo_lab.layout.run_dir / "aptcache-stats.json"
    before = json.loads(stats.read_text())
    digests = []
    for spec in capdo_lab.hosts[:2]:
        command = "cd /tmp && rm -f hello_*.deb && apt-get download hello >/dev/null"
        done = lab_ssh(capdo_lab, spec.name, f"{command} && sha256sum hello_*.deb", timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        digests.append(done.stdout.split()[0])
    after = json.loads(stats.read_text())
    assert digests[0] == digests[1]
    assert after["hits"] - before["hits"] >= 1  # the second host at least came from the cache
    assert after["misses"] - before["misses"] <= 1
    assert after["served_bytes"] - before["served_bytes"] >= 2 * 20_000


def test_kernel_wide_sysctls_are_read_only(capdo_lab: Lab, lab_ssh: SshRunner) -> None:
    name = capdo_lab.hosts[0].name
    before = Path("/proc/sys/kernel/domainname").read_text()
    done = lab_ssh(capdo_lab, name, "sysctl -w kernel.domainname=capdo-lab-test")
    assert done.returncode != 0
    assert Path("/proc/sys/kernel/domainname").read_text() == before
    remount = lab_ssh(capdo_lab, name, "mount -o remount,rw /proc/sys")
    assert remount.returncode != 0
    # net.* belongs to the host's own network namespace and stays writable
    vm_value = Path("/proc/sys/net/ipv4/conf/all/send_redirects").read_text()
    flipped = "0" if vm_value.strip() == "1" else "1"
    net = lab_ssh(capdo_lab, name, f"sysctl -w net.ipv4.conf.all.send_redirects={flipped}")
    assert net.returncode == 0, net.stderr
    assert Path("/proc/sys/net/ipv4/conf/all/send_redirects").read_text() == vm_value


def test_service_restart_of_ssh_keeps_the_host(capdo_lab: Lab, lab_ssh: SshRunner) -> None:
    name = capdo_lab.hosts[0].name
    done = lab_ssh(capdo_lab, name, "service ssh restart")
    assert done.returncode == 0, done.stdout + done.stderr
    subprocess.run(
        ["ssh", "-F", str(capdo_lab.ssh_config), "-O", "exit", name],
        capture_output=True,
        check=False,
    )
    again = lab_ssh(capdo_lab, name, "pgrep -x sshd >/dev/null && echo alive")
    assert again.stdout.strip() == "alive", again.stderr


def test_up_twice_is_idempotent(capdo_lab: Lab, lab_ssh: SshRunner) -> None:
    before = lab_state.load(capdo_lab.state_path)
    key = capdo_lab.private_key.read_bytes()
    status = capdo_lab.up()
    after = lab_state.load(capdo_lab.state_path)
    assert status.healthy
    assert before is not None
    assert after is not None
    assert [h.process for h in before.hosts] == [h.process for h in after.hosts]
    assert capdo_lab.private_key.read_bytes() == key
    assert lab_ssh(capdo_lab, capdo_lab.hosts[0].name, "true").returncode == 0


def test_state_file_lists_what_down_undoes(capdo_lab: Lab) -> None:
    data = json.loads(capdo_lab.state_path.read_text())
    assert data["lab_id"] == capdo_lab.lab_id
    assert data["bridge"] == capdo_lab.bridge
    assert data["relay"]["pid"] > 0
    for host, spec in zip(data["hosts"], capdo_lab.hosts, strict=True):
        assert host["name"] == spec.name
        assert host["address"] == str(spec.address)
        assert host["process"]["pid"] > 0
        assert host["relay"]["pid"] > 0
        assert (
            host["netns"]
            in subprocess.run(
                ["ip", "netns", "list"], capture_output=True, text=True, check=True
            ).stdout
        )
        assert len(host["veth"]) <= 15
        assert host["mounts"] == [str(capdo_lab.root(spec.name))]


def test_status_reports_sshd(capdo_lab: Lab) -> None:
    status = capdo_lab.status()
    assert status.healthy
    assert [h.name for h in status.hosts] == [s.name for s in capdo_lab.hosts]
    assert all(h.ssh_banner and h.ssh_banner.startswith("SSH-2.0-") for h in status.hosts)
