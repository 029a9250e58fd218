"""One lab host: its overlay root, its files, and its PID 1 (a small init, or systemd).

A plain host runs ``ip netns exec NS unshare --mount --uts --ipc --pid --fork --kill-child
bash lab-init.sh ROOT NAME``: the init mounts proc (``/proc/sys`` read-only except
``/proc/sys/net``), a read-only sysfs, a private ``/dev``, tmpfs ``/run`` and ``/tmp``, then
chroots with a reduced capability bounding set, starts sshd and reaps zombies forever.
A systemd host runs ``systemd-nspawn --boot`` on the same root inside the same netns.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from ipaddress import IPv4Interface
from pathlib import Path

from capdo.aptmirror import AptMirror
from capdo_lab.errors import LabError
from capdo_lab.image import NspawnTool
from capdo_lab.proc import run, spawn
from capdo_lab.relay import APT_PROXY_CONF

# Capabilities a chroot host never needs and that reach beyond its namespaces: remounting
# /proc/sys or sysfs read-write, loading modules, setting the clock, raw devices, ...
DROPPED_CAPS = (
    "sys_admin",
    "sys_module",
    "sys_time",
    "sys_boot",
    "sys_rawio",
    "mknod",
    "syslog",
    "mac_admin",
    "mac_override",
    "wake_alarm",
    "block_suspend",
    "sys_pacct",
    "lease",
)

INIT_SCRIPT = r"""#!/bin/bash
# PID 1 of a capdo lab host (runs in fresh mount/uts/ipc/pid namespaces, inside the netns).
set -eu
root=$1
name=$2
caps=$3
hostname "$name"
mount --make-rprivate /
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount --bind "$root/proc/sys" "$root/proc/sys"
mount -o remount,bind,ro,nosuid,nodev,noexec "$root/proc/sys"
mount --bind "$root/proc/sys/net" "$root/proc/sys/net"
mount -o remount,bind,rw,nosuid,nodev,noexec "$root/proc/sys/net"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
mount -t tmpfs -o nosuid,noexec,mode=0755,size=4m devtmp "$root/dev"
mknod -m 666 "$root/dev/null" c 1 3
mknod -m 666 "$root/dev/zero" c 1 5
mknod -m 666 "$root/dev/full" c 1 7
mknod -m 666 "$root/dev/random" c 1 8
mknod -m 666 "$root/dev/urandom" c 1 9
mknod -m 666 "$root/dev/tty" c 5 0
mkdir -m 0755 "$root/dev/pts"
mkdir -m 1777 "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mount -t tmpfs -o nosuid,nodev,mode=1777 shm "$root/dev/shm"
mount -t tmpfs -o nosuid,nodev,mode=0755 run "$root/run"
mkdir -m 0755 "$root/run/sshd" "$root/run/lock"
mount -t tmpfs -o nosuid,nodev,mode=1777 tmp "$root/tmp"
exec setpriv --bounding-set="$caps" chroot "$root" /usr/bin/env -i \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  /bin/bash -c '/usr/sbin/sshd; echo "capdo lab host $(hostname) up"
    while :; do sleep 86400 & wait $!; done'
"""


def _write(root: Path, rel: str, text: str, mode: int = 0o644) -> None:
    """Write a file inside the host root, replacing (never following) a symlink."""
    path = root / rel
    if path.is_symlink() or path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


def mount_overlay(lower: Path, host_dir: Path) -> Path:
    upper, work, root = host_dir / "upper", host_dir / "work", host_dir / "root"
    for d in (upper, work, root):
        d.mkdir(parents=True, exist_ok=True)
    options = f"lowerdir={lower},upperdir={upper},workdir={work}"
    run(["mount", "-t", "overlay", "overlay", "-o", options, root])
    return root


def configure_root(
    root: Path,
    name: str,
    address: IPv4Interface,
    peers: Mapping[str, IPv4Interface],
    authorized_key: str,
    mirror: AptMirror,
) -> None:
    """Hostname, /etc/hosts, apt sources + proxy, root's authorized key (in the upper dir)."""
    _write(root, "etc/hostname", f"{name}\n")
    hosts = ["127.0.0.1\tlocalhost\n", f"{address.ip}\t{name}\n"]
    hosts += [f"{addr.ip}\t{peer}\n" for peer, addr in peers.items() if peer != name]
    hosts.append("::1\tlocalhost ip6-localhost ip6-loopback\n")
    _write(root, "etc/hosts", "".join(hosts))
    _write(root, "etc/resolv.conf", "# capdo lab host: no DNS; apt uses the proxy below\n")
    sources = "".join(f"deb {mirror.uri} {suite} main\n" for suite in mirror.suites)
    _write(root, "etc/apt/sources.list", sources)
    _write(root, "etc/apt/apt.conf.d/01capdo-lab-proxy", APT_PROXY_CONF)
    ssh_dir = root / "root" / ".ssh"
    ssh_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    ssh_dir.chmod(0o700)
    _write(root, "root/.ssh/authorized_keys", authorized_key.strip() + "\n", 0o600)


DEFAULT_HOST_KEY_TYPES = ("ed25519", "ecdsa")  # rsa is optional: 0.2-3 s of CPU per host


def start_keygen(
    root: Path, name: str, types: Sequence[str] = DEFAULT_HOST_KEY_TYPES
) -> list[subprocess.Popen[bytes]]:
    """Generate the host's own ssh host keys (they land in the overlay's upper dir)."""
    procs: list[subprocess.Popen[bytes]] = []
    for key_type in types:
        path = root / "etc" / "ssh" / f"ssh_host_{key_type}_key"
        for old in (path, path.with_name(path.name + ".pub")):
            old.unlink(missing_ok=True)
        procs.append(
            subprocess.Popen(
                ["ssh-keygen", "-q", "-t", key_type, "-N", "", "-C", f"root@{name}", "-f", path],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
    return procs


def finish_keygen(procs: Sequence[subprocess.Popen[bytes]], root: Path) -> None:
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        if proc.returncode != 0:
            raise LabError(
                "lab.error.command-failed",
                command=f"ssh-keygen (host keys of {root})",
                rc=proc.returncode,
                stderr=err.decode(errors="replace").strip(),
            )


def write_init(path: Path) -> None:
    path.write_text(INIT_SCRIPT)
    path.chmod(0o700)


def start_chroot_host(
    netns: str, root: Path, name: str, init: Path, log: Path
) -> subprocess.Popen[bytes]:
    caps = ",".join(f"-{cap}" for cap in DROPPED_CAPS)
    return spawn(
        [
            "ip",
            "netns",
            "exec",
            netns,
            "unshare",
            "--mount",
            "--uts",
            "--ipc",
            "--pid",
            "--fork",
            "--kill-child",
            "/bin/bash",
            init,
            root,
            name,
            caps,
        ],
        log,
    )


def start_nspawn_host(
    netns: str, root: Path, name: str, machine: str, tool: NspawnTool, log: Path
) -> subprocess.Popen[bytes]:
    return spawn(
        [
            tool.binary,
            "-D",
            root,
            f"--machine={machine}",
            f"--hostname={name}",
            "--boot",
            f"--network-namespace-path=/run/netns/{netns}",
            "--register=no",
            "--keep-unit",
            "--resolv-conf=off",
            "--timezone=off",
            "--link-journal=no",
            "--console=passive",
        ],
        log,
        env=tool.env(),
    )
