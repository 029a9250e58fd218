"""Evaluation truth tables: per target, per requirement, per system verdict and score."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from capdo.compliance.catalogue_model import Catalogue
from capdo.compliance.evaluate import Evaluation, Finding, ResultIndex, evaluate
from capdo.compliance.evidence import EvidenceEntry, EvidenceIndex
from capdo.compliance.results import Evidence, ResultRecord, Status
from capdo.compliance.targets import SystemRef, Target
from capdo.compliance.waivers import Waiver, WaiverScope

TODAY = date(2026, 11, 21)
SERVERS = (
    Target(
        "srv1", "server", systems=frozenset({"dc"}), site="dc-site", groups=frozenset({"linux"})
    ),
    Target("srv2", "server", systems=frozenset({"dc"}), site="dc-site"),
)
FIREWALL = Target("fw1", "network", systems=frozenset({"dc"}))
DC = SystemRef("dc", 3, ("srv1", "srv2", "fw1"))
POLICY_DOC = EvidenceEntry(
    requirement_id="GOV.01", system="dc", document_ref="QĐ 1", dated=date(2026, 1, 5)
)


def base_results(srv1: Status = "pass", srv2: Status = "pass") -> ResultIndex:
    index = ResultIndex()
    index.add("SRV.01", "srv1", srv1)
    index.add("SRV.01", "srv2", srv2)
    for host in ("srv1", "srv2"):
        index.add("SRV.02", host, "pass")
    index.add("GOV.03", "dc", "pass")
    return index


def run(
    cat: Catalogue,
    results: ResultIndex,
    *,
    waivers: tuple[Waiver, ...] = (),
    evidence: tuple[EvidenceEntry, ...] = (POLICY_DOC,),
    systems: tuple[SystemRef, ...] = (DC,),
    targets: tuple[Target, ...] = (*SERVERS, FIREWALL),
    today: date = TODAY,
) -> Evaluation:
    return evaluate(
        cat,
        systems,
        targets,
        results,
        today=today,
        waivers=waivers,
        evidence=EvidenceIndex(list(evidence)),
    )


def outcome(ev: Evaluation, rid: str) -> Status:
    return next(o.status for o in ev.system("dc").outcomes if o.requirement_id == rid)


@pytest.mark.parametrize(
    ("srv1", "srv2", "combined", "meets"),
    [
        ("pass", "pass", "pass", True),
        ("pass", "fail", "fail", False),
        ("error", "pass", "error", False),
        ("pass", "not_reviewed", "not_reviewed", False),
        ("pass", "missing_evidence", "missing_evidence", False),
        ("fail", "error", "fail", False),
        ("not_applicable", "pass", "pass", True),
        ("not_applicable", "not_applicable", "not_applicable", True),
    ],
)
def test_requirement_and_system_truth_table(
    mini: Catalogue, srv1: Status, srv2: Status, combined: Status, meets: bool
) -> None:
    ev = run(mini, base_results(srv1, srv2))
    assert outcome(ev, "SRV.01") == combined
    assert ev.system("dc").meets is meets


def test_all_pass_meets_with_full_score(mini: Catalogue) -> None:
    ev = run(mini, base_results())
    verdict = ev.system("dc")
    assert verdict.meets
    assert verdict.score == 100.0
    assert verdict.counts["pass"] == 4
    assert verdict.counts["not_applicable"] == 1  # NET.01: no web_application trait
    assert verdict.finding_counts["pass"] == 6


def test_missing_result_is_not_reviewed_not_an_error(mini: Catalogue) -> None:
    results = ResultIndex()
    results.add("SRV.01", "srv1", "pass")
    ev = run(mini, results)
    assert not [f for f in ev.findings if f.status == "error"]
    errors = [f for f in ev.findings if f.status == "not_reviewed"]
    assert {(f.requirement_id, f.target) for f in errors} == {
        ("SRV.01", "srv2"),
        ("SRV.02", "srv1"),
        ("SRV.02", "srv2"),
        ("GOV.03", "dc"),
    }
    assert all(f.evidence and f.evidence.detail == "compliance.eval.no-result" for f in errors)
    assert not ev.system("dc").meets


def test_trait_makes_a_requirement_apply(mini: Catalogue) -> None:
    web = SystemRef("dc", 3, ("srv1", "srv2", "fw1"), traits=frozenset({"web_application"}))
    ev = run(mini, base_results(), systems=(web,))
    assert outcome(ev, "NET.01") == "not_reviewed"  # applies now, and fw1 has no result
    results = base_results()
    results.add("NET.01", "fw1", "pass")
    assert run(mini, results, systems=(web,)).system("dc").meets


def test_no_target_of_the_kind_is_not_applicable(mini: Catalogue) -> None:
    web = SystemRef("dc", 3, ("srv1", "srv2"), traits=frozenset({"web_application"}))
    ev = run(mini, base_results(), systems=(web,), targets=SERVERS)
    assert outcome(ev, "NET.01") == "not_applicable"


def test_manual_requirement_uses_the_evidence_register(mini: Catalogue) -> None:
    assert outcome(run(mini, base_results()), "GOV.01") == "pass"
    missing = run(mini, base_results(), evidence=())
    assert outcome(missing, "GOV.01") == "missing_evidence"
    assert not missing.system("dc").meets


def test_manual_evidence_expires_by_level_parameter(mini: Catalogue) -> None:
    # level 4 sets review_months = 6: a policy dated 2026-01-05 is overdue on 2026-11-21
    dc4 = SystemRef("dc", 4, ("srv1", "srv2", "fw1"))
    ev = run(mini, base_results(), systems=(dc4,))
    assert outcome(ev, "GOV.01") == "missing_evidence"
    finding = next(f for f in ev.findings if f.requirement_id == "GOV.01")
    assert finding.evidence is not None
    assert finding.evidence.detail == "compliance.evidence.overdue"


def make_waiver(expires: date, **scope: list[str]) -> Waiver:
    return Waiver(
        id="W-7",
        requirement_id="SRV.01",
        scope=WaiverScope(**scope),
        reason="appliance cannot enforce length",
        approver="CISO",
        approved_on=date(2026, 1, 1),
        expires_on=expires,
    )


def test_active_waiver_is_shown_not_dropped(mini: Catalogue) -> None:
    ev = run(
        mini, base_results("fail", "pass"), waivers=(make_waiver(date(2027, 1, 1), hosts=["srv1"]),)
    )
    finding = next(f for f in ev.findings if (f.requirement_id, f.target) == ("SRV.01", "srv1"))
    assert (finding.status, finding.original_status, finding.waiver_id) == ("waived", "fail", "W-7")
    verdict = ev.system("dc")
    assert verdict.meets
    assert outcome(ev, "SRV.01") == "waived"
    srv01 = next(o for o in verdict.outcomes if o.requirement_id == "SRV.01")
    assert srv01.waivers == ("W-7",)
    # SRV.01 weighs 2 (server) and earns 0.5: (2*0.5 + 2 + 1 + 1) / 6
    assert verdict.score == round(100 * 5 / 6, 2)
    assert ev.waivers[0].applied == 1


def test_expired_waiver_stops_applying(mini: Catalogue) -> None:
    ev = run(
        mini,
        base_results("fail", "pass"),
        waivers=(make_waiver(date(2026, 6, 30), groups=["linux"]),),
    )
    finding = next(f for f in ev.findings if (f.requirement_id, f.target) == ("SRV.01", "srv1"))
    assert (finding.status, finding.expired_waiver_id) == ("fail", "W-7")
    assert not ev.system("dc").meets
    assert ev.waivers[0].state.value == "expired"


def test_waiver_matching_nothing_is_reported(mini: Catalogue) -> None:
    ev = run(mini, base_results(), waivers=(make_waiver(date(2027, 1, 1), sites=["elsewhere"]),))
    assert ev.waivers[0].unmatched
    assert ev.to_dict()["waivers"][0]["unmatched"] is True  # type: ignore[index]


def test_waiver_on_a_system_requirement(mini: Catalogue) -> None:
    results = base_results()
    results.add("GOV.03", "dc", "fail")
    waiver = make_waiver(date(2027, 1, 1), systems=["dc"]).model_copy(
        update={"requirement_id": "GOV.03"}
    )
    ev = run(mini, results, waivers=(waiver,))
    assert outcome(ev, "GOV.03") == "waived"
    assert ev.system("dc").meets


def test_target_in_two_systems_is_checked_at_the_highest_level(mini: Catalogue) -> None:
    shared = Target("srv1", "server", systems=frozenset({"lan", "dc"}))
    lan = SystemRef("lan", 2, ("srv1",))
    results = base_results()
    results.add("SRV.02", "srv1", "fail")
    results.add("GOV.03", "lan", "pass")
    lan_doc = POLICY_DOC.model_copy(update={"system": "lan"})
    ev = run(
        mini,
        results,
        systems=(lan, DC),
        targets=(shared, SERVERS[1], FIREWALL),
        evidence=(POLICY_DOC, lan_doc),
    )
    srv02 = [f for f in ev.findings if (f.requirement_id, f.target) == ("SRV.02", "srv1")]
    assert len(srv02) == 1
    assert srv02[0].level == 3
    assert ev.system("lan").meets  # SRV.02 starts at level 3
    assert not ev.system("dc").meets


def test_unknown_members_and_streaming(mini: Catalogue) -> None:
    seen: list[Finding] = []
    dc = SystemRef("dc", 3, ("srv1", "srv2", "fw1", "ghost"))
    ev = evaluate(
        mini,
        (dc,),
        (*SERVERS, FIREWALL),
        base_results(),
        today=TODAY,
        evidence=EvidenceIndex([POLICY_DOC]),
        keep_findings=False,
        sink=seen.append,
    )
    assert ev.unknown_members == ("dc:ghost",)
    assert ev.findings == ()
    assert ev.finding_total == len(seen) > 0
    assert ev.system("dc").meets


def test_result_index_keeps_the_worst(mini: Catalogue) -> None:
    record = ResultRecord(
        requirement_id="SRV.01",
        target="srv1",
        target_kind="server",
        status="fail",
        evidence=Evidence(expected=12, actual=8, detail="minlen"),
        checker="server",
        time=datetime(2026, 11, 20, tzinfo=UTC),
        run_id="r1",
    )
    index = ResultIndex.from_records([record, record.model_copy(update={"status": "pass"})])
    assert index.get("SRV.01", "srv1") == ("fail", record)
    index.add("SRV.02", "srv1", "pass")
    index.add("SRV.02", "srv1", "error")
    assert index.get("SRV.02", "srv1") == ("error", None)


def test_real_catalogue_verdict(new: Catalogue) -> None:
    dc = SystemRef("dc", 3, ("srv1",))
    srv = Target("srv1", "server", systems=frozenset({"dc"}))
    ev = evaluate(new, (dc,), (srv,), ResultIndex(), today=TODAY)
    verdict = ev.system("dc")
    assert not verdict.meets
    assert verdict.counts["error"] == 0  # nothing ran: nothing could fail to decide
    assert verdict.counts["fail"] == 0  # no technical finding without a result
    assert verdict.counts["not_reviewed"] > 0  # nobody decided the automatable ones
    assert verdict.counts["missing_evidence"] > 0  # documentary requirements without documents
    assert verdict.score == 0.0
    assert verdict.technical_score == 0.0
    assert verdict.documentary_score == 0.0
    assert sum(verdict.counts.values()) == 146


def test_evaluation_renders_for_people(mini: Catalogue) -> None:
    from rich.console import Console

    from capdo.compliance.render import print_evaluation

    ev = run(
        mini, base_results("fail", "pass"), waivers=(make_waiver(date(2027, 1, 1), hosts=["srv1"]),)
    )
    console = Console(record=True, width=160)
    print_evaluation(console, mini, ev, "vi")
    text = console.export_text()
    assert "đáp ứng cấp độ 3" in text
    assert "W-7" in text
    assert "còn hiệu lực" in text
    data = ev.to_dict()
    assert data["systems"][0]["verdict"] == "meets"  # type: ignore[index]
    assert data["scoring"]["status_credit"]["waived"] == 0.5  # type: ignore[index]


def test_findings_become_result_records(mini: Catalogue) -> None:
    ev = run(
        mini, base_results("fail", "pass"), waivers=(make_waiver(date(2027, 1, 1), hosts=["srv1"]),)
    )
    moment = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    records = [f.to_record("eval-1", moment) for f in ev.findings]
    waived = [r for r in records if r.status == "waived"]
    assert [(r.requirement_id, r.target, r.waiver_id) for r in waived] == [
        ("SRV.01", "srv1", "W-7")
    ]
    manual = next(r for r in records if r.requirement_id == "GOV.01")
    assert manual.checker == "evidence-register"
    assert manual.evidence.actual == {
        "document_ref": "QĐ 1",
        "dated": "2026-01-05",
        "valid_until": None,
        "scope": "dc",
    }
