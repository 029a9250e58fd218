"""``capdo evaluate`` over the lab estate: verdicts, waivers, extra result files, outputs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from capdo.compliance.results import Evidence, ResultRecord, write_results_jsonl
from tests.conftest import LAB_ESTATE
from tests.inventory.test_cli import capdo


def test_evaluate_json_and_outputs(tmp_path: Path) -> None:
    run = capdo(
        "evaluate", "-i", str(LAB_ESTATE), "--format", "json", "--out", str(tmp_path), "--oscal"
    )
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    legacy = payload["evaluations"]["legacy"]
    verdicts = {s["system"]: s["verdict"] for s in legacy["systems"]}
    assert verdicts == {
        "lab-dvc": "does_not_meet",
        "lab-hatang": "does_not_meet",
        "lab-hntt": "does_not_meet",
    }
    assert legacy["waivers"][0]["id"] == "LAB-W-001"
    for name in (
        "records.jsonl",
        "evaluation-legacy.json",
        "evaluation-new.json",
        "oscal-ar-legacy.json",
        "oscal-ar-new.json",
    ):
        assert (tmp_path / name).is_file()


def test_oscal_only_when_asked(tmp_path: Path) -> None:
    run = capdo("evaluate", "-i", str(LAB_ESTATE), "--format", "json", "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "estate.json",
        "evaluation-legacy.json",
        "evaluation-new.json",
        "records.jsonl",
    ]
    evaluation = (tmp_path / "evaluation-legacy.json").read_text()
    assert "\n" not in evaluation  # compact
    assert json.loads(evaluation)["systems"]


def test_result_files_join_and_fail_on(tmp_path: Path) -> None:
    record = ResultRecord(
        requirement_id="SRV.03",
        target="lab-web01",
        target_kind="server",
        status="fail",
        evidence=Evidence(expected="no", actual="yes"),
        checker="capdo.checks.server",
        time=datetime.now(UTC),
        run_id="x",
    )
    results = tmp_path / "r.jsonl"
    write_results_jsonl(results, [record])
    with results.open("a") as handle:
        handle.write("{not json\n")
    run = capdo(
        "evaluate",
        "-i",
        str(LAB_ESTATE),
        "-r",
        str(results),
        "--out",
        str(tmp_path / "o"),
        "--fail-on",
        "does-not-meet",
        "--lang",
        "en",
        "--lenient",
        env={"COLUMNS": "160"},
    )
    assert run.returncode == 1
    assert "does not meet" in run.stdout
    assert "r.jsonl:2" in run.stdout  # the bad line is reported, the run goes on
    records = (tmp_path / "o" / "records.jsonl").read_text()
    assert '"SRV.03"' in records


def test_missing_result_file_is_an_operational_error(tmp_path: Path) -> None:
    run = capdo("evaluate", "-i", str(LAB_ESTATE), "-r", str(tmp_path / "none.jsonl"))
    assert run.returncode == 2
    assert "none.jsonl" in run.stderr


def test_bad_waiver_file_is_reported_with_its_line(lab_copy: Path) -> None:
    (lab_copy / "waivers.yml").write_text("waivers:\n  - id: x\n    requirement_id: ARC.14\n")
    run = capdo("evaluate", "-i", str(lab_copy))
    assert run.returncode == 2
    assert "waivers.yml:2" in run.stderr


def test_catalogue_show_for_a_system_uses_its_level_and_traits() -> None:
    run = capdo(
        "catalogue",
        "show",
        "-r",
        "legacy",
        "-s",
        "lab-hntt",
        "-i",
        str(LAB_ESTATE),
        "--format",
        "json",
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["level"] == 2
    assert "vc_system" in data["system"]["traits"]
    ids = {r["id"] for r in data["requirements"]}
    assert "VC.01" in ids
    assert "ARC.05" in data["system"]["not_applicable"]  # no web application in the VC system
    assert "ARC.05" not in ids
    portal = json.loads(
        capdo(
            "catalogue",
            "show",
            "-r",
            "legacy",
            "-s",
            "lab-dvc",
            "-i",
            str(LAB_ESTATE),
            "--format",
            "json",
        ).stdout
    )
    assert portal["level"] == 3
    assert "ARC.05" in {r["id"] for r in portal["requirements"]}
    unknown = capdo("catalogue", "show", "-r", "legacy", "-s", "nope", "-i", str(LAB_ESTATE))
    assert unknown.returncode == 2
