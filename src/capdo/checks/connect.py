"""SSH to the servers under check: one multiplexed connection per host, reused by every check.

Targets that come with an ssh_config (the lab's, through the connection overlay) use it as
it is; the others get a generated one with ControlMaster/ControlPersist and an explicit
ControlPath (without a ControlPath testinfra's multiplexing does nothing, and each check
pays a full SSH handshake). A host that cannot be reached is remembered, so its remaining
checks end at once as ``error`` instead of waiting for the timeout again.
"""

from __future__ import annotations

import shlex
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import testinfra

from capdo.checks.probe import Probe
from capdo.checks.targets import ServerTarget

CONNECT_TIMEOUT = 10


class HostUnreachable(Exception):
    """The host did not answer over SSH (the result is ``error``)."""


def ssh_config_text(target: ServerTarget, control_dir: Path) -> str:
    lines = [
        f"Host {target.name}",
        f"  HostName {target.host}",
        f"  Port {target.port}",
        f"  User {target.user}",
        "  BatchMode yes",
        f"  ConnectTimeout {CONNECT_TIMEOUT}",
        "  ControlMaster auto",
        "  ControlPersist 60s",
        f"  ControlPath {control_dir}/%C",
        "  ServerAliveInterval 10",
        "  LogLevel ERROR",
    ]
    if target.private_key_file:
        lines += [f'  IdentityFile "{target.private_key_file}"', "  IdentitiesOnly yes"]
    return "\n".join(lines) + "\n"


class HostPool:
    """testinfra hosts and probes by target name, created on first use."""

    def __init__(self, ssh_dir: Path) -> None:
        self.ssh_dir = ssh_dir
        self._hosts: dict[str, tuple[Any, Probe]] = {}
        self._down: dict[str, str] = {}
        self._configs: list[tuple[Path, str]] = []

    def _config_for(self, target: ServerTarget) -> tuple[str, str]:
        """(ssh_config path, host spec) for a target."""
        if target.ssh_config:
            return target.ssh_config, target.host
        self.ssh_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        control = self.ssh_dir / "cm"
        control.mkdir(exist_ok=True, mode=0o700)
        path = self.ssh_dir / f"ssh_config-{target.name}"
        path.write_text(ssh_config_text(target, control), encoding="utf-8")
        return str(path), target.name

    def get(self, target: ServerTarget) -> tuple[Any, Probe]:
        if target.name in self._down:
            raise HostUnreachable(self._down[target.name])
        if target.name in self._hosts:
            return self._hosts[target.name]
        config, spec = self._config_for(target)
        sudo = target.user != "root"
        host = testinfra.get_host(
            f"ssh://{spec}", ssh_config=config, sudo=sudo, timeout=CONNECT_TIMEOUT
        )
        try:
            probe_result = host.run("true")
            reason = (probe_result.stderr or probe_result.stdout or "").strip()
            failed = probe_result.rc != 0
        except RuntimeError as exc:  # testinfra raises on ssh's own exit code 255
            stderr = getattr(exc.args[0], "stderr", "") if exc.args else ""
            reason, failed = str(stderr or exc).strip(), True
        if failed:
            last = reason.splitlines()[-1][:200] if reason else "no answer"
            message = f"unreachable: {target.host}:{target.port}: {last}"
            self._down[target.name] = message
            raise HostUnreachable(message)
        self._configs.append((Path(config), spec))
        self._hosts[target.name] = (host, Probe(host))
        return self._hosts[target.name]

    def warm_up(self, targets: list[ServerTarget], threads: int = 16) -> None:
        """Connect to every host and prefetch its state, hosts in parallel (threads)."""

        def one(target: ServerTarget) -> None:
            try:
                _, probe = self.get(target)
                probe.prefetch()
            except (HostUnreachable, RuntimeError):
                return  # recorded: the host's checks end as ``error``

        if not targets:
            return
        with ThreadPoolExecutor(max_workers=max(1, min(threads, len(targets)))) as pool:
            list(pool.map(one, targets))

    def close(self) -> None:
        """Close the masters this run opened in its own directory (never the lab's)."""
        for config, spec in self._configs:
            if not str(config).startswith(str(self.ssh_dir)):
                continue
            subprocess.run(
                ["ssh", "-F", str(config), "-O", "exit", spec],
                capture_output=True,
                check=False,
                timeout=10,
                stdin=subprocess.DEVNULL,
            )
        self._configs.clear()


def quote(value: str) -> str:
    return shlex.quote(value)
