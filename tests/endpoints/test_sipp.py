"""``sipp`` (Debian package sip-tester) as an independent SIP peer, both ways:

- sipp answers OPTIONS: the capdo probe's requests are real SIP (sipp rejects anything else)
  and the probe reads the Server header sipp sends;
- sipp sends OPTIONS to an emulated endpoint and requires a 200: the emulation speaks SIP.

The Debian build of sipp has no TLS, so TLS is covered by the emulation tests only.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from capdo.endpoints.net import sip_options_stream, sip_options_udp
from capdo.endpoints.sip import parse_product
from capdo_lab.endpoints import EmulatedSpec, EndpointLab

SIPP = shutil.which("sipp")
SCENARIOS = Path(__file__).parent / "sipp"
pytestmark = pytest.mark.skipif(SIPP is None, reason="sipp missing: apt-get install sip-tester")


def _free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(("transport", "mode"), [("udp", "u1"), ("tcp", "t1")])
def test_probe_gets_an_answer_from_sipp(tmp_path: Path, transport: str, mode: str) -> None:
    port = _free_port(socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM)
    assert SIPP is not None
    uas = subprocess.Popen(
        [
            SIPP,
            "-sf",
            str(SCENARIOS / "options-uas.xml"),
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "-t",
            mode,
            "-m",
            "1",
            "-nostdin",
            "-timeout",
            "20s",
            "-timeout_error",
        ],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        fact = None
        for _ in range(40):  # sipp needs a moment to bind
            if transport == "udp":
                fact = asyncio.run(sip_options_udp("127.0.0.1", port, 1.0))
            else:
                fact = asyncio.run(sip_options_stream("127.0.0.1", port, 1.0, None))
            if fact.status is not None:
                break
            time.sleep(0.25)
        assert fact is not None
        assert fact.status == 200, fact
        product = parse_product(fact.product)
        assert (product.vendor, product.model, product.firmware) == (
            "yealink",
            "VC200",
            "63.345.0.12",
        )
        assert uas.wait(timeout=20) == 0  # sipp counted one successful call
    finally:
        if uas.poll() is None:
            uas.terminate()
            uas.wait(timeout=10)


@pytest.mark.parametrize(("transport", "mode"), [("udp", "u1"), ("tcp", "t1")])
def test_sipp_gets_an_answer_from_an_emulated_endpoint(
    tmp_path: Path, transport: str, mode: str
) -> None:
    assert SIPP is not None
    spec = EmulatedSpec("vc-sipp", "poly", "G7500", "4.1.2")
    with EndpointLab([spec]) as lab:
        port = lab.ports["vc-sipp"][f"sip_{transport}"]
        done = subprocess.run(
            [
                SIPP,
                f"127.0.0.1:{port}",
                "-sf",
                str(SCENARIOS / "options-uac.xml"),
                "-i",
                "127.0.0.1",
                "-t",
                mode,
                "-m",
                "1",
                "-s",
                "vc-sipp",
                "-nostdin",
                "-timeout",
                "20s",
                "-timeout_error",
            ],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-500:]
