"""``capdo network ...`` end to end against the emulated lab devices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capdo.cli import app
from capdo.compliance.results import read_results_jsonl
from capdo_lab.devices import DeviceLab

REPO = Path(__file__).resolve().parents[2]
LAB = str(REPO / "inventories" / "lab")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["network", *args, "-i", LAB, "--lang", "en"])
    return result.exit_code, result.output


def test_render_writes_configs(tmp_path: Path) -> None:
    code, out = run("render", "--out", str(tmp_path))
    assert code == 0, out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "lab-core01.cfg",
        "lab-fw01.cfg",
        "lab-wan01.cfg",
        "lab-xa-rtr01.cfg",
    ]


def test_bad_limit_is_a_clear_error() -> None:
    code, out = run("render", "--limit", "nope")
    assert code == 2
    assert "selects no device" in out
    assert "Traceback" not in out


def test_backup_diff_push_audit(lab: DeviceLab, tmp_path: Path) -> None:
    code, out = run("backup", "--out", str(tmp_path / "bk"))
    assert code == 0, out
    assert (tmp_path / "bk" / "latest" / "lab-core01.cfg").is_file()
    assert "fakehash" not in (tmp_path / "bk" / "latest" / "lab-core01.cfg").read_text()

    code, out = run("diff", "--from-backup", str(tmp_path / "bk" / "latest"))
    assert code == 1
    assert "no ip http server" in out
    assert "     2  undo telnet server enable" in out  # summary: change × devices

    code, out = run("push", "--format", "json")  # dry run: nothing changes
    assert code == 0, out
    assert {d["status"] for d in json.loads(out)} == {"pending"}
    assert "ip http server" in lab.running_config("lab-core01")

    code, out = run("push", "--commit", "--limit", "lab-core01,lab-xa-rtr01")
    assert code == 0, out
    assert out.count("applied, saved and verified") == 2

    code, out = run("audit", "--live", "--out", str(tmp_path / "a.jsonl"))
    records = read_results_jsonl(tmp_path / "a.jsonl")
    status = {(r.requirement_id, r.target): r.status for r in records}
    assert status[("NET.10", "lab-core01")] == "pass"  # pushed
    assert status[("NET.10", "lab-wan01")] == "fail"  # not pushed: telnet still on
    assert code == 1


def test_unreachable_device_gives_error_record(
    lab: DeviceLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAPDO_LAB_DEVICE_PASSWORD")
    code, _out = run("audit", "--live", "--out", str(tmp_path / "a.jsonl"))
    assert code == 1
    records = read_results_jsonl(tmp_path / "a.jsonl")
    errors = [r for r in records if r.status == "error"]
    assert {r.target for r in errors} == {"lab-core01", "lab-wan01", "lab-xa-rtr01", "lab-fw01"}
    assert all("secrets.error.env-missing" in (r.evidence.detail or "") for r in errors)


def test_audit_without_backup_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run("audit", "--from-backup", str(tmp_path / "none"))
    assert code == 2
    assert "not found" in out


def test_unreadable_backup_is_located_and_the_audit_goes_on(tmp_path: Path) -> None:
    corpus = Path(__file__).parent / "corpus"
    folder = tmp_path / "bk"
    folder.mkdir()
    good = (corpus / "huawei_vrp" / "lab-wan01.compliant.cfg").read_text(encoding="utf-8")
    (folder / "lab-wan01.cfg").write_text(good, encoding="utf-8")
    (folder / "lab-core01.cfg").write_bytes(b"hostname lab-core01\nbanner motd \x03\nstill open\n")
    (folder / "lab-xa-rtr01.cfg").write_bytes(b"sysname lab-xa-rtr01\n\xff oops\n")
    out_file = tmp_path / "a.jsonl"
    code, out = run("audit", "--from-backup", str(folder), "--out", str(out_file))
    assert code == 1, out
    assert "Traceback" not in out
    records = read_results_jsonl(out_file)
    errors = {r.target: r.evidence.detail or "" for r in records if r.status == "error"}
    assert "lab-core01.cfg:line 2: banner is never closed" in errors["lab-core01"]
    assert "lab-xa-rtr01.cfg:line 2: not UTF-8" in errors["lab-xa-rtr01"]
    passed = {r.requirement_id for r in records if r.target == "lab-wan01" and r.status == "pass"}
    assert {"NET.09", "NET.10", "NET.11"} <= passed  # the readable device was audited
