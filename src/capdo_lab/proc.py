"""Running commands and ending processes by PID (with a start-time check against PID reuse)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from capdo_lab.errors import LabError

Arg = str | Path
_PR_SET_CHILD_SUBREAPER = 36


def run(
    args: Sequence[Arg],
    *,
    check: bool = True,
    timeout: float | None = 600,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command (argument list, no shell) and capture its output as text."""
    argv = [str(a) for a in args]
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
    except FileNotFoundError as exc:
        raise LabError("lab.error.tool-missing", tool=argv[0]) from exc
    except subprocess.TimeoutExpired as exc:
        raise LabError(
            "lab.error.command-timeout", command=" ".join(argv), seconds=timeout
        ) from exc
    if check and done.returncode != 0:
        raise LabError(
            "lab.error.command-failed",
            command=" ".join(argv),
            rc=done.returncode,
            stderr=(done.stderr or done.stdout).strip()[-800:],
        )
    return done


def spawn(
    args: Sequence[Arg], log: Path, *, env: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a long-lived background process: no stdin, output to ``log``, own session."""
    argv = [str(a) for a in args]
    with log.open("ab") as out:
        try:
            return subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=dict(env) if env is not None else None,
            )
        except FileNotFoundError as exc:
            raise LabError("lab.error.tool-missing", tool=argv[0]) from exc


@dataclass(frozen=True)
class ProcRef:
    """A process identified by PID and kernel start time (so a reused PID is never killed)."""

    pid: int
    start: int

    @classmethod
    def of(cls, pid: int) -> ProcRef | None:
        start = start_time(pid)
        return None if start is None else cls(pid, start)

    def alive(self) -> bool:
        stat = _stat(self.pid)
        return stat is not None and stat[0] != "Z" and int(stat[19]) == self.start


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()


def _comm(entry: Path) -> str:
    try:
        return (entry / "comm").read_text().strip()
    except OSError:
        return ""


def start_time(pid: int) -> int | None:
    stat = _stat(pid)
    return None if stat is None else int(stat[19])


def _reap(pid: int) -> bool:
    """Reap ``pid`` if it is our child; True once it is gone (or a zombie we cannot reap)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        stat = _stat(pid)
        return stat is None or stat[0] == "Z"
    return done == pid


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc/PID/task/*/children)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def end_processes(
    refs: Iterable[ProcRef],
    *,
    sig: int = signal.SIGKILL,
    grace: float = 10.0,
    children_first: bool = False,
) -> list[int]:
    """End every live process in ``refs`` and reap it.

    ``sig`` goes to the process (or, with ``children_first``, to its children, so that the
    process itself reaps them and exits); after ``grace`` seconds stragglers get SIGKILL.
    """
    live = [r for r in refs if r.alive()]
    for ref in live:
        targets = children(ref.pid) if children_first else []
        for pid in targets or [ref.pid]:
            _signal(pid, sig)
    pending = {r.pid for r in live}
    deadline = time.monotonic() + grace
    killed_hard = sig == signal.SIGKILL and not children_first
    while pending:
        pending = {pid for pid in pending if not _reap(pid)}
        if not pending:
            break
        if time.monotonic() > deadline:
            if killed_hard:
                break
            for pid in pending:
                _signal(pid, signal.SIGKILL)
            killed_hard = True
            deadline = time.monotonic() + 5.0
        time.sleep(0.01)
    return [r.pid for r in live]


def become_subreaper() -> bool:
    """Adopt orphaned descendants (e.g. ssh ControlPersist masters) so they can be reaped."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def reap_adopted(names: Sequence[str]) -> int:
    """Reap our zombie children named ``names`` (orphans adopted as subreaper)."""
    me, count = os.getpid(), 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        if fields[0] == "Z" and int(fields[1]) == me and comm in names:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(int(entry.name), os.WNOHANG)
                count += 1
    return count


def reap_if_child(pid: int, timeout: float = 5.0) -> None:
    """Wait for ``pid`` if it is (now) our child; otherwise leave it alone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done == pid:
            return
        time.sleep(0.01)


def processes_referencing(fragments: Sequence[str], names: Sequence[str]) -> list[ProcRef]:
    """Live processes (not this one) named ``names`` whose command line has a fragment."""
    found: list[ProcRef] = []
    me = os.getpid()
    needles = [f.encode() for f in fragments]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if any(n in cmdline for n in needles) and _comm(entry) in names:
            ref = ProcRef.of(int(entry.name))
            if ref is not None and ref.alive():
                found.append(ref)
    return found
