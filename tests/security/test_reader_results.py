"""Hostile result files (JSONL): every bad line is located; exit 2 unless ``--lenient``."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from capdo.compliance.problems import LocatedProblem
from capdo.compliance.results import ResultRecord, iter_results_jsonl, write_results_jsonl
from tests.conftest import LAB_ESTATE
from tests.security.conftest import run_capdo

GOOD = ResultRecord(
    requirement_id="SRV.03",
    target="lab-web01",
    target_kind="server",
    status="fail",
    checker="test",
    time=datetime(2026, 11, 21, tzinfo=UTC),
    run_id="x",
)
GOOD_LINE = GOOD.model_dump_json(exclude_none=True).encode()
DUPLICATE = GOOD_LINE[:-1] + b', "status": "pass"}'  # a forged second status for the same record
BAD_LINES = {
    "malformed": (b'{"requirement_id": ', "reader.json-syntax", 20),
    "bad-encoding": (
        GOOD_LINE.replace(b"lab-web01", b"lab-w\xe9b01"),
        "reader.bad-utf8",
        GOOD_LINE.index(b"lab-web01") + 6,
    ),
    "duplicate-key": (DUPLICATE, "reader.duplicate-key", len(GOOD_LINE) + 2),
    "deep": (b"[" * 100_000 + b"]" * 100_000, "reader.too-deep", 1),
    "nan": (GOOD_LINE[:-1] + b', "x": NaN}', "reader.json-syntax", 1),
}


def _results(tmp_path: Path, bad: bytes) -> Path:
    path = tmp_path / "results.jsonl"
    path.write_bytes(GOOD_LINE + b"\n" + bad + b"\n" + GOOD_LINE + b"\n")
    return path


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_bad_line_is_a_located_problem_and_the_rest_is_read(tmp_path: Path, case: str) -> None:
    bad, key, column = BAD_LINES[case]
    items = list(iter_results_jsonl(_results(tmp_path, bad)))
    assert [isinstance(i, ResultRecord) for i in items] == [True, False, True]
    problem = items[1]
    assert isinstance(problem, LocatedProblem)
    assert (problem.line, problem.column, problem.problem.key) == (2, column, key)


def test_duplicate_status_is_never_silently_resolved(tmp_path: Path) -> None:
    """json.loads keeps the last of two keys: a forged 'pass' after 'fail' would win."""
    items = list(iter_results_jsonl(_results(tmp_path, DUPLICATE)))
    records = [i for i in items if isinstance(i, ResultRecord)]
    assert all(r.status == "fail" for r in records)
    assert len(records) == 2


def test_overlong_line_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    path = _results(tmp_path, b'{"x": "' + b"a" * (5 << 20) + b'"}')
    items = list(iter_results_jsonl(path))
    problem = items[1]
    assert isinstance(problem, LocatedProblem)
    assert (problem.line, problem.problem.key) == (2, "reader.line-too-long")
    assert isinstance(items[2], ResultRecord)


@pytest.mark.parametrize("command", ["evaluate", "report"])
@pytest.mark.parametrize("case", ["malformed", "bad-encoding", "duplicate-key"])
def test_evaluate_and_report_exit_2_unless_lenient(tmp_path: Path, command: str, case: str) -> None:
    results = _results(tmp_path, BAD_LINES[case][0])
    extra = ["--out", str(tmp_path / "out"), "--lang", "en"]
    if command == "report":
        extra += ["--no-store"]
    strict = run_capdo(command, "-i", str(LAB_ESTATE), "-r", str(results), *extra)
    assert strict.returncode == 2
    assert f"{results}:2:" in strict.stderr
    assert "Traceback" not in strict.stderr
    lenient = run_capdo(command, "-i", str(LAB_ESTATE), "-r", str(results), *extra, "--lenient")
    assert lenient.returncode == 0, lenient.stderr
    assert f"{results}:2:" in lenient.stdout + lenient.stderr  # still reported


@pytest.mark.parametrize("command", ["evaluate", "report"])
def test_fifo_result_file_never_hangs(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "results.jsonl"
    os.mkfifo(fifo)
    done = run_capdo(command, "-i", str(LAB_ESTATE), "-r", str(fifo), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_written_results_read_back(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    write_results_jsonl(path, [GOOD, GOOD])
    assert list(iter_results_jsonl(path)) == [GOOD, GOOD]
