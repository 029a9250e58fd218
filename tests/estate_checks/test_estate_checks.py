"""Each estate check passes where the estate complies and fails on an estate broken on purpose
for that requirement (copies of the lab estate edited in one place)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from capdo.assessment import Assessment, assess
from capdo.compliance.evaluate import Finding
from capdo.compliance.evidence import EvidenceEntry, EvidenceIndex
from capdo.compliance.results import ResultRecord
from capdo.estate_checks import EstateContext, run_estate_checks
from capdo.inventory.index import EstateIndex
from capdo.inventory.validate import load_estate
from tests.conftest import PHUTHO_ESTATE, REPO

MOMENT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
CATALOGUE = REPO / "checks" / "catalogue"


def run(estate: Path, evidence: list[EvidenceEntry] | None = None) -> list[ResultRecord]:
    result = load_estate(estate)
    assert result.ok, [f.location() for f in result.findings]
    assert result.inventory is not None
    context = EstateContext(
        EstateIndex(result.inventory), CATALOGUE, "t", MOMENT, EvidenceIndex(evidence or [])
    )
    return run_estate_checks(context)


def status(records: list[ResultRecord], requirement: str, target: str) -> str:
    found = [r.status for r in records if r.requirement_id == requirement and r.target == target]
    assert len(found) == 1, (requirement, target, found)
    return found[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_dos01_approved_passes_proposed_fails(lab_copy: Path) -> None:
    records = run(lab_copy)
    assert status(records, "DOS.01", "lab-dvc") == "pass"
    assert status(records, "DOS.01", "lab-hntt") == "fail"  # proposed in the lab estate
    edit(
        lab_copy / "systems.yml",
        "level: {level: 3, status: approved, decision: 01/QĐ-LAB, date: 2026-01-15}",
        "level: {level: 3, status: proposed}",
    )
    assert status(run(lab_copy), "DOS.01", "lab-dvc") == "fail"


def assessed(estate: Path, evidence: str | None = None) -> Assessment:
    if evidence is not None:
        body = "evidence:\n" + evidence if evidence else "evidence: []\n"
        (estate / "evidence.yml").write_text(body, encoding="utf-8")
    result = load_estate(estate)
    assert result.inventory is not None
    return assess(estate, result.inventory, [], moment=MOMENT)


def finding(run: Assessment, requirement: str, target: str, regime: str = "legacy") -> Finding:
    return next(
        f
        for f in run.evaluations[regime].findings
        if f.requirement_id == requirement and f.target == target
    )


def test_aud01_is_decided_by_the_evidence_register(lab_copy: Path) -> None:
    recent = (
        "  - {requirement_id: AUD.01, system: lab-dvc, document_ref: BC-1, dated: 2026-03-01}\n"
    )
    old = "  - {requirement_id: AUD.01, system: lab-dvc, document_ref: BC-0, dated: 2025-06-01}\n"
    assert finding(assessed(lab_copy, recent), "AUD.01", "lab-dvc").status == "pass"
    overdue = finding(assessed(lab_copy, old), "AUD.01", "lab-dvc")
    assert overdue.status == "missing_evidence"  # level 3: every 12 months
    assert overdue.evidence is not None
    assert overdue.evidence.expected == {"valid_months": 12}
    assert overdue.checker == "evidence-register"
    assert finding(assessed(lab_copy, ""), "AUD.01", "lab-dvc").status == "missing_evidence"


def test_arc07_core_needs_a_redundancy_peer(lab_copy: Path) -> None:
    assert status(run(lab_copy), "ARC.07", "lab-core01") == "fail"  # a single core switch
    assert status(run(lab_copy), "ARC.07", "lab-wan01") == "not_applicable"
    devices = lab_copy / "devices.yml"
    edit(devices, "  model: Catalyst 9300\n", "  model: Catalyst 9300\n  redundancy_group: core\n")
    devices.write_text(
        devices.read_text()
        + (
            "- name: lab-core02\n  platform: cisco_ios\n  role: core\n  site: lab-dc\n"
            "  zone: lab-dc-mgmt\n  address: 198.18.0.4\n  redundancy_group: core\n"
            "  systems: [lab-hatang]\n"
        )
    )
    records = run(lab_copy)
    assert status(records, "ARC.07", "lab-core01") == "pass"
    assert status(records, "ARC.07", "lab-core02") == "pass"


def test_arc01_zones_required_at_the_level(lab_copy: Path) -> None:
    record = next(
        r for r in run(lab_copy) if r.requirement_id == "ARC.01" and r.target == "lab-core01"
    )
    assert record.status == "fail"
    missing = record.evidence.actual["missing_by_system"]["lab-hatang"]  # type: ignore[index]
    assert {"perimeter", "dmz", "database_servers"} <= set(missing)
    zones = lab_copy / "zones.yml"
    zones.write_text(
        zones.read_text()
        + "".join(
            f"- id: {site}-{kind}-x\n  site: {site}\n  kind: {kind}\n"
            f"  prefixes: [198.18.{n}.0/27]\n"
            for n, (site, kind) in enumerate(
                [
                    (s, k)
                    for s in ("lab-dc", "lab-xa")
                    for k in ("perimeter", "dmz", "database", "server", "user")
                ],
                start=10,
            )
        )
    )
    assert status(run(lab_copy), "ARC.01", "lab-core01") == "pass"


def test_central_log_server_srv18_net05(lab_copy: Path) -> None:
    records = run(lab_copy)
    assert status(records, "SRV.18", "lab-web01") == "pass"
    assert status(records, "NET.05", "lab-wan01") == "pass"
    edit(lab_copy / "servers.yml", "roles: [logserver, siem, monitoring, ntp]", "roles: [ntp]")
    records = run(lab_copy)
    assert status(records, "SRV.18", "lab-web01") == "fail"
    assert status(records, "NET.05", "lab-wan01") == "fail"


def test_central_services_arc12_13_14(lab_copy: Path) -> None:
    records = run(lab_copy)
    assert status(records, "ARC.13", "lab-dvc") == "pass"  # lab-log01 is the SIEM
    assert status(records, "ARC.14", "lab-dvc") == "fail"  # no backup server in the lab
    edit(
        lab_copy / "servers.yml", "roles: [logserver, siem, monitoring, ntp]", "roles: [logserver]"
    )
    assert status(run(lab_copy), "ARC.13", "lab-dvc") == "fail"


def test_arc19_dr_distance_at_level_5(lab_copy: Path) -> None:
    systems = lab_copy / "systems.yml"
    edit(
        systems,
        "level: {level: 3, status: approved, decision: 01/QĐ-LAB, date: 2026-01-15}",
        "level: {level: 5, status: approved, decision: 01/QĐ-LAB, date: 2026-01-15}",
    )
    record = next(r for r in run(lab_copy) if r.requirement_id == "ARC.19")
    assert (record.status, record.evidence.detail) == ("fail", "estate.arc19.no-dr-site")
    sites = lab_copy / "sites.yml"
    sites.write_text(
        sites.read_text()
        + (
            "- id: lab-dr\n  name: {vi: DR}\n  kind: dr-site\n  parent: lab-province\n"
            "  coordinates: {lat: 21.31, lon: 105.43}\n"
        )
    )  # about 3 km away
    record = next(r for r in run(lab_copy) if r.requirement_id == "ARC.19")
    assert (record.status, record.evidence.detail) == ("fail", "estate.arc19.too-close")
    assert isinstance(record.evidence.actual, dict)
    assert record.evidence.actual["dr_site_distance_km"] == pytest.approx(3.0, abs=1.0)
    edit(sites, "lat: 21.31, lon: 105.43", "lat: 21.02, lon: 105.85")  # Hà Nội, ~55 km
    record = next(r for r in run(lab_copy) if r.requirement_id == "ARC.19")
    # far enough, but the lab has no links to its DR site: the second half fails
    assert (record.status, record.evidence.detail) == ("fail", "estate.arc19.links")
    # (both halves passing: tests/estate_checks/test_shaped_estate.py)


def test_pdp03_and_vc01(lab_copy: Path) -> None:
    records = run(lab_copy)
    assert status(records, "PDP.03", "lab-dvc") == "pass"
    assert status(records, "VC.01", "lab-hntt") == "pass"
    edit(lab_copy / "systems.yml", "  data_subjects: 120000\n", "")
    edit(
        lab_copy / "endpoints.yml",
        "  mcu: lab-mcu01\n  systems: [lab-hntt]\n- name: lab-vc-xa1",
        "  systems: [lab-hntt]\n- name: lab-vc-xa1",
    )
    records = run(lab_copy)
    assert status(records, "PDP.03", "lab-dvc") == "fail"
    assert status(records, "VC.01", "lab-hntt") == "fail"


def test_gov24_only_for_leased_hosting(lab_copy: Path) -> None:
    assert not [r for r in run(lab_copy) if r.requirement_id == "GOV.24"]
    edit(
        lab_copy / "systems.yml",
        "  administrative_procedures: true\n",
        "  administrative_procedures: true\n  hosting: leased-datacentre\n",
    )
    assert status(run(lab_copy), "GOV.24", "lab-dvc") == "fail"  # shares lab-dc-server


def test_reference_estate_results_are_well_formed() -> None:
    records = run(PHUTHO_ESTATE)
    assert len({(r.requirement_id, r.target) for r in records}) == len(records)
    assert {r.checker for r in records} == {"capdo.estate"}
    assert status(records, "DOS.01", "dvc") == "pass"
    assert status(records, "DOS.01", "hntt") == "fail"  # VC system level only proposed


def test_policy_interval_applies_in_the_legacy_regime_too(lab_copy: Path) -> None:
    """The legacy documents set no review interval for GOV.01; the lab policy sets 12 months,
    so a 2010 policy document no longer passes in either regime."""
    old = "  - {requirement_id: GOV.01, estate: true, document_ref: QĐ-2010, dated: 2010-03-01}\n"
    run = assessed(lab_copy, old)
    for regime in ("legacy", "new"):
        found = finding(run, "GOV.01", "lab-dvc", regime)
        assert found.status == "missing_evidence", regime
        assert found.evidence is not None
        assert found.evidence.detail == "compliance.evidence.overdue"
    recent = "  - {requirement_id: GOV.01, estate: true, document_ref: QĐ-26, dated: 2026-03-01}\n"
    run = assessed(lab_copy, recent)
    assert finding(run, "GOV.01", "lab-hntt", "legacy").status == "pass"  # estate-wide scope


def test_evidence_cannot_outlive_the_requirement_interval(lab_copy: Path) -> None:
    entry = (
        "  - {requirement_id: AUD.01, system: lab-dvc, document_ref: BC-0, dated: 2025-06-01,"
        " valid_months: 1200}\n"
    )
    found = finding(assessed(lab_copy, entry), "AUD.01", "lab-dvc")
    assert found.status == "missing_evidence"
    assert found.evidence is not None
    assert found.evidence.expected == {"valid_months": 12}
