"""The self-contained HTML report (and the print variant that the PDF is made from).

One Jinja2 template, autoescaped, with styles inlined and charts as inline SVG: the file
opens offline and loads nothing. ``print_mode`` drops the script and filters and caps
the detail rows (the PDF points to the HTML and XLSX for the rest).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import Markup

from capdo.compliance import STATUSES, TARGET_KINDS, Finding, Group
from capdo.i18n import Lang, t
from capdo.reports import svg
from capdo.reports.actions import (
    DOSSIER_MILESTONE,
    MEASURES_MILESTONE,
    group_actions,
    top_actions,
)
from capdo.reports.data import (
    FAILING,
    HostReport,
    RegimeReport,
    ReportData,
    RequirementRow,
    SystemReport,
)
from capdo.reports.detail import detail_json
from capdo.reports.evidence import (
    checker_label,
    date_text,
    name_label,
    reporting_period,
    sentences,
)
from capdo.reports.hints import remediation
from capdo.reports.status import CATEGORIES, finding_status
from capdo.reports.status import style as category_style
from capdo.reports.templates import environment, find_templates, read_style
from capdo.reports.text import (
    detail_text,
    group_label,
    kind_label,
    number,
    regime_label,
    status_label,
    value_text,
)
from capdo.safeio import write_atomic

OPEN_SYSTEMS = 12
"""Up to this many system sections (over all regimes) are shown open; more start folded."""
PRINT_MAX_ROWS = 300
"""Failing-requirement rows in the PDF; the rest is in the HTML and XLSX reports."""
PRINT_MAX_HOSTS = 40
"""Host rows in the PDF: the hosts with the most results not met come first."""


def worst_hosts(regime: RegimeReport, limit: int) -> list[HostReport]:
    def bad(host: HostReport) -> int:
        return sum(host.counts.get(s, 0) for s in FAILING)

    ranked = sorted(regime.hosts, key=lambda h: (-bad(h), h.info.id))
    return ranked[:limit]


def _context(report: ReportData, lang: Lang, folder: Path, print_mode: bool) -> dict[str, object]:
    """What the report templates receive: the report's own parts, then the formatters."""
    return {**_report_parts(report, lang, folder, print_mode), **_formatters(lang)}


def _report_parts(
    report: ReportData, lang: Lang, folder: Path, print_mode: bool
) -> dict[str, object]:
    """The parts of the context that depend on this report (and on the print mode)."""

    def waiver_text(regime: RegimeReport, finding: Finding) -> str:
        use = regime.waiver(finding.waiver_id or finding.expired_waiver_id)
        if use is None:
            return ""
        return t(
            f"report.waiver.{use.state.value}",
            lang,
            id=use.waiver.id,
            approver=use.waiver.approver,
            expires=use.waiver.expires_on.isoformat(),
        )

    def hint(regime: RegimeReport, finding: Finding) -> str:
        return remediation(finding, regime.requirements.get(finding.requirement_id), lang)

    by_system = {(g.regime, s.info.id): s for g in report.regimes for s in g.systems}

    def system_of(regime: RegimeReport, system_id: str) -> SystemReport | None:
        return by_system.get((regime.regime, system_id))

    trend = ""
    if len(report.history) > 1:
        trend = svg.trend_chart(
            report.history, t("report.chart.score", lang), t("report.chart.failing", lang)
        )
    style = read_style(folder, "report.css")
    if print_mode:
        style += "\n" + read_style(folder, "print.css")
    actions = report.actions
    groups = group_actions(actions)
    system_cats: dict[str, list[str]] = {}
    for action in actions:
        found = system_cats.setdefault(action.system_id, [])
        if action.category not in found:
            found.append(action.category)
    return {
        "r": report,
        "actions": actions,
        "system_cats": system_cats,
        "period": t(
            "report.period",
            lang,
            start=date_text(reporting_period(report.today)[0], lang),
            end=date_text(reporting_period(report.today)[1], lang),
        ),
        "place_date": place_date(report, lang),
        "action_groups": groups,
        "documents": [g for g in groups if g.category == "missing_evidence"],
        "top": top_actions(actions),
        "owners": owner_groups(report, lang),
        "headline": headlines(report),
        "deltas": deltas(report),
        "detail_json": (lambda: Markup(detail_json(report, lang))) if not print_mode else None,
        "many": len(report.systems) > OPEN_SYSTEMS,
        "req_title": lambda g, rid: _title(report, g, rid, lang),
        "milestones": milestones(report, lang),
        "print_mode": print_mode,
        "open_systems": sum(len(g.systems) for g in report.regimes) <= OPEN_SYSTEMS,
        "system_of": system_of,
        "style": Markup(style),
        "script": Markup(read_style(folder, "report.js")),
        "trend_svg": Markup(trend),
        "waiver_text": waiver_text,
        "hint": hint,
    }


def _formatters(lang: Lang) -> dict[str, object]:
    """Labels, formatters and constants of the context: the same for every report."""

    def tr(key: str, **params: object) -> str:
        return t(key, lang, **params)

    status_labels: dict[str, str] = {s: status_label(s, lang) for s in STATUSES}
    kind_labels: dict[str, str] = {k: kind_label(k, lang) for k in TARGET_KINDS}
    group_labels = {g.value: group_label(g.value, lang) for g in Group}

    def status(value: str) -> str:
        return status_labels.get(value) or status_label(value, lang)

    def status_svg(counts: dict[str, int], width: int = 240) -> Markup:
        return Markup(svg.status_bar(counts, status, width))

    def score_svg(score: float | None) -> Markup:
        return Markup(svg.score_bar(score))

    return {
        "names": lambda texts: "; ".join(dict.fromkeys(x.get(lang) for x in texts)),
        "technical": technical_rows,
        "sentence": lambda f, g: finding_sentences(f, g, lang),
        "category": lambda c: category_style(c).label(lang),
        "colour": lambda c: category_style(c).colour,
        "categories": CATEGORIES,
        "severity": lambda v: t(f"report.severity.{v}", lang),
        "role": lambda v: t(f"report.role.{v}", lang),
        "day": lambda d: date_text(d, lang),
        "param": lambda n: name_label(n, lang),
        "category_chart": lambda counts: Markup(
            svg.category_chart(
                counts,
                lambda c: category_style(c).label(lang),
                lambda c: category_style(c).colour,
                t("report.chart.axis-count", lang),
                t("report.chart.axis-category", lang),
            )
        ),
        "host_categories": HOST_CATEGORIES,
        "host_counts": host_counts,
        "lang": lang,
        "max_rows": PRINT_MAX_ROWS,
        "max_hosts": PRINT_MAX_HOSTS,
        "worst_hosts": worst_hosts,
        "_": tr,
        "checker": lambda name: checker_label(name, lang),
        "status": status,
        "kind": kind_labels.__getitem__,
        "group": group_labels.__getitem__,
        "regime_name": lambda g: regime_label(g, lang),
        "num": lambda v: number(v, lang),
        "val": value_text,
        "detail": lambda d: detail_text(d, lang),
        "status_svg": status_svg,
        "score_svg": score_svg,
        "failing": FAILING,
    }


HOST_CATEGORIES = ("fail", "error", "not_reviewed", "waived", "pass")


def _title(report: ReportData, regime: str, rid: str, lang: Lang) -> str:
    for item in report.regimes:
        if item.regime == regime and rid in item.requirements:
            return item.requirements[rid].title.get(lang)
    return ""


@dataclass(frozen=True, slots=True)
class HostCounts:
    counts: dict[str, int]
    open: bool


def host_counts(regime: RegimeReport, host: HostReport) -> HostCounts:
    counts: dict[str, int] = {}
    for f in host.findings:
        check = (
            regime.requirements[f.requirement_id].check
            if f.requirement_id in regime.requirements
            else None
        )
        cat = finding_status(f.status, f.checker, f.evidence.detail if f.evidence else None, check)
        counts[cat] = counts.get(cat, 0) + 1
    return HostCounts(counts, any(category_style(c).open for c in counts))


@dataclass(frozen=True, slots=True)
class Milestone:
    date: date
    title: str
    source: str
    systems: tuple[str, ...] | None


def milestones(report: ReportData, lang: Lang) -> list[Milestone]:
    """The transition milestones, each with the systems whose actions fall due on it."""
    regime = next((g for g in report.regimes if g.deadlines), None)
    if regime is None:
        return []
    due: dict[str, set[str]] = {DOSSIER_MILESTONE: set(), MEASURES_MILESTONE: set()}
    for system in regime.systems:
        for row in system.rows:
            if category_style(row.category).open:
                dossier = row.requirement_id.startswith("DOS.")
                due[DOSSIER_MILESTONE if dossier else MEASURES_MILESTONE].add(system.info.id)
    out = []
    for item in regime.deadlines:
        systems = due.get(item.id)
        out.append(
            Milestone(
                item.date,
                item.title.get(lang),
                item.source,
                tuple(sorted(systems)) if systems is not None else None,
            )
        )
    return out


def technical_rows(regime: RegimeReport, system: SystemReport) -> list[RequirementRow]:
    """Rows a configuration fix or a checker re-run resolves (kept in full in the PDF)."""
    return [r for r in system.rows if r.category in ("fail", "error")]


def place_date(report: ReportData, lang: Lang) -> str:
    """'Phú Thọ, ngày 21 tháng 11 năm 2026' (the place is the estate's province name)."""
    day = report.today
    return t(
        "report.place-date",
        lang,
        place=(report.place or report.organisation).get(lang),
        day=f"{day.day:02d}",
        month=f"{day.month:02d}",
        year=day.year,
    )


def finding_sentences(finding: Finding, regime: RegimeReport, lang: Lang) -> tuple[str, str]:
    ev = finding.evidence
    return sentences(
        ev.expected if ev else None,
        ev.actual if ev else None,
        ev.detail if ev else None,
        finding.checker,
        lang,
    )


def owner_groups(report: ReportData, lang: Lang) -> list[tuple[str, list[str]]]:
    """(owner name, system ids) sorted by owner, for the first screen of a large estate."""
    groups: dict[str, list[str]] = {}
    for sid, info in report.systems.items():
        groups.setdefault(info.owner.get(lang), []).append(sid)
    return sorted(groups.items(), key=lambda item: item[0])


@dataclass(frozen=True, slots=True)
class Headline:
    regime: str
    meets: int
    total: int
    counts: dict[str, int]
    """Requirement rows per category over every system."""


def headlines(report: ReportData) -> list[Headline]:
    out = []
    for regime in report.regimes:
        counts: dict[str, int] = dict.fromkeys(CATEGORIES, 0)
        for system in regime.systems:
            for row in system.rows:
                counts[row.category or "error"] = counts.get(row.category or "error", 0) + 1
        meets = sum(1 for s in regime.systems if s.verdict.meets)
        out.append(Headline(regime.regime, meets, len(regime.systems), counts))
    return out


@dataclass(frozen=True, slots=True)
class Delta:
    score: float | None
    new: int
    fixed: int


def deltas(report: ReportData) -> dict[tuple[str, str], Delta]:
    """(regime, system) → change since the previous stored run (empty without history)."""
    if len(report.history) < 2:
        return {}
    previous = report.history[-2].scores
    owner_of: dict[str, set[str]] = {}
    for sid, info in report.systems.items():
        owner_of.setdefault(sid, set()).add(sid)
        for member in info.members:
            owner_of.setdefault(member, set()).add(sid)
    new: dict[tuple[str, str], int] = {}
    fixed: dict[tuple[str, str], int] = {}
    if report.diff is not None:
        for items, bucket in ((report.diff.new_failures, new), (report.diff.fixed, fixed)):
            for item in items:
                for sid in owner_of.get(item.target, ()):
                    bucket[(item.regime, sid)] = bucket.get((item.regime, sid), 0) + 1
    out = {}
    for regime in report.regimes:
        for system in regime.systems:
            key = (regime.regime, system.info.id)
            before = previous.get(f"{regime.regime}/{system.info.id}")
            now = system.verdict.score
            change = None if before is None or now is None else now - before
            out[key] = Delta(change, new.get(key, 0), fixed.get(key, 0))
    return out


def render_html(
    report: ReportData, lang: Lang, templates: Path | None = None, print_mode: bool = False
) -> str:
    folder = find_templates(templates)
    name = "print.html.j2" if print_mode else "report.html.j2"
    template = environment(folder).get_template(name)
    return template.render(_context(report, lang, folder, print_mode))


def write_html(report: ReportData, lang: Lang, path: Path, templates: Path | None = None) -> Path:
    write_atomic(path, render_html(report, lang, templates))
    return path
