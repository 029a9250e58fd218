"""The report data model, built from records, the lab estate, the catalogues and registers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from capdo.compliance.results import Evidence
from capdo.reports.data import FAILING

from .conftest import FAILING_WEB, WAIVERS_YML, report_for


def test_all_pass_hosts_then_one_broken_on_purpose(
    records_file: Callable[..., Path], bare_lab: Path
) -> None:
    clean = report_for(bare_lab, (records_file("ok"),))
    broken = report_for(bare_lab, (records_file("bad", FAILING_WEB),))
    for report in (clean, broken):
        assert [g.regime for g in report.regimes] == ["legacy", "new"]
    legacy_ok = clean.regime("legacy")
    legacy_bad = broken.regime("legacy")
    dvc_ok = next(s for s in legacy_ok.systems if s.info.id == "lab-dvc")
    dvc_bad = next(s for s in legacy_bad.systems if s.info.id == "lab-dvc")
    # host requirements all pass in the clean run; only documents (manual) fail
    host_rows = [
        r for r in dvc_ok.rows if legacy_ok.requirements[r.requirement_id].check == "server"
    ]
    assert host_rows
    assert all(r.status not in FAILING for r in host_rows)
    failing = {r.requirement_id: r for r in dvc_bad.failing}
    assert failing["SRV.03"].status == "fail"
    assert failing["SRV.04"].status == "error"
    assert dvc_bad.verdict.score is not None
    assert dvc_ok.verdict.score is not None
    assert dvc_bad.verdict.score < dvc_ok.verdict.score
    finding = next(f for f in failing["SRV.03"].findings if f.status == "fail")
    assert finding.target == "lab-web01"
    assert finding.evidence is not None
    assert finding.evidence.actual == {"minlen": 8}


def test_host_views_and_management_rows(records_file: Callable[..., Path], bare_lab: Path) -> None:
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB),))
    legacy = report.regime("legacy")
    hosts = {h.info.id: h for h in legacy.hosts}
    assert set(hosts) >= {"lab-web01", "lab-db01", "lab-core01", "lab-vc-dc"}
    assert hosts["lab-web01"].counts["fail"] == 1
    assert hosts["lab-db01"].counts["error"] == 1
    assert hosts["lab-web01"].info.kind == "server"
    assert hosts["lab-core01"].info.kind == "network"
    dvc = next(s for s in legacy.systems if s.info.id == "lab-dvc")
    management = dvc.management
    assert management, "manual and inventory requirements are evaluated on the system"
    assert all(r.findings[0].target == "lab-dvc" for r in management)
    # no evidence register: documentary requirements are missing their evidence
    manual = [r for r in management if r.findings[0].checker == "evidence-register"]
    assert manual
    assert all(r.status == "missing_evidence" for r in manual)


def test_waivers_active_and_expired(records_file: Callable[..., Path], bare_lab: Path) -> None:
    (bare_lab / "waivers.yml").write_text(WAIVERS_YML, encoding="utf-8")
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB, estate=bare_lab),))
    legacy = report.regime("legacy")
    states = {w.waiver.id: w.state.value for w in legacy.waivers}
    assert states == {"W-2026-001": "active", "W-2025-009": "expired"}
    web = next(h for h in legacy.hosts if h.info.id == "lab-web01")
    srv03 = next(f for f in web.findings if f.requirement_id == "SRV.03")
    assert (srv03.status, srv03.original_status, srv03.waiver_id) == (
        "waived",
        "fail",
        "W-2026-001",
    )
    db = next(h for h in legacy.hosts if h.info.id == "lab-db01")
    srv04 = next(f for f in db.findings if f.requirement_id == "SRV.04")
    assert (srv04.status, srv04.expired_waiver_id) == ("error", "W-2025-009")


def test_evidence_register_makes_a_manual_requirement_pass(
    records_file: Callable[..., Path], bare_lab: Path
) -> None:
    report = report_for(bare_lab, (records_file("ok"),))
    legacy = report.regime("legacy")
    dvc = next(s for s in legacy.systems if s.info.id == "lab-dvc")
    manual = next(r for r in dvc.management if r.findings[0].checker == "evidence-register")
    assert manual.status == "missing_evidence"
    (bare_lab / "evidence.yml").write_text(
        "evidence:\n"
        f"  - {{requirement_id: {manual.requirement_id}, system: lab-dvc, "
        "document_ref: 'QĐ 12/QĐ-STTTT', dated: 2026-06-01}\n",
        encoding="utf-8",
    )
    again = report_for(bare_lab, (records_file("ok"),)).regime("legacy")
    dvc2 = next(s for s in again.systems if s.info.id == "lab-dvc")
    row = next(r for r in dvc2.management if r.requirement_id == manual.requirement_id)
    assert row.status == "pass"


def test_transition_gap_when_both_regimes_are_in_force(
    records_file: Callable[..., Path], bare_lab: Path
) -> None:
    report = report_for(bare_lab, (records_file("ok"),))
    assert report.regimes_in_force == ("legacy", "new")
    levels = {gap.level: gap for gap in report.gaps}
    assert set(levels) == {2, 3}
    assert set(levels[3].systems) == {"lab-dvc", "lab-hatang"}
    assert levels[3].diff.to_regime == "new"


def test_single_regime_has_no_gap(records_file: Callable[..., Path], bare_lab: Path) -> None:
    estate = bare_lab / "estate.yml"
    estate.write_text(
        estate.read_text(encoding="utf-8").replace("regimes: [legacy, new]", "regimes: [new]"),
        encoding="utf-8",
    )
    report = report_for(bare_lab, (records_file("ok", estate=bare_lab),))
    assert [g.regime for g in report.regimes] == ["new"]
    assert report.gaps == ()


def test_results_for_unknown_targets_are_noted(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    from capdo.compliance.results import ResultRecord, write_results_jsonl

    from .conftest import MOMENT

    extra = tmp_path / "extra.jsonl"
    write_results_jsonl(
        extra,
        [
            ResultRecord(
                requirement_id="SRV.03",
                target="ghost01",
                target_kind="server",
                status="fail",
                evidence=Evidence(),
                checker="capdo.checks.server:fixture",
                time=MOMENT,
                run_id="x",
            )
        ],
    )
    report = report_for(bare_lab, (records_file("ok"), extra))
    assert [(x.target, x.reason) for x in report.rejected] == [("ghost01", "unknown-target")]


def test_traits_from_the_inventory_make_conditional_requirements_apply(
    records_file: Callable[..., Path], bare_lab: Path
) -> None:
    report = report_for(bare_lab, (records_file("ok"),))
    hosts = {h.info.id: h for h in report.regime("new").hosts}
    assert hosts["lab-vc-dc"].counts["pass"] > 0  # vc_system: endpoint requirements apply
    assert hosts["lab-vc-dc"].info.kind == "endpoint"
