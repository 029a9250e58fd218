"""Round trips against emulated devices over real SSH (netmiko + nornir)."""

from __future__ import annotations

from pathlib import Path

import pytest

from capdo.network import runner
from capdo.network.estate import NetworkEstate
from capdo.network.render import Renderer
from capdo_lab.devices import DeviceLab


def _jobs(estate: NetworkEstate, names: list[str] | None = None) -> dict[str, runner.Job]:
    devices = estate.select(names)
    intended = Renderer(estate.templates_dir).render_many(estate.context, devices).configs
    jobs, skipped = runner.jobs_for(estate, devices, intended)
    assert not skipped
    return jobs


@pytest.mark.parametrize("name", ["lab-core01", "lab-xa-rtr01"])
def test_push_round_trip_converges(estate: NetworkEstate, lab: DeviceLab, name: str) -> None:
    jobs = _jobs(estate, [name])
    before = runner.run_jobs(estate, jobs, runner.diff_work, 1)[name]
    assert before.status == "pending"
    assert before.remediation
    pushed = runner.run_jobs(estate, jobs, runner.push_work, 1)[name]
    assert pushed.status == "applied", pushed
    after = runner.run_jobs(estate, jobs, runner.diff_work, 1)[name]
    assert after.status == "in-sync"
    assert not after.remediation
    assert lab.saved_config(name) == lab.running_config(name)


def test_rejected_line_rolls_back(estate: NetworkEstate, lab: DeviceLab) -> None:
    name = "lab-wan01"
    original = lab.running_config(name)
    lab.reject(name, r"^info-center loghost")
    outcome = runner.run_jobs(estate, _jobs(estate, [name]), runner.push_work, 1)[name]
    assert outcome.status == "rolled-back"
    assert outcome.error == "network.error.rejected"
    assert outcome.failed_line is not None
    assert outcome.failed_line.startswith("info-center loghost")
    from capdo.network.platforms import platform_info
    from capdo.network.remediate import remediation

    info = platform_info(estate.templates_dir, "huawei_vrp")
    assert info is not None
    assert remediation(info, lab.running_config(name), original).empty  # same config again
    assert "info-center loghost" not in lab.running_config(name)


def test_wrong_password_and_closed_port_are_per_device_errors(
    estate: NetworkEstate, lab: DeviceLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    overlay = lab.overlay()
    overlay["lab-wan01"] = {"host": "127.0.0.1", "port": port}
    from capdo_lab.devices import write_overlay

    monkeypatch.setenv(
        "CAPDO_CONNECTIONS", str(write_overlay(tmp_path / "o.yml", overlay, merge=False))
    )
    outcomes = runner.run_jobs(estate, _jobs(estate), runner.backup_work, 3)
    assert outcomes["lab-wan01"].error == "network.error.unreachable"
    assert outcomes["lab-core01"].status == "read"  # one device down does not stop the others
    assert outcomes["lab-xa-rtr01"].status == "read"
    monkeypatch.setenv("CAPDO_LAB_DEVICE_PASSWORD", "not-the-password")
    wrong = runner.run_jobs(estate, _jobs(estate, ["lab-core01"]), runner.backup_work, 1)
    assert wrong["lab-core01"].error == "network.error.auth"
    monkeypatch.delenv("CAPDO_LAB_DEVICE_PASSWORD")
    missing = runner.run_jobs(estate, _jobs(estate, ["lab-core01"]), runner.backup_work, 1)
    assert missing["lab-core01"].error == "secrets.error.env-missing"


def test_backup_masks_secrets(estate: NetworkEstate, lab: DeviceLab, tmp_path: Path) -> None:
    outcomes = runner.run_jobs(estate, _jobs(estate), runner.backup_work, 3)
    folder = runner.write_backups(outcomes, tmp_path, "20260101T000000Z")
    core = (folder / "lab-core01.cfg").read_text()
    assert "secret 9 ******" in core
    assert "fakehash" not in core
    assert "snmp-server community ******(2) RO" in core
    assert (tmp_path / "latest" / "lab-wan01.cfg").is_file()
