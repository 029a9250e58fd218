"""A lab: disposable hosts on one bridge, brought up and torn down as a unit."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path
from types import TracebackType

from capdo.aptmirror import AptMirror, default_suite
from capdo_lab import host as hostmod
from capdo_lab import netns, relay, sshconfig, state
from capdo_lab.errors import LabError
from capdo_lab.image import (
    GoldenImage,
    NspawnTool,
    apt_cache_dir,
    cache_dir,
    cache_lock,
    detect_mirror,
    ensure_nspawn,
    ensure_rootfs,
)
from capdo_lab.layout import LabLayout
from capdo_lab.proc import ProcRef
from capdo_lab.spec import (
    LAB_ID_RE,
    HostStatus,
    LabHostSpec,
    LabStatus,
    lab_id_for,
    validate_hosts,
)
from capdo_lab.teardown import teardown

REQUIRED_TOOLS = ("ip", "unshare", "socat", "ssh", "ssh-keygen", "tar", "zstd", "setpriv", "mount")

__all__ = ["REQUIRED_TOOLS", "HostStatus", "Lab", "LabHostSpec", "LabStatus", "lab_id_for"]


def _require_root() -> None:
    if os.geteuid() != 0:
        raise LabError("lab.error.not-root")


def _tail(log: Path, lines: int = 15) -> str:
    """The end of a host's console log (the file itself is removed with the failed lab)."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Lab:
    """Disposable lab hosts. ``up()`` is idempotent; ``down()`` removes every trace."""

    def __init__(
        self,
        lab_id: str,
        workdir: Path,
        hosts: Sequence[LabHostSpec],
        *,
        cache: Path | None = None,
        suite: str | None = None,
        ssh_timeout: float = 60.0,
        host_key_types: Sequence[str] = hostmod.DEFAULT_HOST_KEY_TYPES,
    ) -> None:
        if not LAB_ID_RE.match(lab_id):
            raise LabError("lab.error.bad-lab-id", lab_id=lab_id)
        self.layout = LabLayout.of(lab_id, workdir)
        self.hosts: tuple[LabHostSpec, ...] = tuple(hosts)
        self.cache = cache or cache_dir()
        self.suite = suite or default_suite()
        self.ssh_timeout = ssh_timeout
        if "ed25519" not in host_key_types:
            raise LabError("lab.error.host-key-types", types=", ".join(host_key_types))
        self.host_key_types = tuple(host_key_types)
        self._children: list[subprocess.Popen[bytes]] = []

    @classmethod
    def open(cls, workdir: Path, lab_id: str | None = None) -> Lab:
        """The lab recorded in ``workdir`` (or an empty one if nothing is recorded there)."""
        path = Path(os.path.abspath(workdir))
        recorded = state.load(LabLayout.of("x", path).state_path)
        if recorded is None:
            return cls(lab_id or lab_id_for(path), path, [])
        specs = [LabHostSpec(h.name, IPv4Interface(h.address), h.systemd) for h in recorded.hosts]
        return cls(recorded.lab_id, path, specs)

    # -- what callers need -----------------------------------------------------------------------

    @property
    def lab_id(self) -> str:
        return self.layout.lab_id

    @property
    def workdir(self) -> Path:
        return self.layout.workdir

    @property
    def state_path(self) -> Path:
        return self.layout.state_path

    @property
    def ssh_config(self) -> Path:
        return self.layout.ssh_config

    @property
    def private_key(self) -> Path:
        return self.layout.private_key

    @property
    def control_dir(self) -> Path:
        return self.layout.control_dir

    @property
    def relay_socket(self) -> Path:
        return self.layout.relay_socket

    @property
    def bridge(self) -> str:
        return self.layout.bridge

    def root(self, name: str) -> Path:
        """The host's root filesystem as seen from the controller (for offline file checks)."""
        return self.layout.root(self.spec(name).name)

    def spec(self, name: str) -> LabHostSpec:
        for spec in self.hosts:
            if spec.name == name:
                return spec
        raise LabError("lab.error.unknown-host", name=name)

    def ansible_connection_vars(self, name: str) -> dict[str, str]:
        """Host variables that make Ansible reach ``name`` with this lab's key and ssh_config."""
        spec = self.spec(name)
        return {
            "ansible_host": str(spec.address.ip),
            "ansible_user": "root",
            "ansible_ssh_private_key_file": str(self.private_key),
            "ansible_ssh_common_args": f"-F {shlex.quote(str(self.ssh_config))}",
            "ansible_python_interpreter": "/usr/bin/python3",
            # Ansible %-formats this value, hence %%: the master socket is shared with `ssh`
            # and lives in the lab, so `down` can close it.
            "ansible_control_path": str(self.control_dir / sshconfig.CONTROL_NAME).replace(
                "%", "%%"
            ),
        }

    def ssh_argv(self, name: str, *command: str) -> list[str]:
        return ["ssh", "-F", str(self.ssh_config), self.spec(name).name, *command]

    def testinfra_hosts(self) -> list[str]:
        return [f"ssh://{spec.name}" for spec in self.hosts]

    # -- up ------------------------------------------------------------------------------------

    def _networks(self) -> list[IPv4Network]:
        return list(dict.fromkeys(spec.address.network for spec in self.hosts))

    def _digest(self) -> str:
        data = {
            "lab": self.lab_id,
            "suite": self.suite,
            "hosts": [[h.name, str(h.address), h.systemd] for h in self.hosts],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    def up(self) -> LabStatus:
        """Bring the lab up; a healthy lab with the same spec is left as it is."""
        _require_root()
        validate_hosts(self.hosts)
        self.layout.check()
        recorded = state.load(self.state_path)
        if recorded is not None and recorded.spec_digest == self._digest():
            current = self.status()
            if current.healthy:
                return current
        teardown(self.layout, recorded)  # stale leftovers of this lab, recorded or not
        for name in REQUIRED_TOOLS:
            if shutil.which(name) is None:
                raise LabError("lab.error.tool-missing", tool=name)
        mirror = detect_mirror(self.suite)
        lower = ensure_rootfs(GoldenImage.base(self.suite), mirror, self.cache)
        lower_sd: Path | None = None
        tool: NspawnTool | None = None
        if any(spec.systemd for spec in self.hosts):
            lower_sd = ensure_rootfs(GoldenImage.base(self.suite, systemd=True), mirror, self.cache)
            tool = ensure_nspawn(self.cache)
        try:
            self._bring_up(mirror, lower, lower_sd, tool)
        except BaseException:
            teardown(self.layout, state.load(self.state_path))
            raise
        return self.status()

    def _bring_up(
        self,
        mirror: AptMirror,
        lower: Path,
        lower_sd: Path | None,
        tool: NspawnTool | None,
    ) -> None:
        self.layout.prepare()
        gateways = [
            netns.gateway(IPv4Interface(f"{n.network_address}/{n.prefixlen}"))
            for n in self._networks()
        ]
        st = state.LabState(
            lab_id=self.lab_id,
            workdir=str(self.workdir),
            spec_digest=self._digest(),
            bridge=self.bridge,
            bridge_addresses=[str(g) for g in gateways],
            ssh_config=str(self.ssh_config),
            private_key=str(self.private_key),
            control_dir=str(self.control_dir),
            relay_socket=str(self.relay_socket),
        )
        state.save(self.state_path, st)
        sshconfig.generate_client_key(self.private_key, f"capdo-lab-{self.lab_id}")
        with cache_lock(self.cache, "net"):
            netns.check_networks_free(self.bridge, self._networks())
            netns.create_bridge(self.bridge, gateways)
        root_relay = relay.start_root_relay(
            self.relay_socket,
            mirror.host,
            mirror.port,
            self.layout.run_dir / "relay.log",
            apt_cache_dir(self.cache),
            self.layout.run_dir / "aptcache-stats.json",
        )
        self._children.append(root_relay)
        st.relay = ProcRef.of(root_relay.pid)
        state.save(self.state_path, st)
        init = self.layout.init_script
        hostmod.write_init(init)
        pubkey = self.private_key.with_name(self.private_key.name + ".pub").read_text()
        peers = {spec.name: spec.address for spec in self.hosts}
        keygens: list[tuple[list[subprocess.Popen[bytes]], Path]] = []
        for index, spec in enumerate(self.hosts, start=1):
            host_dir = self.layout.host_dir(spec.name)
            hs = state.HostState(
                name=spec.name,
                address=str(spec.address),
                systemd=spec.systemd,
                netns=netns.netns_name(self.lab_id, spec.name),
                veth=netns.veth_name(self.lab_id, index),
                root=str(host_dir / "root"),
                log=str(host_dir / "console.log"),
            )
            st.hosts.append(hs)
            state.save(self.state_path, st)
            base = lower_sd if spec.systemd and lower_sd is not None else lower
            root = hostmod.mount_overlay(base, host_dir)
            hs.mounts.append(str(root))
            state.save(self.state_path, st)
            hostmod.configure_root(root, spec.name, spec.address, peers, pubkey, mirror)
            keygens.append((hostmod.start_keygen(root, spec.name, self.host_key_types), root))
        for generating, root in keygens:
            hostmod.finish_keygen(generating, root)
        for spec, hs in zip(self.hosts, st.hosts, strict=True):
            root = Path(hs.root)
            netns.create_host_network(
                hs.netns, hs.veth, self.bridge, spec.address, netns.gateway(spec.address)
            )
            relay_proc = relay.start_netns_relay(
                hs.netns, self.relay_socket, Path(hs.log).with_name("relay.log")
            )
            self._children.append(relay_proc)
            hs.relay = ProcRef.of(relay_proc.pid)
            if spec.systemd and tool is not None:
                machine = self.layout.machine(spec.name)
                proc = hostmod.start_nspawn_host(
                    hs.netns, root, spec.name, machine, tool, Path(hs.log)
                )
            else:
                proc = hostmod.start_chroot_host(hs.netns, root, spec.name, init, Path(hs.log))
            self._children.append(proc)
            hs.process = ProcRef.of(proc.pid)
            state.save(self.state_path, st)
        self._reach_hosts(st)

    def _reach_hosts(self, st: state.LabState) -> None:
        """Write the SSH client files for the started hosts and wait for their banners."""
        targets = [
            sshconfig.SshTarget(spec.name, spec.address, sshconfig.read_host_key(Path(hs.root)))
            for spec, hs in zip(self.hosts, st.hosts, strict=True)
        ]
        sshconfig.write_known_hosts(self.layout.known_hosts, targets)
        sshconfig.write_ssh_config(
            self.ssh_config,
            self.lab_id,
            targets,
            self.private_key,
            self.layout.known_hosts,
            self.control_dir,
        )
        silent = sshconfig.wait_for_banners(
            [str(spec.address.ip) for spec in self.hosts], self.ssh_timeout
        )
        if silent:
            bad = [hs for hs in st.hosts if hs.address.split("/")[0] in silent]
            raise LabError(
                "lab.error.host-no-ssh",
                hosts=", ".join(h.name for h in bad),
                log=_tail(Path(bad[0].log)) if bad else "",
            )

    # -- status ----------------------------------------------------------------------------------

    def status(self) -> LabStatus:
        recorded = state.load(self.state_path)
        if recorded is None:
            return LabStatus(self.lab_id, str(self.workdir), False, None, None, ())
        hosts: list[HostStatus] = []
        for hs in recorded.hosts:
            running = hs.process is not None and hs.process.alive()
            address = hs.address.split("/")[0]
            hosts.append(
                HostStatus(
                    name=hs.name,
                    address=hs.address,
                    systemd=hs.systemd,
                    netns=hs.netns,
                    pid=hs.process.pid if hs.process else None,
                    running=running,
                    ssh_banner=sshconfig.banner(address) if running else None,
                )
            )
        relay_ok = recorded.relay is not None and recorded.relay.alive()
        return LabStatus(
            recorded.lab_id,
            recorded.workdir,
            relay_ok and bool(hosts),
            recorded.ssh_config,
            recorded.private_key,
            tuple(hosts),
        )

    # -- down ------------------------------------------------------------------------------------

    def down(self) -> None:
        """End every process, remove every interface, namespace, mount and directory."""
        _require_root()
        teardown(self.layout, state.load(self.state_path))
        self._children = [c for c in self._children if c.poll() is None]

    def __enter__(self) -> Lab:
        self.up()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.down()
