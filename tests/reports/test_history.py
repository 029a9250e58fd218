"""The history store: runs kept in SQLite, the diff between two runs, the trend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from capdo.compliance.results import Evidence
from capdo.reports.run import Format, ReportRequest, make_reports
from capdo.reports.store import HistoryStore, StoreError, run_key_for

from .conftest import FAILING_WEB, MOMENT, TODAY

NET_BROKEN = {
    ("SRV.04", "lab-db01"): FAILING_WEB[("SRV.04", "lab-db01")],
    ("NET.05", "lab-core01"): ("fail", Evidence(expected="ssh", actual="telnet")),
}


def _run(
    estate: Path, files: tuple[Path, ...], tmp: Path, diff: str | None = None, minutes: int = 0
):  # type: ignore[no-untyped-def]
    return make_reports(
        ReportRequest(
            estate_dir=estate,
            result_files=files,
            out_dir=tmp / "out",
            formats=(Format.html,),
            store=tmp / "history.sqlite",
            diff=diff,
            today=TODAY,
            now=MOMENT + timedelta(minutes=minutes),
        )
    )


def test_diff_new_failures_fixed_and_still_failing(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    first = _run(bare_lab, (records_file("run-1", FAILING_WEB),), tmp_path)
    assert first.report.diff is None
    second = _run(
        bare_lab, (records_file("run-2", NET_BROKEN),), tmp_path, diff="previous", minutes=60
    )
    diff = second.report.diff
    assert diff is not None
    assert (diff.previous_key, diff.current_key) == ("run-1", "run-2")
    new = {(d.regime, d.requirement_id, d.target) for d in diff.new_failures}
    fixed = {(d.regime, d.requirement_id, d.target) for d in diff.fixed}
    still = {(d.regime, d.requirement_id, d.target) for d in diff.still_failing}
    assert ("legacy", "NET.05", "lab-core01") in new
    assert ("legacy", "SRV.03", "lab-web01") in fixed
    assert ("legacy", "SRV.04", "lab-db01") in still
    assert not new & still
    assert not fixed & still
    assert [h.run_key for h in second.report.history] == ["run-1", "run-2"]
    page = second.files[Format.html].read_text(encoding="utf-8")
    assert 'class="trend"' in page
    assert "NET.05" in page
    by_name = {"run-1": first, "run-2": second}
    with HistoryStore(tmp_path / "history.sqlite") as store:
        for key, outcome in by_name.items():
            assert store.record_count(key) == outcome.report.record_count
        again = store.diff("run-1", "run-2")
        assert again == diff


def test_same_results_replace_their_run(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    files = (records_file("run-1"),)
    _run(bare_lab, files, tmp_path)
    outcome = _run(bare_lab, files, tmp_path, minutes=5)
    assert [h.run_key for h in outcome.report.history] == ["run-1"]


def test_unknown_run_and_no_previous_are_errors(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    files = (records_file("run-1"),)
    with pytest.raises(StoreError, match="previous"):
        _run(bare_lab, files, tmp_path, diff="previous")
    with pytest.raises(StoreError, match="nope"):
        _run(bare_lab, files, tmp_path, diff="nope")


def test_run_key_is_short_for_many_run_ids() -> None:
    assert run_key_for(["b", "a"]) == "a+b"
    key = run_key_for([f"run-{i:03d}-" + "x" * 30 for i in range(10)])
    assert len(key) <= 64
    assert key.startswith("run-000")
    assert key == run_key_for([f"run-{i:03d}-" + "x" * 30 for i in reversed(range(10))])


def test_first_screen_shows_each_systems_change_since_the_last_run(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    from capdo.reports.html import deltas

    first = _run(bare_lab, (records_file("run-1", FAILING_WEB),), tmp_path)
    second = _run(
        bare_lab, (records_file("run-2", NET_BROKEN),), tmp_path, diff="previous", minutes=60
    )
    changes = deltas(second.report)
    before = {
        (g.regime, s.info.id): s.verdict.score for g in first.report.regimes for s in g.systems
    }
    for g in second.report.regimes:
        for s in g.systems:
            change = changes[(g.regime, s.info.id)]
            old, new = before[(g.regime, s.info.id)], s.verdict.score
            assert change.score == pytest.approx((new or 0) - (old or 0))
    # NET.05 broke on lab-core01 (a member of the infrastructure system); SRV.03 was fixed
    core = next(sid for sid, info in second.report.systems.items() if "lab-core01" in info.members)
    web = next(sid for sid, info in second.report.systems.items() if "lab-web01" in info.members)
    assert changes[("legacy", core)].new >= 1
    assert changes[("legacy", web)].fixed >= 1
    page = second.files[Format.html].read_text(encoding="utf-8")
    assert "mới không đạt" in page
    assert "đã khắc phục" in page
