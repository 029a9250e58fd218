"""The guidance beside the catalogue, the status categories, evidence sentences, the masker."""

from __future__ import annotations

from pathlib import Path

import pytest

from capdo.compliance.catalogue_loader import load_regime
from capdo.reports.evidence import sentences
from capdo.reports.guidance import GuidanceError, load_guidance, resolve
from capdo.reports.status import CATEGORIES, finding_status, style
from capdo.reports.text import mask

REPO = Path(__file__).resolve().parents[2]
CATALOGUES = REPO / "checks" / "catalogue"
GUIDANCE = CATALOGUES / "guidance.yml"


def test_every_guidance_id_is_a_requirement_of_both_catalogues() -> None:
    guidance = load_guidance(GUIDANCE)
    for regime in ("legacy", "new"):
        ids = {r.id for r in load_regime(regime, CATALOGUES).requirements}
        unknown = set(guidance.requirements) - ids
        assert not unknown, (regime, sorted(unknown))
        kinds = {r.check.value for r in load_regime(regime, CATALOGUES).requirements}
        assert kinds <= set(guidance.defaults), kinds - set(guidance.defaults)


def test_every_catalogue_requirement_has_its_own_guidance_entry() -> None:
    guidance = load_guidance(GUIDANCE)
    for regime in ("legacy", "new"):
        requirements = load_regime(regime, CATALOGUES).requirements
        missing = sorted(r.id for r in requirements if r.id not in guidance.requirements)
        assert not missing, (regime, missing)
        resolved = resolve(guidance, [(r.id, r.check.value) for r in requirements])
        assert all(g.own for g in resolved.values())
    for rid, entry in guidance.requirements.items():
        fixes = [entry.remediation.fail, entry.remediation.missing_evidence]
        assert any(fixes), rid
        for text in [entry.rationale, *(f for f in fixes if f is not None)]:
            assert text.vi, rid
            assert text.en, rid
            assert text.vi != text.en, rid


def test_guidance_fits_its_schema_and_a_broken_file_is_refused(tmp_path: Path) -> None:
    guidance = load_guidance(GUIDANCE)
    for entry in [*guidance.requirements.values(), *guidance.defaults.values()]:
        assert entry.source
        assert entry.rationale.vi
        assert entry.rationale.en
    broken = tmp_path / "guidance.yml"
    broken.write_text(
        GUIDANCE.read_text(encoding="utf-8").replace(
            "    severity: high", "    severity: urgent", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(GuidanceError, match="severity"):
        load_guidance(broken)


def test_resolution_uses_own_entry_then_the_check_kind_default() -> None:
    guidance = load_guidance(GUIDANCE)
    resolved = resolve(guidance, [("GOV.03", "manual"), ("GOV.99", "manual"), ("SRV.07", "server")])
    assert resolved["GOV.03"].own
    assert resolved["GOV.03"].confidence == "legal_text"
    assert not resolved["GOV.99"].own
    assert "sổ minh chứng" in (resolved["GOV.99"].remediation("missing_evidence", "vi") or "")
    assert resolved["SRV.07"].severity == "high"
    assert resolved["SRV.07"].remediation("missing_evidence", "vi") is None


@pytest.mark.parametrize(
    ("status", "checker", "detail", "kind", "category"),
    [
        ("fail", "testinfra", "minlen", "server", "fail"),
        ("fail", "evidence-register", "compliance.evidence.missing", "manual", "missing_evidence"),
        ("missing_evidence", None, None, "manual", "missing_evidence"),
        ("error", None, "compliance.eval.no-result", "inventory", "not_reviewed"),
        ("error", "testinfra", "ssh: connection refused", "server", "error"),
        ("manual", None, None, "manual", "not_reviewed"),
        ("not_reviewed", None, None, "manual", "not_reviewed"),
        ("waived", "testinfra", None, "server", "waived"),
        ("pass", "testinfra", None, "server", "pass"),
        ("not_applicable", None, None, "server", "not_applicable"),
    ],
)
def test_today_and_new_statuses_map_to_the_seven_categories(
    status: str, checker: str | None, detail: str | None, kind: str, category: str
) -> None:
    assert finding_status(status, checker, detail, kind) == category
    assert category in CATEGORIES
    assert style(category).colour.startswith("#")


def test_evidence_reads_as_sentences_in_both_languages() -> None:
    exp, act = sentences(None, None, "compliance.eval.no-result", None, "vi")
    assert act == "Chưa có kết quả kiểm tra tự động"
    exp, act = sentences(
        {"valid_months": 12},
        {"document_ref": "QĐ 215/QĐ-UBND", "dated": "2026-02-10", "valid_until": "2027-02-10"},
        "compliance.evidence.valid",
        "evidence-register",
        "vi",
    )
    assert "12 tháng" in exp
    assert "10/02/2026" in act
    assert "10/02/2027" in act
    _, act_en = sentences(
        {"valid_months": 12}, None, "compliance.evidence.missing", "evidence-register", "en"
    )
    assert "evidence register" in act_en
    exp, act = sentences(
        {"password_min_length": 14}, {"password_min_length": 8}, None, "testinfra", "vi"
    )
    assert exp == "Độ dài mật khẩu tối thiểu (ký tự): 14"
    assert act.endswith(": 8")
    _, act = sentences(
        ["dmz"], {"missing_by_system": {"dvc": ["dmz"]}}, "estate.arc01.missing-zones", "e", "vi"
    )
    assert "estate.arc01" not in act
    assert "Thiếu vùng mạng" in act


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Lock Accounts After Failed Password Attempts", True),
        ("Set Password Hashing Algorithm in /etc/login.defs", True),
        ("ensure password policy is set", True),
        ("username admin password cisco", False),
        ("password 7 0822455D0A16", False),
        ("password: hunter2", False),
        ("local-user a password irreversible-cipher %^%#abcdefgh12345678%^%#", False),
        ("snmp-server community s3cr3t RO", False),
    ],
)
def test_the_masker_changes_only_secrets(text: str, kept: bool) -> None:
    assert (mask(text) == text) is kept
    if not kept:
        assert "******" in mask(text)
        for secret in ("cisco", "0822455D0A16", "hunter2", "abcdefgh12345678", "s3cr3t"):
            assert secret not in mask(text)
