"""Result records, their JSONL files and the combination order of statuses."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from capdo.compliance.results import (
    STATUSES,
    Evidence,
    ResultRecord,
    read_results_jsonl,
    worst,
    write_results_jsonl,
)
from capdo.compliance.yaml_source import DataFileError


def record(**changes: object) -> ResultRecord:
    base = ResultRecord(
        requirement_id="SRV.03",
        target="srv1",
        target_kind="server",
        status="fail",
        evidence=Evidence(expected={"minlen": 14}, actual={"minlen": 8}, detail="pwquality minlen"),
        checker="capdo.checks.server",
        time=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
        run_id="run-1",
    )
    return base.model_copy(update=changes)


def test_jsonl_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    records = [record(), record(target="srv2", status="pass")]
    assert write_results_jsonl(path, records) == 2
    assert read_results_jsonl(path) == records


def test_bad_lines_are_reported_with_their_number(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    write_results_jsonl(path, [record()])
    with path.open("a", encoding="utf-8") as out:
        out.write("\n")
        out.write(record().model_dump_json().replace('"fail"', '"broken"') + "\n")
        out.write("{not json}\n")
    with pytest.raises(DataFileError) as info:
        read_results_jsonl(path)
    rendered = [p.render("en") for p in info.value.problems]
    assert len(rendered) == 2
    assert rendered[0].startswith(f"{path}:3:1: status")
    assert rendered[1].startswith(f"{path}:4:2: ")  # the column of the bad character


def test_record_rejects_unknown_fields_and_naive_time() -> None:
    with pytest.raises(ValidationError):
        ResultRecord.model_validate({**record().model_dump(), "extra": 1})
    with pytest.raises(ValidationError):
        ResultRecord.model_validate({**record().model_dump(), "time": "2026-11-20T08:00:00"})
    with pytest.raises(ValidationError):
        ResultRecord.model_validate({**record().model_dump(), "requirement_id": "srv-3"})


def test_worst_order() -> None:
    assert worst("pass", "fail") == "fail"
    assert worst("error", "fail") == "fail"
    assert worst("not_reviewed", "error") == "error"
    assert worst("missing_evidence", "not_reviewed") == "missing_evidence"
    assert worst("waived", "not_reviewed") == "not_reviewed"
    assert worst("pass", "waived") == "waived"
    assert worst("not_applicable", "pass") == "pass"
    assert set(STATUSES) == {
        "pass",
        "fail",
        "missing_evidence",
        "not_reviewed",
        "error",
        "waived",
        "not_applicable",
    }


def test_legacy_manual_status_reads_as_not_reviewed() -> None:
    data = {**record().model_dump(mode="json"), "status": "manual"}
    assert ResultRecord.model_validate(data).status == "not_reviewed"
