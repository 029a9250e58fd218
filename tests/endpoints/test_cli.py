"""`capdo endpoints check | probe` against emulations run by `python -m capdo_lab.endpoints`
in a child process (the way `capdo lab up` runs them)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from capdo.compliance.results import read_results_jsonl

from .conftest import TEST_PASSWORD, copy_estate


def _env(overlay: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CAPDO_LAB_ENDPOINT_PASSWORD": TEST_PASSWORD,
        "CAPDO_CONNECTIONS": str(overlay),
    }


@pytest.fixture
def child(tmp_path: Path) -> Iterator[tuple[Path, Path, dict[str, object]]]:
    root = copy_estate(tmp_path / "estate", extra=False)
    overlay = tmp_path / "connections.yml"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "capdo_lab.endpoints",
            "-i",
            str(root),
            "--overlay",
            str(overlay),
            "--fault",
            "lab-vc-xa2=http-open,old-firmware",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(overlay),
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        yield root, overlay, json.loads(line)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0


def _capdo(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "capdo.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_check_writes_records_and_exits_on_findings(
    child: tuple[Path, Path, dict[str, object]], tmp_path: Path
) -> None:
    root, overlay, started = child
    ports = started["ports"]
    assert isinstance(ports, dict)
    assert "http" in ports["lab-vc-xa2"]
    assert "http" not in ports["lab-vc-xa1"]
    out = tmp_path / "results.jsonl"
    done = _capdo(
        "endpoints", "check", "-i", str(root), "--out", str(out), "--lang", "en", env=_env(overlay)
    )
    assert done.returncode == 1, done.stderr
    records = read_results_jsonl(out)
    failed = {(r.target, r.requirement_id) for r in records if r.status == "fail"}
    assert failed == {("lab-vc-xa2", "VC.04"), ("lab-vc-xa2", "VC.05")}
    assert "2 fail" in done.stdout
    limited = _capdo(
        "endpoints",
        "check",
        "-i",
        str(root),
        "--limit",
        "lab-vc-xa1,lab-vc-dc",
        "--fail-on",
        "error",
        env=_env(overlay),
    )
    assert limited.returncode == 0, limited.stdout + limited.stderr
    probe = _capdo("endpoints", "probe", "-i", str(root), "--format", "json", env=_env(overlay))
    facts = {f["name"]: f for f in json.loads(probe.stdout)}
    assert facts["lab-vc-dc"]["product"] == {
        "vendor": "poly",
        "model": "G7500",
        "firmware": "4.1.2",
    }
    assert facts["lab-vc-xa2"]["open"]["http"] is True


def test_bad_input_is_a_usage_error(tmp_path: Path) -> None:
    root = copy_estate(tmp_path / "estate", extra=False)
    env = _env(tmp_path / "none.yml")
    bad = _capdo("endpoints", "check", "-i", str(root), "--fail-on", "sometimes", env=env)
    assert bad.returncode == 2
    unknown = _capdo(
        "endpoints", "check", "-i", str(root), "--limit", "nope*", "--lang", "en", env=env
    )
    assert unknown.returncode == 2
    assert "No endpoint matches" in unknown.stderr
    assert "Traceback" not in bad.stderr + unknown.stderr
    fault = subprocess.run(
        [
            sys.executable,
            "-m",
            "capdo_lab.endpoints",
            "-i",
            str(root),
            "--fault",
            "lab-vc-xa1=melted",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert fault.returncode == 2
    assert "melted" in fault.stderr
    assert "Traceback" not in fault.stderr
