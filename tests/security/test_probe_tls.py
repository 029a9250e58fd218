"""Endpoint probing sends credentials only over TLS verified against the estate's CA.

A real TLS server on loopback stands in for an endpoint (or for someone impersonating one): it
records every byte it receives after the handshake and answers a fixed HTTP status. Real
certificates are made at run time: the estate's CA, and a rogue CA the estate does not trust.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capdo.cli import app
from capdo.endpoints.checks import CheckContext, evaluate
from capdo.endpoints.intended import Planner
from capdo.endpoints.policy import load_firmware_policy
from capdo.endpoints.probe import ProbeFacts, ProbeSettings, ProbeTarget, probe_all
from capdo.endpoints.trust import estate_ca_file
from capdo.inventory.model import Inventory
from capdo.inventory.validate import load_estate
from capdo_lab.endpoints.certs import lab_ca, make_contexts

PASSWORD = "Estate-Secret-123"  # a throw-away value: what must never reach an unverified peer


@dataclass
class RecordingServer:
    """A TLS server that answers ``status`` to every request and keeps what it was sent."""

    context: ssl.SSLContext
    status: str
    received: list[bytes] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self._socket.settimeout(0.2)
        while not self._stop.is_set():
            try:
                raw, _ = self._socket.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._handle, args=(raw,), daemon=True).start()

    def _handle(self, raw: socket.socket) -> None:
        raw.settimeout(5)
        try:
            with self.context.wrap_socket(raw, server_side=True) as tls:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                self.received.append(data)
                if data:
                    body = b"not here\n"
                    tls.sendall(
                        f"HTTP/1.1 {self.status}\r\nContent-Length: {len(body)}\r\n"
                        "Connection: close\r\n\r\n".encode()
                        + body
                    )
        except (OSError, ssl.SSLError):
            pass  # the client refused our certificate: nothing was sent

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()

    def saw(self, text: str) -> bool:
        return any(text.encode() in data for data in self.received)


@pytest.fixture
def estate(lab_copy: Path) -> tuple[Path, Inventory]:
    result = load_estate(lab_copy)
    assert result.inventory is not None
    return lab_copy, result.inventory


def _server(directory: Path, ca_file: Path, status: str) -> RecordingServer:
    contexts = make_contexts(directory, lab_ca(ca_file))
    return RecordingServer(contexts.valid, status)


@pytest.fixture
def servers(tmp_path: Path, estate: tuple[Path, Inventory]) -> Iterator[dict[str, object]]:
    root, inventory = estate
    trusted_ca = estate_ca_file(inventory.estate, root)
    assert trusted_ca is not None
    made = {
        "rogue": _server(tmp_path / "rogue", tmp_path / "rogue-ca" / "ca.crt", "200 OK"),
        "trusted-404": _server(tmp_path / "t404", trusted_ca, "404 Not Found"),
        "trusted-500": _server(tmp_path / "t500", trusted_ca, "500 Internal Server Error"),
        "trusted-200-page": _server(tmp_path / "t200", trusted_ca, "200 OK"),
    }
    yield {"ca": trusted_ca, **made}
    for server in made.values():
        server.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _probe(server: RecordingServer, settings: ProbeSettings) -> ProbeFacts:
    closed = _closed_port()
    ports = {
        "sip_udp": closed,
        "sip_tcp": closed,
        "sip_tls": closed,
        "https": server.port,
        "http": 0,
        "telnet": 0,
        "snmp": 0,
    }
    target = ProbeTarget("lab-vc-xa1", "yealink", "127.0.0.1", ports, "admin", PASSWORD)
    (facts,) = asyncio.run(probe_all([target], settings))
    return facts


def _records(root: Path, inventory: Inventory, facts: ProbeFacts) -> dict[str, object]:
    planner = Planner(inventory, root)
    plan = next(p for p in planner.plans() if p.name == facts.name)
    ctx = CheckContext(
        plan, facts, planner.index, load_firmware_policy(root), dt.datetime.now(dt.UTC)
    )
    return {r.requirement_id: r for r in evaluate(ctx, "tls-test")}


def test_unverified_peer_gets_no_credentials(
    servers: dict[str, object], estate: tuple[Path, Inventory]
) -> None:
    rogue = servers["rogue"]
    assert isinstance(rogue, RecordingServer)
    facts = _probe(rogue, ProbeSettings(timeout=2.0, ca_file=str(servers["ca"])))
    assert facts.mgmt_tls.ok  # the certificate was looked at (dates, strength)...
    assert facts.tls_verified is False  # ...but it does not chain to the estate's CA
    assert not rogue.saw("Authorization")  # no credential, not even a vendor default
    assert not rogue.saw("GET")
    records = _records(*estate, facts)
    assert records["VC.03"].status == "error"  # type: ignore[attr-defined]
    assert records["VC.06"].evidence.detail == "endpoints.check.tls-unverified"  # type: ignore[attr-defined]
    assert records["VC.04"].status == "fail"  # type: ignore[attr-defined]


def test_insecure_sends_credentials_and_every_record_says_so(
    servers: dict[str, object], estate: tuple[Path, Inventory]
) -> None:
    rogue = servers["rogue"]
    assert isinstance(rogue, RecordingServer)
    settings = ProbeSettings(timeout=2.0, ca_file=str(servers["ca"]), insecure=True)
    facts = _probe(rogue, settings)
    assert rogue.saw("Authorization: Basic")  # the explicit opt-out does send them
    assert facts.insecure
    records = _records(*estate, facts)
    for requirement, record in records.items():
        if requirement == "VC.07":  # judged from the model alone: no TLS involved
            continue
        actual = record.evidence.actual  # type: ignore[attr-defined]
        assert isinstance(actual, dict)
        assert actual["insecure_tls"] is True, requirement


@pytest.mark.parametrize("name", ["trusted-404", "trusted-500", "trusted-200-page"])
def test_unexpected_http_answer_is_an_error_not_a_fail(
    servers: dict[str, object], estate: tuple[Path, Inventory], name: str
) -> None:
    server = servers[name]
    assert isinstance(server, RecordingServer)
    facts = _probe(server, ProbeSettings(timeout=2.0, ca_file=str(servers["ca"])))
    assert facts.tls_verified is True
    assert server.saw("Authorization: Basic")  # verified peer: credentials may go
    records = _records(*estate, facts)
    vc03 = records["VC.03"]
    assert vc03.status == "error", vc03  # type: ignore[attr-defined]
    assert vc03.evidence.detail == "endpoints.check.vc03.unexpected"  # type: ignore[attr-defined]
    assert records["VC.06"].status == "error"  # type: ignore[attr-defined]


def test_ca_and_insecure_options(lab_copy: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    missing = tmp_path / "nope.pem"
    done = runner.invoke(
        app, ["endpoints", "check", "-i", str(lab_copy), "--ca", str(missing), "--lang", "en"]
    )
    assert done.exit_code == 2
    assert "nope.pem" in done.output
    helped = runner.invoke(app, ["endpoints", "probe", "--help"])
    assert "--ca" in helped.output
    assert "--insecure" in helped.output


def test_estate_ca_must_be_inside_the_estate(lab_copy: Path) -> None:
    estate_file = lab_copy / "estate.yml"
    estate_file.write_text(
        estate_file.read_text(encoding="utf-8").replace(
            "endpoint_ca: .lab/endpoint-ca.crt", "endpoint_ca: ../../etc/ssl/certs/x.pem"
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["endpoints", "check", "-i", str(lab_copy), "--lang", "en"])
    assert result.exit_code == 2
    assert "inside the estate directory" in result.output
