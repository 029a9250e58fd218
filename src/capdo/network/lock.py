"""One operation at a time per device: a push and a push, or a push and a backup, never
interleave on one device.

The lock is an advisory file lock (``flock``) on ``<lock dir>/<estate>.<device>.lock``; the
file says who holds it (user, host, process, operation, since when). The kernel releases it
when the holder ends, even on a crash, so a lock never outlives its holder. The lock dir is
$CAPDO_LOCK_DIR, else ``capdo-locks`` in the system's temporary directory: every operator
of one controller shares it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import os
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV_LOCK_DIR = "CAPDO_LOCK_DIR"
POLL_SECONDS = 0.2


class DeviceLocked(Exception):
    def __init__(self, device: str, holder: str) -> None:
        super().__init__(f"{device} is locked by {holder}")
        self.device = device
        self.holder = holder


def lock_dir() -> Path:
    configured = os.environ.get(ENV_LOCK_DIR)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "capdo-locks"


def _holder(operation: str) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{getpass.getuser()}@{socket.gethostname()} pid {os.getpid()} ({operation}, since {now})"
    )


@contextmanager
def device_lock(
    estate: str, device: str, operation: str, wait: float | None = None
) -> Iterator[None]:
    """Hold the device's lock; without ``wait`` a held lock raises :class:`DeviceLocked`
    at once, with ``wait`` seconds it waits that long first."""
    folder = lock_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{estate}.{device}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        deadline = time.monotonic() + (wait or 0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 400, 0).decode("utf-8", "replace").strip()
                    raise DeviceLocked(device, holder or "?") from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, _holder(operation).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
