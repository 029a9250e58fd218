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
    with pytest.raises(ValidationError, match="at least one"):
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


def test_missing_evidence_fails() -> None:
    verdict = EvidenceIndex([]).assess("GOV.01", "dc", 12, TODAY)
    assert verdict.status == "fail"
    assert verdict.evidence.detail == "compliance.evidence.missing"


@pytest.mark.parametrize(
    ("dated", "months", "default", "status"),
    [
        (date(2026, 1, 1), None, 12, "pass"),
        (date(2025, 11, 21), None, 12, "pass"),  # valid until today inclusive
        (date(2025, 11, 20), None, 12, "fail"),  # overdue by one day
        (date(2025, 11, 20), 24, 12, "pass"),  # own validity wins
        (date(2020, 1, 1), None, None, "pass"),  # never expires
        (date(2026, 12, 1), None, 12, "error"),  # future date
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
    assert index.assess("GOV.01", "other", 12, TODAY).status == "fail"
