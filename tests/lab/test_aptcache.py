"""The lab's caching apt relay (capdo_lab.aptcache), run as the lab runs it: its own process on
a UNIX socket, in front of a real HTTP server standing in for the Debian mirror (the machine's
mirror cannot be made to misbehave on purpose; a local one can, and it counts its requests)."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from capdo_lab import relay
from capdo_lab.errors import LabError

PACKAGE = "/debian/pool/main/c/clamav/clamav_1.0.9+dfsg-1~deb12u1_amd64.deb"
INDEX = "/debian/dists/bookworm/InRelease"
BODY = bytes(range(256)) * 400  # 100 KiB


@dataclass
class Mirror:
    port: int
    requests: list[str] = field(default_factory=list)
    truncate: bool = False
    delay: float = 0.0


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    state = Mirror(0)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            state.requests.append(f"{self.headers['Host']}{self.path}")
            time.sleep(state.delay)
            if self.path.endswith(".deb") and "missing" in self.path:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY[: len(BODY) // 2] if state.truncate else BODY)
            if state.truncate:
                self.close_connection = True

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class Relay:
    sock: Path
    cache: Path
    stats: Path

    def get(self, path: str, host: str = "deb.debian.org") -> tuple[int, bytes]:
        """One proxy request the way apt makes it (absolute URI), over the UNIX socket."""
        conn = http.client.HTTPConnection("lab", timeout=30)
        conn.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.sock.connect(str(self.sock))
        conn.request("GET", f"http://{host}{path}")
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, body

    def counters(self) -> dict[str, int]:
        return dict(json.loads(self.stats.read_text()))


@pytest.fixture
def cache_relay(mirror: Mirror, tmp_path: Path) -> Iterator[Relay]:
    sock, cache, stats = tmp_path / "apt.sock", tmp_path / "cache", tmp_path / "stats.json"
    proc = relay.start_root_relay(sock, "127.0.0.1", mirror.port, tmp_path / "log", cache, stats)
    try:
        yield Relay(sock, cache, stats)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_each_package_is_fetched_once_for_many_hosts(mirror: Mirror, cache_relay: Relay) -> None:
    mirror.delay = 0.3  # all "hosts" ask while the first download is still running
    results: list[tuple[int, bytes]] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache_relay.get(PACKAGE))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [(200, BODY)] * 6
    assert mirror.requests == [f"deb.debian.org{PACKAGE}"]
    counters = cache_relay.counters()
    assert counters["upstream_bytes"] == len(BODY)
    assert counters["served_bytes"] == 6 * len(BODY)
    assert counters["misses"] == 1
    assert counters["hits"] == 5


def test_indexes_are_forwarded_every_time(mirror: Mirror, cache_relay: Relay) -> None:
    assert cache_relay.get(INDEX) == (200, BODY)
    assert cache_relay.get(INDEX) == (200, BODY)
    assert mirror.requests == [f"deb.debian.org{INDEX}"] * 2
    assert not list(cache_relay.cache.glob("*.deb"))


def test_a_short_download_is_not_cached(mirror: Mirror, cache_relay: Relay) -> None:
    mirror.truncate = True
    status, _ = cache_relay.get(PACKAGE)
    assert status == 502
    assert not [p for p in cache_relay.cache.iterdir() if not p.name.startswith(".")]
    mirror.truncate = False
    assert cache_relay.get(PACKAGE) == (200, BODY)
    assert len(mirror.requests) == 2


def test_mirror_errors_reach_apt_and_are_not_cached(mirror: Mirror, cache_relay: Relay) -> None:
    missing = "/debian/pool/main/m/missing/missing_1_all.deb"
    assert cache_relay.get(missing)[0] == 404
    assert cache_relay.get(missing)[0] == 404
    assert len(mirror.requests) == 2
    assert not list(cache_relay.cache.glob("*.deb"))


def test_a_hostile_path_cannot_choose_where_the_cache_writes(
    mirror: Mirror, cache_relay: Relay, tmp_path: Path
) -> None:
    hostile = "/debian/pool/../../../../tmp/evil.deb"
    assert cache_relay.get(hostile) == (200, BODY)
    written = [p for p in cache_relay.cache.iterdir() if not p.name.startswith(".")]
    assert len(written) == 1
    assert written[0].parent == cache_relay.cache
    assert len(written[0].stem) == 64  # a hash, not a name from the request
    assert not (tmp_path / "evil.deb").exists()


def test_the_relay_only_talks_to_its_mirror(mirror: Mirror, cache_relay: Relay) -> None:
    """A request naming another host still goes to the one mirror (as the old byte relay did)."""
    assert cache_relay.get(INDEX, host="attacker.example")[0] == 200
    assert mirror.requests == [f"attacker.example{INDEX}"]


def test_the_socket_is_for_root_only(cache_relay: Relay) -> None:
    assert cache_relay.sock.stat().st_mode & 0o777 == 0o600


def test_a_relay_that_cannot_start_is_a_clear_error(tmp_path: Path) -> None:
    """An unusable socket directory: the lab's error, not a hang or a traceback."""
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(LabError) as caught:
        relay.start_root_relay(
            blocked / "apt.sock", "127.0.0.1", 9, tmp_path / "log", tmp_path / "c", tmp_path / "s"
        )
    assert caught.value.key == "lab.error.relay-failed"
