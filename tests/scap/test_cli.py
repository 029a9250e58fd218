"""``capdo scan`` as a real process: usage errors, an unreachable server, chroot mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from scap_testlib import LAB_ESTATE
from test_arf_chroot import make_root

from capdo.compliance.results import read_results_jsonl


def capdo(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "CAPDO_LANG": "en", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "capdo.cli", "scan", "-i", str(LAB_ESTATE), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=full_env,
        start_new_session=True,
    )


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--mode", "telnet"], "Invalid scan mode"),
        (["--limit", "no-such-server"], "--limit matches no server"),
        (["--mode", "chroot", "--limit", "lab-web01"], "Chroot mode needs --chroot"),
        (["--mode", "local"], "exactly one server"),
        (["--level", "9"], "less than or equal to 5"),
    ],
)
def test_usage_errors_exit_2_without_traceback(tmp_path: Path, args: list[str], text: str) -> None:
    done = capdo(*args, "--out", str(tmp_path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert text in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_unreachable_server_gives_an_error_record_and_the_run_goes_on(
    tmp_path: Path, ssg_content: Path
) -> None:
    # Real ssh to closed loopback ports: both servers fail fast, each gets its own record.
    overlay = tmp_path / "overlay.yml"
    overlay.write_text(
        yaml.safe_dump(
            {
                "lab-web01": {"host": "127.0.0.1", "port": 9, "user": "root"},
                "lab-mcu01": {"host": "127.0.0.1", "port": 7, "user": "root"},
            }
        )
    )
    out = tmp_path / "out"
    done = capdo(
        "--limit", "lab-web01", "--limit", "lab-mcu01", "--out", str(out),
        env={"CAPDO_CONNECTIONS": str(overlay)},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    records = read_results_jsonl(out / "results.jsonl")
    assert [(r.target, r.requirement_id, r.status) for r in records] == [
        ("lab-web01", "SRV.14", "error"),
        ("lab-mcu01", "SRV.14", "error"),
    ]
    assert "Cannot reach" in (records[0].evidence.detail or "")
    summary = json.loads((out / "summary.json").read_text())
    assert [t["profile"] for t in summary["targets"]] == [
        "anssi_bp28_intermediary",
        "anssi_bp28_minimal",
    ]
    forced = capdo(
        "--limit", "lab-mcu01", "--level", "4", "--out", str(tmp_path / "l4"),
        "--format", "json", env={"CAPDO_CONNECTIONS": str(overlay)},
    )  # fmt: skip
    assert forced.returncode == 1
    assert json.loads(forced.stdout)["targets"][0]["profile"] == "anssi_bp28_enhanced"


@pytest.mark.lab
@pytest.mark.usefixtures("root_user")  # oscap-chroot calls chroot
def test_chroot_mode_warns_about_package_rules(
    tmp_path: Path, ssg_content: Path, oscap_tools: None
) -> None:
    root = make_root(tmp_path / "root", 0o640)
    out = tmp_path / "out"
    done = capdo(
        "--mode", "chroot", "--chroot", str(root), "--limit", "lab-mcu01",
        "--out", str(out), "--no-fix",
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    assert "package rule results are unreliable" in done.stdout
    assert (out / "lab-mcu01.arf.xml").stat().st_size > 100_000
    assert (out / "lab-mcu01.tailoring.xml").is_file()
    records = read_results_jsonl(out / "results.jsonl")
    assert {r.checker for r in records} == {"capdo.scap"}
    assert any(r.requirement_id == "SRV.14" for r in records)
    vi = capdo(
        "--mode", "chroot", "--chroot", str(root), "--limit", "lab-mcu01",
        "--out", str(tmp_path / "vi"), "--no-fix", env={"CAPDO_LANG": "vi"},
    )  # fmt: skip
    assert "không đáng tin" in vi.stdout
