"""Undo a lab, in the order that leaves nothing behind (each step tolerates missing parts).

1. ``ssh -O exit`` the control masters; 2. end the hosts (children first, so each unshare
reaps its init; nspawn gets SIGTERM); 3. relays and any process still referring to the lab;
4. veths; 5. netns; 6. bridge; 7. unmount; 8. remove directories and the state file.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import signal
import time
from collections.abc import Sequence
from pathlib import Path

from capdo_lab import netns, sshconfig
from capdo_lab.errors import LabError
from capdo_lab.layout import GITIGNORE, SHORT_SOCKETS, LabLayout
from capdo_lab.proc import ProcRef, end_processes, processes_referencing, reap_adopted, run
from capdo_lab.state import HostState, LabState

NSPAWN_RUN = Path("/run/systemd/nspawn")
# Names of the lab's own processes: only these are ended when found by command line.
OWN_PROCESS_NAMES = ("socat", "capdo-aptcache", "unshare", "ip", "bash", "ssh", "systemd-nspawn")
_REAPABLE = ("socat", "capdo-aptcache", "unshare", "systemd-nspawn")


def mount_points() -> list[str]:
    points: list[str] = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        raw = line.split()[4]
        points.append(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), raw))
    return points


def _end_lab_processes(layout: LabLayout, recorded: LabState | None) -> list[int]:
    hosts = recorded.hosts if recorded is not None else []
    killed = end_processes(
        [h.process for h in hosts if h.process and not h.systemd], grace=3, children_first=True
    )
    killed += end_processes(
        [h.process for h in hosts if h.process and h.systemd], sig=signal.SIGTERM, grace=10
    )
    relays = [h.relay for h in hosts if h.relay]
    if recorded is not None and recorded.relay is not None:
        relays.append(recorded.relay)
    killed += end_processes(relays)
    fragments = [f"{layout.run_dir}/", f"{layout.hosts_dir}/", f"{layout.socket_dir}/"]
    killed += end_processes(processes_referencing(fragments, OWN_PROCESS_NAMES))
    for ns in _namespaces(layout, hosts):
        if (netns.NETNS_DIR / ns).exists():
            refs = [r for r in map(ProcRef.of, netns.netns_pids(ns)) if r is not None]
            killed += end_processes(refs)
    return killed


def _namespaces(layout: LabLayout, hosts: Sequence[HostState]) -> list[str]:
    return sorted(set(netns.lab_namespaces(layout.lab_id)) | {h.netns for h in hosts})


def _clean_nspawn(layout: LabLayout, hosts: Sequence[HostState]) -> None:
    if not any(h.systemd for h in hosts):
        return
    for h in hosts:
        shutil.rmtree(NSPAWN_RUN / "propagate" / layout.machine(h.name), ignore_errors=True)
    for leaf in (NSPAWN_RUN / "propagate", NSPAWN_RUN / "locks", NSPAWN_RUN):
        with contextlib.suppress(OSError):
            leaf.rmdir()  # only when no other container uses it


def teardown(layout: LabLayout, recorded: LabState | None) -> None:
    """End and remove everything of the lab ``layout`` (recorded or merely left over)."""
    hosts = recorded.hosts if recorded is not None else []
    control_dirs = {layout.control_dir}
    if recorded is not None:
        control_dirs.add(Path(recorded.control_dir))
    for directory in control_dirs:
        if directory.is_dir():
            sshconfig.close_masters(directory)
    if _end_lab_processes(layout, recorded):
        time.sleep(0.3)  # let the kernel drop the dead namespaces' sockets
    veths = {h.veth for h in hosts} | {
        n for n in netns.lab_links(layout.lab_id) if n != layout.bridge
    }
    for veth in sorted(veths):
        netns.delete_link(veth)  # also destroys the peer inside the netns
    for ns in _namespaces(layout, hosts):
        netns.delete_netns(ns)
    netns.delete_link(layout.bridge)
    prefix = f"{layout.hosts_dir}/"
    for point in sorted((p for p in mount_points() if p.startswith(prefix)), reverse=True):
        if run(["umount", point], check=False).returncode != 0:
            run(["umount", "--lazy", point], check=False)
    leftover = [p for p in mount_points() if p.startswith(prefix)]
    if leftover:
        raise LabError("lab.error.still-mounted", path=leftover[0])
    _clean_nspawn(layout, hosts)
    for directory in (layout.hosts_dir, layout.run_dir, layout.socket_dir):
        if directory.exists():
            shutil.rmtree(directory)
    with contextlib.suppress(OSError):
        SHORT_SOCKETS.rmdir()  # only when no other lab uses it
    layout.state_path.unlink(missing_ok=True)
    layout.state_path.with_name(layout.state_path.name + ".tmp").unlink(missing_ok=True)
    if layout.gitignore.is_file() and layout.gitignore.read_text() == GITIGNORE:
        layout.gitignore.unlink()
    if layout.workdir.is_dir() and not any(layout.workdir.iterdir()):
        layout.workdir.rmdir()
    reap_adopted(_REAPABLE)
