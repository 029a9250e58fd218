"""``capdo provision`` through ansible-runner on converged lab hosts: per-host summary,
artifacts (job events, per-host status) kept, and no secret in them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server.conftest import REPO, ServerLab

pytestmark = pytest.mark.lab


def test_provision_keeps_artifacts_and_sums_up_per_host(
    converged: ServerLab, tmp_path: Path
) -> None:
    artifacts = tmp_path / "provision"
    secret = "capdo-test-secret-value-4711"
    done = subprocess.run(
        [sys.executable, "-m", "capdo.cli", "provision", "-i", str(converged.estate),
         "-l", "lab-mcu01", "--out", str(artifacts), "--lang", "en"],
        cwd=REPO, env={**converged.env, "CAPDO_LAB_DEVICE_PASSWORD": secret},
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "lab-mcu01: ok " in done.stdout
    assert ", changed 0, failed 0, unreachable 0" in done.stdout  # converged: nothing to do
    # the progress table (stderr) ends its last line: in a log of both streams the summary
    # starts on a line of its own
    assert done.stderr.endswith("┘\n"), done.stderr[-200:]
    (run,) = artifacts.iterdir()
    status = json.loads((run / "hosts.json").read_text())
    assert status["rc"] == 0
    assert "lab-mcu01" in status["hosts"]  # (localhost too: the controller-side PKI tasks)
    assert status["hosts"]["lab-mcu01"]["ok"] > 20
    assert status["hosts"]["lab-mcu01"]["changed"] == 0
    events = list((run / "job_events").glob("*.json"))
    assert len(events) > 50
    assert (run / "rc").read_text().strip() == "0"
    for path in run.rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(errors="replace"), path


def test_failed_provision_shows_why_and_exits_2(converged: ServerLab, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "capdo.cli", "provision", "-i", str(converged.estate),
         "-l", "lab-db01", "--out", str(tmp_path / "a"), "--lang", "en"],
        cwd=REPO, env=converged.env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 2
    assert "lab-db01: ok 0" in done.stdout
    assert "unreachable 1" in done.stdout
    assert "UNREACHABLE" in done.stderr
