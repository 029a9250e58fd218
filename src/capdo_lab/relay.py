"""The apt relay: a UNIX socket in the root namespace (no TCP listener there) served by the
caching proxy :mod:`capdo_lab.aptcache` (each package fetched from the machine's mirror once for
all hosts and labs), and a TCP ``127.0.0.1:3142`` listener inside each host's netns."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from pathlib import Path

from capdo_lab.errors import LabError
from capdo_lab.proc import spawn

PROXY_PORT = 3142
APT_PROXY_CONF = f'Acquire::http::Proxy "http://127.0.0.1:{PROXY_PORT}";\n'


def start_root_relay(
    sock: Path, host: str, port: int, log: Path, cache: Path, stats: Path
) -> subprocess.Popen[bytes]:
    """The caching proxy on ``sock`` for the mirror ``host:port``; packages kept in ``cache``,
    byte counts (``upstream_bytes``: fetched from the mirror) in the JSON file ``stats``."""
    with contextlib.suppress(OSError):
        sock.unlink()  # a stale socket would look like a started relay
    proc = spawn(
        [
            sys.executable,
            "-m",
            "capdo_lab.aptcache",
            "--socket",
            sock,
            "--upstream",
            f"{host}:{port}",
            "--cache",
            cache,
            "--stats",
            stats,
        ],
        log,
    )
    deadline = time.monotonic() + 30
    while not sock.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise LabError("lab.error.relay-failed", log=str(log))
        time.sleep(0.01)
    return proc


def start_netns_relay(netns: str, sock: Path, log: Path) -> subprocess.Popen[bytes]:
    return spawn(
        [
            "ip",
            "netns",
            "exec",
            netns,
            "socat",
            f"TCP-LISTEN:{PROXY_PORT},bind=127.0.0.1,reuseaddr,fork",
            f"UNIX-CONNECT:{sock}",
        ],
        log,
    )
