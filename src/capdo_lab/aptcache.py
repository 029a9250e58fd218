"""The lab's apt relay with a shared package cache.

Lab hosts reach the machine's Debian mirror through one UNIX socket in the root namespace (no
TCP listener there). This process listens on that socket and speaks HTTP proxy to apt: package
files (``.../pool/....deb``, immutable by name and version) are fetched from the mirror once and
served to every host from a cache directory shared by all labs of the machine; everything else
(indexes, signatures) is forwarded as it is. So ten hosts installing ClamAV download it once.

Trust: apt checks every package against the hashes of the signed index, so a bad cache entry
cannot be installed; a download shorter than its Content-Length is never cached. Cache file
names are hashes of the request, so no request chooses a path. The relay only ever connects to
the one mirror it was started for.

Run by the lab (:mod:`capdo_lab.relay`)::

    python -m capdo_lab.aptcache --socket S --upstream HOST:PORT --cache DIR --stats FILE
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import socketserver
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

PACKAGE_PATH = re.compile(r"^/[A-Za-z0-9._~+/-]*/pool/[A-Za-z0-9._~+%/-]+\.deb$")
HOP_BY_HOP = {
    "connection",
    "proxy-connection",
    "keep-alive",
    "proxy-authorization",
    "proxy-authenticate",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
MAX_AGE_DAYS = 30
PROCESS_NAME = b"capdo-aptcache"  # what teardown looks for (capdo_lab.teardown)
PR_SET_NAME = 15
CHUNK = 1 << 16


class Cache:
    """Package files by request hash, downloads counted, one download per file at a time."""

    def __init__(self, directory: Path, upstream: tuple[str, int], stats: Path | None) -> None:
        self.directory = directory
        self.upstream = upstream
        self.stats_path = stats
        self._guard = threading.Lock()
        self._fetching: dict[str, threading.Lock] = {}
        self.stats = {"upstream_bytes": 0, "served_bytes": 0, "hits": 0, "misses": 0, "passed": 0}
        directory.mkdir(parents=True, exist_ok=True)

    def prune(self, max_age_days: int = MAX_AGE_DAYS) -> None:
        """Forget packages no lab asked for in ``max_age_days``, and downloads left unfinished
        for a day (a younger one may belong to another lab's relay)."""
        now = time.time()
        for path in self.directory.iterdir():
            limit = now - (86400 if path.name.startswith(".part") else max_age_days * 86400)
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                continue

    def path_for(self, host: str, path: str) -> Path:
        digest = hashlib.sha256(f"{host}\0{path}".encode()).hexdigest()
        return self.directory / f"{digest}.deb"

    def lock_for(self, key: str) -> threading.Lock:
        with self._guard:
            return self._fetching.setdefault(key, threading.Lock())

    def count(self, **deltas: int) -> None:
        with self._guard:
            for key, value in deltas.items():
                self.stats[key] += value
            if self.stats_path is None:
                return
            tmp = self.stats_path.with_name(f".{self.stats_path.name}.tmp")
            tmp.write_text(json.dumps(self.stats))
            tmp.replace(self.stats_path)

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.upstream[0], self.upstream[1], timeout=120)


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: CacheServer

    def address_string(self) -> str:  # UNIX socket peers have no address
        return "lab"

    def log_message(self, format: str, *args: object) -> None:
        return  # one line per package would flood the lab log

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def _target(self) -> tuple[str, str]:
        """(Host, origin-form path) of a proxy request (absolute URI) or a plain one."""
        if self.path.startswith("http://"):
            parts = urlsplit(self.path)
            path = parts.path or "/"
            return parts.netloc, path + (f"?{parts.query}" if parts.query else "")
        return self.headers.get("Host", self.server.cache.upstream[0]), self.path

    def _handle(self, method: str) -> None:
        host, path = self._target()
        cache = self.server.cache
        try:
            if method == "GET" and PACKAGE_PATH.match(path):
                cached = cache.path_for(host, path)
                fetched = False
                if not cached.exists():
                    with cache.lock_for(cached.name):  # others wait for this one download
                        if not cached.exists():
                            if not self._fetch(host, path, cached):
                                return  # the mirror's answer was relayed as it was
                            fetched = True
                cache.count(**({"misses": 1} if fetched else {"hits": 1}))
                self._send_file(cached)
                return
            self._pass(method, host, path)
        except (OSError, http.client.HTTPException):
            self._fail()

    def _request_headers(self, host: str, *, conditional: bool) -> dict[str, str]:
        skip = HOP_BY_HOP | {"host"}
        if not conditional:
            skip |= {"range", "if-range", "if-modified-since", "if-none-match"}
        headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
        headers["Host"] = host
        return headers

    def _fetch(self, host: str, path: str, target: Path) -> bool:
        """Download a package into the cache; False when the mirror's answer was not a file
        (then that answer has been relayed to the client)."""
        cache = self.server.cache
        conn = cache.connect()
        try:
            conn.request("GET", path, headers=self._request_headers(host, conditional=False))
            response = conn.getresponse()
            if response.status != 200:
                body = response.read()
                cache.count(upstream_bytes=len(body), passed=1)
                self._relay(response, body)
                return False
            expected = response.getheader("Content-Length")
            fd, tmp = tempfile.mkstemp(prefix=".part", dir=target.parent)
            got = 0
            with os.fdopen(fd, "wb") as out:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    got += len(chunk)
            cache.count(upstream_bytes=got)
            if expected is not None and int(expected) != got:
                os.unlink(tmp)
                raise http.client.IncompleteRead(b"", int(expected) - got)
            os.replace(tmp, target)
            return True
        finally:
            conn.close()

    def _send_file(self, path: Path) -> None:
        size = path.stat().st_size
        with path.open("rb") as source:
            os.utime(path)  # recently used: kept by prune()
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.debian.binary-package")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.server.cache.count(served_bytes=size)
            self._copy(source)

    def _copy(self, source: BinaryIO) -> None:
        shutil.copyfileobj(source, self.wfile, CHUNK)

    def _pass(self, method: str, host: str, path: str) -> None:
        cache = self.server.cache
        conn = cache.connect()
        try:
            conn.request(method, path, headers=self._request_headers(host, conditional=True))
            response = conn.getresponse()
            body = b"" if method == "HEAD" else response.read()
            cache.count(upstream_bytes=len(body), passed=1, served_bytes=len(body))
            self._relay(response, body, head=method == "HEAD")
        finally:
            conn.close()

    def _relay(self, response: http.client.HTTPResponse, body: bytes, head: bool = False) -> None:
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP | {"content-length"}:
                self.send_header(key, value)
        if not head and response.status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        elif head and response.getheader("Content-Length"):
            self.send_header("Content-Length", response.getheader("Content-Length", "0"))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _fail(self) -> None:
        with contextlib.suppress(OSError):
            self.send_error(502, "mirror unreachable")
        self.close_connection = True


class CacheServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, sock: Path, cache: Cache) -> None:
        self.cache = cache
        # Bound and listening under a temporary name, then renamed: a client never meets a
        # socket file that refuses connections. Only root may connect (mode 0600).
        tmp = sock.with_name(f".{sock.name}.{os.getpid()}")
        tmp.unlink(missing_ok=True)
        old = os.umask(0o077)
        try:
            super().__init__(str(tmp), ProxyHandler)
        finally:
            os.umask(old)
        tmp.chmod(0o600)
        os.replace(tmp, sock)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--socket", type=Path, required=True)
    parser.add_argument("--upstream", required=True, help="mirror host:port")
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--stats", type=Path)
    args = parser.parse_args(argv)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(PR_SET_NAME, PROCESS_NAME, 0, 0, 0)
    host, _, port = args.upstream.rpartition(":")
    cache = Cache(args.cache, (host, int(port)), args.stats)
    cache.prune()
    cache.count()  # the statistics file exists from the start
    server = CacheServer(args.socket, cache)
    server.serve_forever()


if __name__ == "__main__":
    socket.setdefaulttimeout(300)
    main()
