"""Waiver scope and expiry, and the manual evidence register, with a fixed clock."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from capdo.compliance.dates import add_months
from capdo.compliance.evidence import EvidenceEntry, EvidenceIndex
from capdo.compliance.waivers import Waiver, WaiverBook, WaiverScope, WaiverState


def waiver(**scope: list[str]) -> Waiver:
    return Waiver(
        id="W-1",
        requirement_id="SRV.01",
        scope=WaiverScope(**scope),
        reason="legacy appliance",
        approver="Giám đốc Sở",
        approved_on=date(2026, 1, 1),
        expires_on=date(2026, 6, 30),
        compensating_control="jump host only",
    )


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({"hosts": ["srv1"]}, True),
        ({"hosts": ["srv2"]}, False),
        ({"systems": ["dc"]}, True),
        ({"systems": ["wan"]}, False),
        ({"sites": ["hanoi"]}, True),
        ({"sites": ["viettri"]}, False),
        ({"groups": ["linux"]}, True),
        ({"groups": ["windows"]}, False),
    ],
)
def test_scope(scope: dict[str, list[str]], expected: bool) -> None:
    w = waiver(**scope)
    assert w.scope.matches("srv1", {"dc", "lgsp"}, "hanoi", {"linux", "db"}) is expected


def test_empty_scope_is_rejected() -> None:
    with pytest.raises(ValidationError, match="one of systems"):
        WaiverScope()


def test_expiry_before_approval_is_rejected() -> None:
    with pytest.raises(ValidationError, match="expires_on"):
        Waiver(
            id="W",
            requirement_id="SRV.01",
            scope=WaiverScope(hosts=["a"]),
            reason="r",
            approver="a",
            approved_on=date(2026, 2, 1),
            expires_on=date(2026, 1, 1),
        )


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2025, 12, 31), WaiverState.not_yet_valid),
        (date(2026, 1, 1), WaiverState.active),
        (date(2026, 6, 30), WaiverState.active),
        (date(2026, 7, 1), WaiverState.expired),
    ],
)
def test_state_by_date(today: date, state: WaiverState) -> None:
    assert waiver(hosts=["srv1"]).state(today) is state


def test_book_reports_active_expired_and_unmatched() -> None:
    used = waiver(hosts=["srv1"])
    unused = used.model_copy(update={"id": "W-2", "scope": WaiverScope(hosts=["nowhere"])})
    book = WaiverBook((used, unused), date(2026, 3, 1))
    match = book.match("SRV.01", "srv1", (), None, ())
    assert match.active is used
    book.mark_applied(used)
    assert book.match("SRV.02", "srv1", (), None, ()).active is None
    report = {u.waiver.id: u for u in book.report()}
    assert (report["W-1"].matched, report["W-1"].applied, report["W-1"].unmatched) == (1, 1, False)
    assert report["W-2"].unmatched

    late = WaiverBook((used,), date(2026, 8, 1))
    match = late.match("SRV.01", "srv1", (), None, ())
    assert match.active is None
    assert match.expired is used
    assert late.report()[0].state is WaiverState.expired


def test_add_months_clamps() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def entry(dated: date, months: int | None = None) -> EvidenceEntry:
    return EvidenceEntry(
        requirement_id="GOV.01",
        system="dc",
        document_ref="QĐ 123/QĐ-UBND",
        dated=dated,
        valid_months=months,
    )


TODAY = date(2026, 11, 21)


def test_missing_evidence_is_missing_evidence() -> None:
    verdict = EvidenceIndex([]).assess("GOV.01", "dc", 12, TODAY)
    assert verdict.status == "missing_evidence"
    assert verdict.evidence.detail == "compliance.evidence.missing"


@pytest.mark.parametrize(
    ("dated", "months", "default", "status"),
    [
        (date(2026, 1, 1), None, 12, "pass"),
        (date(2025, 11, 21), None, 12, "pass"),  # valid until today inclusive
        (date(2025, 11, 20), None, 12, "missing_evidence"),  # overdue by one day
        (date(2025, 11, 20), 24, 12, "missing_evidence"),  # never beyond the interval
        (date(2025, 11, 20), 1200, 12, "missing_evidence"),  # a century claimed: no
        (date(2026, 6, 1), 3, 12, "missing_evidence"),  # an entry may shorten it
        (date(2026, 9, 1), 3, 12, "pass"),
        (date(2020, 1, 1), None, None, "pass"),  # never expires
        (date(2026, 12, 1), None, 12, "missing_evidence"),  # future date
    ],
)
def test_evidence_validity(
    dated: date, months: int | None, default: int | None, status: str
) -> None:
    verdict = EvidenceIndex([entry(dated, months)]).assess("GOV.01", "dc", default, TODAY)
    assert verdict.status == status


def test_newest_evidence_counts() -> None:
    index = EvidenceIndex([entry(date(2020, 1, 1)), entry(date(2026, 6, 1))])
    assert index.assess("GOV.01", "dc", 12, TODAY).status == "pass"
    assert index.assess("GOV.01", "other", 12, TODAY).status == "missing_evidence"


def test_evidence_scope_systems_owner_estate() -> None:
    decision = EvidenceEntry(
        requirement_id="GOV.01",
        systems=["dc", "portal"],
        document_ref="QĐ 9/QĐ-UBND",
        dated=date(2026, 3, 1),
    )
    owner = EvidenceEntry(
        requirement_id="GOV.03",
        owner="UBND tỉnh",
        document_ref="QĐ 10",
        dated=date(2026, 3, 1),
    )
    estate = EvidenceEntry(
        requirement_id="GOV.05", estate=True, document_ref="QĐ 11", dated=date(2026, 3, 1)
    )
    index = EvidenceIndex([decision, owner, estate])
    assert index.assess("GOV.01", "portal", 12, TODAY).status == "pass"
    assert index.assess("GOV.01", "other", 12, TODAY).status == "missing_evidence"
    assert index.assess("GOV.03", "x", 12, TODAY, owner="UBND tỉnh").status == "pass"
    assert index.assess("GOV.03", "x", 12, TODAY, owner="Sở Y tế").status == "missing_evidence"
    assert index.assess("GOV.05", "anything", 12, TODAY).status == "pass"
    with pytest.raises(ValidationError, match="exactly one scope"):
        EvidenceEntry(
            requirement_id="GOV.01",
            system="dc",
            estate=True,
            document_ref="x",
            dated=date(2026, 1, 1),
        )


def _waiver(approver: str, expires: date, **scope: object) -> Waiver:
    return Waiver.model_validate(
        {
            "id": "W",
            "requirement_id": "SRV.01",
            "scope": scope or {"hosts": ["srv1"]},
            "reason": "r",
            "approver": approver,
            "approved_on": date(2026, 1, 1),
            "expires_on": expires,
        }
    )


@pytest.mark.parametrize(
    ("approver", "expires", "state"),
    [
        ("Giám đốc Sở", date(2028, 12, 31), WaiverState.active),
        ("-", date(2027, 1, 1), WaiverState.invalid),  # no real approver
        ("?", date(2027, 1, 1), WaiverState.invalid),
        ("CISO", date(9999, 12, 31), WaiverState.invalid),  # beyond the policy maximum
        ("CISO", date(2029, 1, 2), WaiverState.invalid),  # 36 months and a day
    ],
)
def test_waiver_needs_a_real_approver_and_a_bounded_expiry(
    approver: str, expires: date, state: WaiverState
) -> None:
    assert _waiver(approver, expires).state(TODAY, 36) is state


def test_invalid_waiver_never_applies() -> None:
    book = WaiverBook((_waiver("-", date(2027, 1, 1)),), TODAY, 36)
    assert book.match("SRV.01", "srv1", (), None, ()).active is None
    assert book.report()[0].state is WaiverState.invalid


def test_parameter_waiver_needs_the_estate_scope() -> None:
    host_only = _waiver("CISO", date(2027, 1, 1), hosts=["srv1"])
    assert WaiverBook((host_only,), TODAY, 36).covering_parameter("SRV.01", "min_len") is None
    estate = _waiver("CISO", date(2027, 1, 1), estate=True)
    assert WaiverBook((estate,), TODAY, 36).covering_parameter("SRV.01", "min_len") is estate
