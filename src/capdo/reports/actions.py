"""The action list (việc cần làm): who must do what about which requirement, by when.

One item per system and requirement that is not met, merged over the regimes in force (the
most urgent category, the earliest deadline). Severity, rationale and remediation come from
the guidance beside the catalogue; the responsible unit from the inventory (the operator for
technical work, the owner for documents, the designated security unit for reviews); the
deadline from the waiver's expiry, the document's validity, the regime's transition milestones
or the annual report date, in that order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from capdo.compliance import Deadline
from capdo.reports.data import Action, RegimeReport, RequirementRow, SystemInfo
from capdo.reports.guidance import SEVERITY_RANK, Guidance, GuidanceFile, resolve
from capdo.reports.status import OPEN, STYLES
from capdo.reports.text import Text

TOP_ACTIONS = 3
ANNUAL_REPORT_DAY = (12, 20)
"""Operator and security unit report to the owner before 20/12 (TT12 Art. 13)."""
DOSSIER_MILESTONE = "nd85_level_approval"
MEASURES_MILESTONE = "nd331_measures"


def _milestone(deadlines: Iterable[Deadline], wanted: str, today: date) -> date | None:
    for item in deadlines:
        if item.id == wanted and item.date >= today:
            return item.date
    return None


def _annual(today: date) -> date:
    due = date(today.year, *ANNUAL_REPORT_DAY)
    return due if due >= today else date(today.year + 1, *ANNUAL_REPORT_DAY)


def _document_due(row: RequirementRow) -> date | None:
    for finding in row.findings:
        actual = finding.evidence.actual if finding.evidence else None
        until = actual.get("valid_until") if isinstance(actual, dict) else None
        if isinstance(until, str):
            try:
                return date.fromisoformat(until)
            except ValueError:
                continue
    return None


def deadline(row: RequirementRow, regime: RegimeReport, today: date) -> tuple[date | None, str]:
    """(due date, message key of its origin) for an open row."""
    for finding in row.findings:
        use = regime.waiver(finding.expired_waiver_id)
        if use is not None:
            return use.waiver.expires_on, "report.deadline.waiver-expired"
    if row.category == "missing_evidence":
        due = _document_due(row)
        if due is not None:
            return due, "report.deadline.document"
    if row.category == "not_reviewed":
        return _annual(today), "report.deadline.annual"
    wanted = DOSSIER_MILESTONE if row.requirement_id.startswith("DOS.") else MEASURES_MILESTONE
    due = _milestone(regime.deadlines, wanted, today)
    if due is not None:
        return due, f"report.deadline.{wanted}"
    return today, "report.deadline.now"


def _responsible(category: str, info: SystemInfo, security: Text | None) -> tuple[Text, str]:
    if category == "missing_evidence":
        return info.owner, "owner"
    if category == "not_reviewed" and security is not None:
        return security, "security"
    return info.operator, "operator"


def _remedy(category: str, guide: Guidance, targets: tuple[str, ...]) -> Text:
    from capdo.i18n import t  # noqa: PLC0415 - keep this module importable without catalogues

    own_vi = guide.remediation(category, "vi")
    if own_vi is not None:
        return Text(own_vi, guide.remediation(category, "en"))
    remedy = STYLES[category].remedy
    target = ", ".join(targets[:3]) + ("…" if len(targets) > 3 else "")
    if remedy in ("review", "rerun"):
        return Text(
            t(f"report.remedy.{remedy}", "vi", target=target),
            t(f"report.remedy.{remedy}", "en", target=target),
        )
    return Text(t("report.remedy.review", "vi"), t("report.remedy.review", "en"))


@dataclass
class _Open:
    row: RequirementRow
    regime: RegimeReport
    regimes: list[str]


def _targets(row: RequirementRow) -> tuple[str, ...]:
    return tuple(f.target for f in row.findings if f.status not in ("pass", "not_applicable"))


def build_actions(
    regimes: Iterable[RegimeReport],
    systems: dict[str, SystemInfo],
    security: Text | None,
    guidance: GuidanceFile | None,
    today: date,
) -> tuple[Action, ...]:
    merged: dict[tuple[str, str], _Open] = {}
    checks: dict[str, str] = {}
    rows: dict[tuple[str, str, str], RequirementRow] = {}
    regime_list = list(regimes)
    for regime in regime_list:
        for rid, requirement in regime.requirements.items():
            checks.setdefault(rid, requirement.check)
        for system in regime.systems:
            for row in system.rows:
                if row.category not in OPEN:
                    continue
                rows[(regime.regime, system.info.id, row.requirement_id)] = row
                key = (system.info.id, row.requirement_id)
                found = merged.get(key)
                if found is None:
                    merged[key] = _Open(row, regime, [regime.regime])
                    continue
                found.regimes.append(regime.regime)
                if STYLES[row.category].rank < STYLES[found.row.category].rank:
                    found.row, found.regime = row, regime
    guides = resolve(guidance, checks.items())
    by_regime = {r.regime: r for r in regime_list}
    actions = []
    for (system_id, rid), item in merged.items():
        row = item.row
        info = systems[system_id]
        guide = guides[rid]
        due, reason = min(
            (deadline(rows[(g, system_id, rid)], by_regime[g], today) for g in item.regimes),
            key=lambda d: d[0] or date.max,
        )
        who, role = _responsible(row.category, info, security)
        requirement = item.regime.requirements[rid]
        targets = _targets(row)
        actions.append(
            Action(
                system_id=system_id,
                requirement_id=rid,
                title=requirement.title,
                category=row.category,
                severity=guide.severity,
                weight=row.weight,
                regimes=tuple(item.regimes),
                sources=requirement.sources,
                responsible=who,
                responsible_role=role,
                deadline=due,
                deadline_reason=reason,
                remediation=_remedy(row.category, guide, targets),
                targets=targets,
                waiver_id=next(
                    (f.expired_waiver_id for f in row.findings if f.expired_waiver_id), None
                ),
            )
        )
    actions.sort(key=priority)
    return tuple(actions)


def priority(action: Action) -> tuple[int, int, date, float, str, str]:
    """Most urgent first: category, severity, deadline, weight."""
    return (
        STYLES[action.category].rank,
        SEVERITY_RANK.get(action.severity, 1),
        action.deadline or date.max,
        -action.weight,
        action.system_id,
        action.requirement_id,
    )


def top_actions(actions: Iterable[Action], limit: int = TOP_ACTIONS) -> dict[str, list[Action]]:
    """System id → its most urgent actions (the input is already in priority order)."""
    out: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        if len(out[action.system_id]) < limit:
            out[action.system_id].append(action)
    return out


@dataclass(frozen=True, slots=True)
class ActionGroup:
    """Estate-wide: one requirement in one category, over every system that has it open."""

    requirement_id: str
    title: Text
    category: str
    severity: str
    sources: tuple[str, ...]
    systems: tuple[str, ...]
    responsible: tuple[Text, ...]
    deadline: date | None
    deadline_reason: str
    remediation: Text


def group_actions(actions: Iterable[Action]) -> list[ActionGroup]:
    """Estate-wide list: one row per requirement and category, most urgent first."""
    groups: dict[tuple[str, str], list[Action]] = defaultdict(list)
    for action in actions:
        groups[(action.requirement_id, action.category)].append(action)
    out = []
    for (rid, category), items in groups.items():
        first = min(items, key=lambda a: a.deadline or date.max)
        units = list(dict.fromkeys(a.responsible for a in items))
        out.append(
            ActionGroup(
                requirement_id=rid,
                title=items[0].title,
                category=category,
                severity=min((a.severity for a in items), key=lambda s: SEVERITY_RANK.get(s, 1)),
                sources=items[0].sources,
                systems=tuple(a.system_id for a in items),
                responsible=tuple(units),
                deadline=first.deadline,
                deadline_reason=first.deadline_reason,
                remediation=items[0].remediation,
            )
        )
    out.sort(
        key=lambda g: (
            STYLES[g.category].rank,
            SEVERITY_RANK.get(g.severity, 1),
            -len(g.systems),
            g.requirement_id,
        )
    )
    return out


def documents_needed(actions: Iterable[Action]) -> list[ActionGroup]:
    """Missing documents, one row per document (requirement) with the systems it covers."""
    return [g for g in group_actions(actions) if g.category == "missing_evidence"]
