"""The apt relay: a UNIX socket in the root namespace (no TCP listener there) forwarding
to the machine's mirror, and a TCP ``127.0.0.1:3142`` listener inside each host's netns."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from capdo_lab.errors import LabError
from capdo_lab.proc import spawn

PROXY_PORT = 3142
APT_PROXY_CONF = f'Acquire::http::Proxy "http://127.0.0.1:{PROXY_PORT}";\n'


def start_root_relay(sock: Path, host: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    proc = spawn(
        [
            "socat",
            f"UNIX-LISTEN:{sock},fork,mode=600,unlink-early",
            f"TCP:{host}:{port}",
        ],
        log,
    )
    deadline = time.monotonic() + 5
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
