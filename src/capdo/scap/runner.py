"""Run ``oscap xccdf eval`` locally, over SSH (``oscap-ssh``) or on a chroot (``oscap-chroot``).

- ``local``: the controller scans itself.
- ``ssh``: ``oscap-ssh`` copies the data stream and tailoring file to the target, runs the
  target's own ``oscap`` and fetches the ARF back. The target needs ``openscap-scanner``;
  it is installed there (``apt-get install --no-install-recommends openscap-scanner``) only
  when the caller allows it.
- ``chroot``: ``oscap-chroot`` scans a mounted root filesystem. With oscap 1.3.7 its dpkginfo
  probe is broken (OpenSCAP issue #678): package rules and rules gated on packages come out
  ``notapplicable`` and ``package_*_removed`` rules pass vacuously. Use it for file rules only.

``oscap xccdf eval`` exits 0 (all passed), 2 (some rule failed) or 1 (error).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from capdo.scap.errors import ScapError

Mode = Literal["local", "ssh", "chroot"]
MODES: tuple[Mode, ...] = ("local", "ssh", "chroot")
CHROOT_WARNING = "scap.warn.chroot-packages"
SSH_OPTIONS = ("-o", "BatchMode=yes", "-o", "ConnectTimeout=15")


@dataclass(frozen=True)
class SshTarget:
    """How ``ssh`` reaches a target (from the estate's connection data)."""

    host: str
    port: int = 22
    user: str = "root"
    private_key_file: str | None = None
    ssh_config: str | None = None

    @property
    def sudo(self) -> bool:
        """A non-root login runs the scan (and any install) through ``sudo -n``."""
        return self.user != "root"

    def options(self) -> list[str]:
        opts: list[str] = []
        if self.ssh_config:
            opts += ["-F", self.ssh_config]
        if self.private_key_file:
            opts += ["-i", self.private_key_file]
        opts += list(SSH_OPTIONS)
        for value in opts:
            if any(c.isspace() for c in value):
                raise ScapError("scap.error.ssh-option-space", value=value)
        return opts

    def ssh_argv(self, command: str) -> list[str]:
        return ["ssh", *self.options(), "-p", str(self.port), f"{self.user}@{self.host}", command]


@dataclass
class OscapRun:
    """One finished ``oscap`` run: the command, exit code, output, files and duration."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    arf: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode in (0, 2) and self.arf.is_file() and self.arf.stat().st_size > 0


def _run(
    argv: list[str], timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run in a process group of its own, so a timeout ends ``ssh``/``scp`` children too."""
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        raise ScapError("scap.error.tool-missing", tool=argv[0]) from exc
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ScapError("scap.error.timeout", command=shlex.join(argv), seconds=timeout) from exc
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def ssh_run(target: SshTarget, command: str, timeout: float = 120) -> tuple[int, str, str]:
    done = _run(target.ssh_argv(command), timeout)
    return done.returncode, done.stdout, done.stderr


def remote_os_release(target: SshTarget) -> str:
    rc, out, err = ssh_run(target, "cat /etc/os-release", timeout=60)
    if rc != 0:
        raise ScapError("scap.error.unreachable", target=target.host, detail=err.strip()[-500:])
    return out


def ensure_remote_scanner(target: SshTarget, install: bool, timeout: float = 600) -> bool:
    """True when ``oscap`` is on the target (installed now only if ``install``)."""
    rc, _, err = ssh_run(target, "command -v oscap >/dev/null", timeout=60)
    if rc == 0:
        return False
    if rc == 255:
        raise ScapError("scap.error.unreachable", target=target.host, detail=err.strip()[-500:])
    if not install:
        raise ScapError("scap.error.no-remote-scanner", target=target.host)
    sudo = "sudo -n env DEBIAN_FRONTEND=noninteractive " if target.sudo else ""
    command = (
        f"export DEBIAN_FRONTEND=noninteractive; {sudo}apt-get update -q && "
        f"{sudo}apt-get install -y -q --no-install-recommends openscap-scanner"
    )
    rc, _, err = ssh_run(target, command, timeout=timeout)
    if rc != 0:
        raise ScapError("scap.error.install-failed", target=target.host, detail=err.strip()[-800:])
    return True


def eval_args(
    profile_id: str,
    arf: Path,
    datastream: Path,
    tailoring: Path | None = None,
    skip_rules: tuple[str, ...] = (),
) -> list[str]:
    """``xccdf eval`` arguments shared by every mode."""
    args = ["xccdf", "eval", "--profile", profile_id, "--results-arf", str(arf)]
    if tailoring is not None:
        args += ["--tailoring-file", str(tailoring)]
    for rule in skip_rules:
        args += ["--skip-rule", rule]
    return [*args, str(datastream)]


def run_oscap(
    mode: Mode,
    args: list[str],
    arf: Path,
    *,
    target: SshTarget | None = None,
    chroot: Path | None = None,
    timeout: float = 1800,
    retries: int = 1,
) -> OscapRun:
    """Run one evaluation; an ARF that was not written is an error with oscap's output.

    oscap 1.3.7 occasionally deadlocks in its probe threads (seen on lab hosts: the process
    sleeps on futexes forever while the same scan otherwise takes 5 s), so a run that times
    out is tried again ``retries`` times.
    """
    env: dict[str, str] | None = None
    warnings: list[str] = []
    if mode == "local":
        argv = ["oscap", *args]
    elif mode == "ssh":
        if target is None:
            raise ScapError("scap.error.bad-mode", mode=mode)
        env = dict(os.environ)
        env["SSH_ADDITIONAL_OPTIONS"] = " ".join(target.options())
        sudo = ["--sudo"] if target.sudo else []
        argv = ["oscap-ssh", *sudo, f"{target.user}@{target.host}", str(target.port), *args]
    else:
        if chroot is None or not chroot.is_dir():
            raise ScapError("scap.error.bad-chroot", path=str(chroot))
        argv = ["oscap-chroot", str(chroot), *args]
        warnings.append(CHROOT_WARNING)
    if arf.exists():
        arf.unlink()
    started = time.monotonic()
    for attempt in range(retries + 1):
        try:
            done = _run(argv, timeout, env)
            break
        except ScapError as exc:
            if exc.key != "scap.error.timeout" or attempt == retries:
                raise
            warnings.append("scap.warn.retried")
    run = OscapRun(
        argv, done.returncode, done.stdout, done.stderr, time.monotonic() - started, arf, warnings
    )
    if not run.ok:
        raise ScapError(
            "scap.error.oscap-failed",
            command=shlex.join(argv),
            rc=done.returncode,
            stderr=(done.stderr.strip() or done.stdout.strip())[-1500:],
        )
    return run
