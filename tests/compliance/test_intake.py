"""Forged result files leave every verdict unchanged and are reported (issue: result integrity).

Each attack is a results file a hostile user could hand to ``capdo evaluate`` for the lab estate.
The assessment with the file must give the same status for every requirement of every system
as the assessment without it, and list each forged record with its reason.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from capdo.assessment import Assessment, assess
from capdo.compliance.results import FAILING, Evidence, ResultRecord, write_results_jsonl
from capdo.inventory.validate import load_estate
from tests.conftest import LAB_ESTATE

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
SERVER = "capdo.checks.server"


def run(files: list[Path], estate: Path = LAB_ESTATE) -> Assessment:
    loaded = load_estate(estate)
    assert loaded.inventory is not None
    return assess(estate, loaded.inventory, files, moment=NOW)


def statuses(run: Assessment) -> dict[tuple[str, str, str], str]:
    return {
        (regime, v.system_id, o.requirement_id): o.status
        for regime, ev in run.evaluations.items()
        for v in ev.systems
        for o in v.outcomes
    }


def record(**changes: object) -> ResultRecord:
    base: dict[str, object] = {
        "requirement_id": "SRV.03",
        "target": "lab-web01",
        "target_kind": "server",
        "status": "pass",
        "evidence": Evidence(expected=14, actual=14),
        "checker": SERVER,
        "time": NOW - timedelta(hours=1),
        "run_id": "forged",
    }
    return ResultRecord.model_validate({**base, **changes})


def write(tmp_path: Path, records: list[ResultRecord]) -> Path:
    path = tmp_path / "forged.jsonl"
    write_results_jsonl(path, records)
    return path


FORGERIES: dict[str, tuple[dict[str, object], str]] = {
    "waived claim": ({"status": "waived", "waiver_id": "W-DOES-NOT-EXIST"}, "claims-waiver"),
    "waiver id on a fail": ({"status": "fail", "waiver_id": "LAB-W-001"}, "claims-waiver"),
    "evidence claim": ({"status": "missing_evidence"}, "claims-evidence"),
    "n/a without reason": ({"status": "not_applicable"}, "na-without-reason"),
    "n/a from an unregistered checker": (
        {
            "requirement_id": "SRV.06",
            "status": "not_applicable",
            "checker": "capdo.scap",
            "evidence": Evidence(detail="no sshd"),
        },
        "unregistered-checker",
    ),
    "pass from an unknown checker": ({"checker": "my-script"}, "unregistered-checker"),
    "pass on a documentary requirement": (
        {
            "requirement_id": "GOV.01",
            "target": "lab-dvc",
            "target_kind": "system",
            "checker": "capdo.estate",
        },
        "documentary",
    ),
    "dated 2001": ({"time": datetime(2001, 1, 1, tzinfo=UTC)}, "stale"),
    "older than the policy maximum": ({"time": NOW - timedelta(days=31)}, "stale"),
    "dated 2099": ({"time": datetime(2099, 1, 1, tzinfo=UTC)}, "future"),
    "unknown requirement": ({"requirement_id": "XYZ.99"}, "unknown-requirement"),
    "unknown host": ({"target": "ghost01"}, "unknown-target"),
    "host under another kind": ({"target_kind": "network"}, "unknown-target"),
    "unknown system": (
        {"requirement_id": "DOS.01", "target": "ghost", "target_kind": "system"},
        "unknown-system",
    ),
}


@pytest.fixture(scope="module")
def baseline() -> Assessment:
    return run([])


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_forged_record_changes_nothing_and_is_reported(
    name: str, baseline: Assessment, tmp_path: Path
) -> None:
    changes, reason = FORGERIES[name]
    forged = run([write(tmp_path, [record(**changes)])])
    assert statuses(forged) == statuses(baseline)
    assert [r.reason for r in forged.rejected] == [reason]
    data = forged.evaluations["legacy"].to_dict(include_findings=False)
    rejected = data["rejected_records"]
    assert isinstance(rejected, list)
    assert rejected[0]["key"] == f"compliance.intake.{reason}"


def test_waived_claims_for_every_failure_do_not_make_a_system_meet(
    baseline: Assessment, tmp_path: Path
) -> None:
    dvc = baseline.evaluations["legacy"].system("lab-dvc")
    assert not dvc.meets
    claims = [
        record(
            requirement_id=f.requirement_id,
            target=f.target,
            target_kind=f.target_kind,
            status="waived",
            waiver_id="W-FORGED",
            checker="capdo.estate" if f.target_kind == "system" else SERVER,
        )
        for f in baseline.evaluations["legacy"].findings
        if f.status in FAILING and f.target in {"lab-dvc", "lab-web01", "lab-db01"}
    ]
    assert len(claims) > 20
    forged = run([write(tmp_path, claims)])
    assert not forged.evaluations["legacy"].system("lab-dvc").meets
    assert statuses(forged) == statuses(baseline)
    assert len(forged.rejected) == len(claims)


def test_provenance_names_each_input_file(tmp_path: Path) -> None:
    path = write(tmp_path, [record()])
    done = run([path])
    sources = {p["source"]: p for p in done.provenance}
    assert sources[str(path)]["records"] == 1
    assert sources[str(path)]["checkers"] == [SERVER]
    assert sources[str(path)]["run_ids"] == ["forged"]
    sha = sources[str(path)]["sha256"]
    assert isinstance(sha, str)
    assert len(sha) == 64
    assert "estate-checks" in sources
    data = done.evaluations["new"].to_dict(include_findings=False)
    assert data["provenance"] == done.provenance


def finding_of(run: Assessment, requirement: str, target: str):  # type: ignore[no-untyped-def]
    return next(
        f
        for f in run.evaluations["legacy"].findings
        if (f.requirement_id, f.target) == (requirement, target)
    )


def test_conflict_between_checker_and_scap_is_shown_and_the_decider_decides(
    tmp_path: Path,
) -> None:
    scap_fail = record(status="fail", checker="capdo.scap", evidence=Evidence(detail="anssi"))
    done = run([write(tmp_path, [record(), scap_fail])])
    found = finding_of(done, "SRV.03", "lab-web01")
    assert found.status == "pass"  # the server check decides; SSG only corroborates
    assert found.conflict
    assert {(r.checker, r.status) for r in found.results} == {
        (SERVER, "pass"),
        ("capdo.scap", "fail"),
    }
    assert done.evaluations["legacy"].conflicts >= 1
    data = found.to_dict()
    assert data["conflict"] is True
    assert len(data["results"]) == 2  # type: ignore[arg-type]
    outcome = next(
        o
        for o in done.evaluations["legacy"].system("lab-dvc").outcomes
        if o.requirement_id == "SRV.03"
    )
    assert outcome.conflicts == 1


def test_stricter_result_wins_between_deciders(tmp_path: Path) -> None:
    second = record(status="fail", checker=f"{SERVER}:other-run")
    done = run([write(tmp_path, [record(), second])])
    found = finding_of(done, "SRV.03", "lab-web01")
    assert found.status == "fail"
    assert found.conflict


def test_corroboration_alone_does_not_decide(tmp_path: Path) -> None:
    done = run([write(tmp_path, [record(checker="capdo.scap")])])
    found = finding_of(done, "SRV.03", "lab-web01")
    assert found.status == "not_reviewed"
    assert found.evidence is not None
    assert found.evidence.detail == "compliance.eval.corroboration-only"
