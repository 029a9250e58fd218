"""The evaluation's JSON form keeps every finding field in a compact shape, and the evidence
register's index finds the same documents as a scan of every entry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from capdo.compliance.catalogue_model import Catalogue
from capdo.compliance.evaluate import Finding, ResultIndex, evaluate
from capdo.compliance.evidence import EvidenceEntry, EvidenceIndex
from capdo.compliance.findings import compact_findings, expand_findings
from capdo.compliance.results import Evidence, ResultRecord, Status
from capdo.compliance.targets import SystemRef, Target
from capdo.compliance.waivers import Waiver, WaiverScope

TODAY = date(2026, 11, 21)
SERVERS = (
    Target("srv1", "server", systems=frozenset({"dc"}), groups=frozenset({"linux"})),
    Target("srv2", "server", systems=frozenset({"dc"})),
)
DC = SystemRef("dc", 3, ("srv1", "srv2"))


def _record(requirement_id: str, target: str, status: Status, checker: str) -> ResultRecord:
    return ResultRecord(
        requirement_id=requirement_id,
        target=target,
        target_kind="server",
        status=status,
        evidence=Evidence(expected=12, actual={"seen": [8, None]}, detail="minlen"),
        checker=checker,
        time=datetime(2026, 11, 20, tzinfo=UTC),
        run_id="r1",
    )


def _waiver(waiver_id: str, expires: date, requirement_id: str, **scope: list[str]) -> Waiver:
    return Waiver(
        id=waiver_id,
        requirement_id=requirement_id,
        scope=WaiverScope(**scope),
        reason="appliance",
        approver="CISO",
        approved_on=date(2026, 1, 1),
        expires_on=expires,
    )


def _rich_evaluation(mini: Catalogue) -> tuple[Finding, ...]:
    """Findings with every kind of field set: waived, expired waiver, conflict, several
    results, register evidence, not applicable, not reviewed."""
    index = ResultIndex()
    index.add_record(_record("SRV.01", "srv1", "fail", "alpha"))
    index.add_record(_record("SRV.01", "srv2", "pass", "alpha"))
    index.add_record(_record("SRV.01", "srv2", "fail", "beta"))  # conflict, two results
    index.add_record(_record("SRV.02", "srv2", "fail", "alpha"))
    index.add("GOV.03", "dc", "pass")
    waivers = (
        _waiver("W-1", date(2027, 1, 1), "SRV.01", hosts=["srv1"]),
        _waiver("W-2", date(2026, 6, 30), "SRV.02", hosts=["srv2"]),
    )
    evidence = EvidenceIndex(
        [EvidenceEntry(requirement_id="GOV.01", system="dc", document_ref="QĐ 1", dated=TODAY)]
    )
    ev = evaluate(mini, (DC,), SERVERS, index, today=TODAY, waivers=waivers, evidence=evidence)
    return ev.findings


def _normal(items: list[dict[str, object]]) -> list[object]:
    keyed = sorted(
        items, key=lambda f: (str(f["target_kind"]), str(f["target"]), str(f["requirement_id"]))
    )
    return list(orjson.loads(orjson.dumps(keyed)))


def test_compact_findings_keep_every_field(mini: Catalogue) -> None:
    findings = _rich_evaluation(mini)
    assert {f.status for f in findings} >= {"waived", "fail", "pass", "not_reviewed"}
    assert any(f.conflict and len(f.results) > 1 for f in findings)
    assert any(f.expired_waiver_id == "W-2" for f in findings)
    assert any(f.checker == "evidence-register" for f in findings)
    compact = orjson.loads(orjson.dumps(compact_findings(findings)))
    assert _normal(expand_findings(compact)) == _normal([f.to_dict() for f in findings])


def test_compact_findings_are_keyed_not_repeated(mini: Catalogue) -> None:
    findings = _rich_evaluation(mini)
    compact = compact_findings(findings)
    verbose = orjson.dumps([f.to_dict() for f in findings])
    assert len(orjson.dumps(compact)) < 0.7 * len(verbose)
    assert set(compact) == {"server", "system"}
    assert set(compact["server"]) == {"srv1", "srv2"}
    srv1 = compact["server"]["srv1"]
    assert srv1["level"] == 3
    assert srv1["requirements"]["SRV.01"] == {  # type: ignore[index]
        "status": "waived",
        "original_status": "fail",
        "evidence": {"expected": 12, "actual": {"seen": [8, None]}, "detail": "minlen"},
        "checker": "alpha",
        "waiver_id": "W-1",
    }


def test_same_id_for_a_host_and_a_system_and_two_levels_stay_apart() -> None:
    findings = (
        Finding("SRV.01", "web", "server", 3, "pass", "pass"),
        Finding("GOV.01", "web", "system", 2, "missing_evidence", "missing_evidence"),
        Finding("SRV.02", "web", "server", 4, "fail", "fail"),
    )
    compact = orjson.loads(orjson.dumps(compact_findings(findings)))
    assert compact["server"]["web"]["requirements"]["SRV.02"]["level"] == 4
    assert _normal(expand_findings(compact)) == _normal([f.to_dict() for f in findings])


def test_evaluation_file_holds_compact_findings(mini: Catalogue) -> None:
    index = ResultIndex()
    index.add("SRV.01", "srv1", "pass")
    ev = evaluate(mini, (DC,), SERVERS, index, today=TODAY)
    data = orjson.loads(orjson.dumps(ev.to_dict()))
    assert data["findings"]["server"]["srv1"]["requirements"]["SRV.01"] == {"status": "pass"}
    assert len(expand_findings(data["findings"])) == ev.finding_total
    assert "findings" not in ev.to_dict(include_findings=False)


SYSTEM_IDS = ("a", "b", "c")
OWNERS = ("x", "y")


@st.composite
def _entries(draw: st.DrawFn) -> list[EvidenceEntry]:
    entries = []
    for n in range(draw(st.integers(0, 12))):
        scope = draw(st.sampled_from(("system", "systems", "owner", "estate")))
        fields: dict[str, object] = {
            "system": {"system": draw(st.sampled_from(SYSTEM_IDS))},
            "systems": {"systems": draw(st.lists(st.sampled_from(SYSTEM_IDS), min_size=1))},
            "owner": {"owner": draw(st.sampled_from(OWNERS))},
            "estate": {"estate": True},
        }[scope]
        entries.append(
            EvidenceEntry.model_validate(
                {
                    "requirement_id": draw(st.sampled_from(("GOV.01", "GOV.02"))),
                    "document_ref": f"QĐ {n}",
                    "dated": draw(st.dates(date(2024, 1, 1), date(2027, 6, 1))),
                    **fields,
                }
            )
        )
    return entries


@settings(max_examples=200, deadline=None)
@given(entries=_entries(), owner=st.sampled_from((None, *OWNERS)))
def test_evidence_index_finds_what_a_scan_finds(
    entries: list[EvidenceEntry], owner: str | None
) -> None:
    index = EvidenceIndex(entries)
    for requirement_id in ("GOV.01", "GOV.02"):
        newest_first = sorted(
            (e for e in entries if e.requirement_id == requirement_id),
            key=lambda e: e.dated,
            reverse=True,
        )
        for system_id in (*SYSTEM_IDS, "z"):
            covering = [e for e in newest_first if e.covers(system_id, owner)]
            verdict = index.assess(requirement_id, system_id, 12, TODAY, owner)
            assert index.has(requirement_id, system_id, owner) == bool(covering)
            if not covering:
                assert verdict.status == "missing_evidence"
                assert verdict.evidence.detail == "compliance.evidence.missing"
                continue
            current = [e for e in covering if e.dated <= TODAY]
            chosen = current[0] if current else covering[-1]
            assert isinstance(verdict.evidence.actual, dict)
            assert verdict.evidence.actual["document_ref"] == chosen.document_ref
