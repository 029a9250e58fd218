"""Remediation hints: what an officer asks the operator to do about a finding."""

from __future__ import annotations

from capdo.compliance import Finding
from capdo.i18n import Lang, t
from capdo.reports.data import FAILING, RequirementInfo
from capdo.reports.text import value_text


def remediation(finding: Finding, requirement: RequirementInfo | None, lang: Lang) -> str:
    """A short hint for a failing finding ('' when nothing is to be done)."""
    status = finding.original_status if finding.status == "waived" else finding.status
    if status not in FAILING:
        return ""
    if status == "missing_evidence":
        return t("report.remediation.manual", lang, target=finding.target)
    if status == "not_reviewed":
        return t("report.remediation.not_reviewed", lang, target=finding.target)
    if status == "error":
        if finding.target_kind == "system":
            return t("report.remediation.error-system", lang, target=finding.target)
        return t("report.remediation.error", lang, target=finding.target)
    check = requirement.check if requirement else finding.target_kind
    hint = t(f"report.remediation.{check}", lang, target=finding.target)
    expected = value_text(finding.evidence.expected) if finding.evidence else ""
    if expected and check not in ("manual", "inventory"):
        hint += " " + t("report.remediation.expected", lang, expected=expected)
    return hint
