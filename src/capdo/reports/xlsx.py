"""The XLSX workbook for officers who work in spreadsheets (openpyxl, write-only mode).

Sheets: summary per system, requirements per system, every finding (requirement ×
target), hosts, waivers, and the diff with the previous run when there is one. Each sheet
has a header row, frozen panes and an autofilter.
"""

from __future__ import annotations

from pathlib import Path

from capdo.compliance.evaluate import Finding
from capdo.compliance.results import STATUS_PRECEDENCE
from capdo.i18n import Lang, t
from capdo.reports.actions import group_actions
from capdo.reports.data import FAILING, RegimeReport, ReportData
from capdo.reports.evidence import checker_label, date_text, name_label, sentences
from capdo.reports.hints import remediation
from capdo.reports.status import finding_status
from capdo.reports.status import style as category_style
from capdo.reports.text import clean, status_label
from capdo.reports.xlsx_writer import Value, XlsxWriter
from capdo.safeio.write import atomic_open

STATUS_ORDER = STATUS_PRECEDENCE


def _finding_row(g: RegimeReport, f: Finding, lang: Lang) -> tuple[Value, ...]:
    info = g.requirements.get(f.requirement_id)
    ev = f.evidence
    detail = ev.detail if ev else None
    expected, actual = sentences(
        ev.expected if ev else None, ev.actual if ev else None, detail, f.checker, lang
    )
    category = finding_status(f.status, f.checker, detail, info.check if info else None)
    return (
        t(f"report.regime-short.{g.regime}", lang),
        f.target,
        t(f"report.kind.{f.target_kind}", lang),
        f.level,
        f.requirement_id,
        info.title.get(lang) if info else "",
        category_style(category).label(lang),
        status_label(f.original_status, lang),
        expected,
        actual,
        checker_label(f.checker, lang),
        f.waiver_id or f.expired_waiver_id or "",
        remediation(f, info, lang) if f.original_status in FAILING else "",
    )


def _shown(value: str, lang: Lang) -> str:
    """A parameter value as text: yes/no for booleans."""
    if value in ("true", "false"):
        return t("report.ev.yes" if value == "true" else "report.ev.no", lang)
    return value


def write_xlsx(report: ReportData, lang: Lang, path: Path) -> Path:
    with atomic_open(path, binary=True) as out, XlsxWriter(out) as book:
        _fill(book, report, lang)
    return path


def _fill(book: XlsxWriter, report: ReportData, lang: Lang) -> None:

    def tr(key: str) -> str:
        return t(key, lang)

    _actions(book, report, lang)

    statuses = [status_label(s, lang) for s in STATUS_ORDER]
    ws = book.sheet(
        tr("report.sheet.summary"),
        [
            tr("report.col.regime"),
            tr("report.col.system"),
            tr("report.col.name"),
            tr("report.col.owner"),
            tr("report.col.level"),
            tr("report.col.verdict"),
            tr("report.col.score"),
            *statuses,
            tr("report.failing.title"),
        ],
        [10, 18, 40, 30, 8, 26, 8, *([10] * len(statuses)), 50],
    )
    ws.rows(
        (
            (
                t(f"report.regime-short.{g.regime}", lang),
                s.info.id,
                clean(s.info.name.get(lang)),
                clean(s.info.owner.get(lang)),
                s.info.level,
                t(
                    "report.verdict." + ("meets" if s.verdict.meets else "does_not_meet"),
                    lang,
                    level=s.info.level,
                ),
                s.verdict.score,
                *(s.verdict.counts.get(st, 0) for st in STATUS_ORDER),
                ", ".join(r.requirement_id for r in s.failing),
            )
            for g in report.regimes
            for s in g.systems
        ),
    )
    ws = book.sheet(
        tr("report.sheet.requirements"),
        [
            tr("report.col.regime"),
            tr("report.col.system"),
            tr("report.col.requirement"),
            tr("report.col.title"),
            tr("report.col.group"),
            tr("report.col.weight"),
            tr("report.col.credit"),
            tr("report.col.status"),
            *statuses,
            tr("report.col.waiver"),
            tr("report.col.parameter"),
        ],
        [10, 18, 11, 60, 14, 8, 8, 16, *([9] * len(statuses)), 16, 40],
    )
    ws.rows(
        (
            (
                t(f"report.regime-short.{g.regime}", lang),
                s.info.id,
                r.requirement_id,
                g.requirements[r.requirement_id].title.get(lang),
                t(f"report.group.{g.requirements[r.requirement_id].group}", lang),
                r.weight,
                r.credit,
                category_style(r.category).label(lang),
                *(r.counts.get(st, 0) for st in STATUS_ORDER),
                ", ".join(r.waivers),
                "; ".join(f"{name_label(n, lang)}: {_shown(v, lang)}" for n, v in r.parameters),
            )
            for g in report.regimes
            for s in g.systems
            for r in s.rows
        ),
    )
    ws = book.sheet(
        tr("report.sheet.findings"),
        [
            tr("report.col.regime"),
            tr("report.col.target"),
            tr("report.col.kind"),
            tr("report.col.level"),
            tr("report.col.requirement"),
            tr("report.col.title"),
            tr("report.col.status"),
            tr("report.col.original"),
            tr("report.ev.expected"),
            tr("report.ev.actual"),
            tr("report.ev.checker"),
            tr("report.col.waiver"),
            tr("report.col.remediation"),
        ],
        [10, 18, 16, 7, 11, 50, 14, 14, 24, 24, 30, 14, 50],
    )
    ws.rows(_finding_row(g, f, lang) for g in report.regimes for h in g.hosts for f in h.findings)
    ws.rows(
        (
            _finding_row(g, r.findings[0], lang)
            for g in report.regimes
            for s in g.systems
            for r in s.management
        ),
    )
    ws = book.sheet(
        tr("report.sheet.hosts"),
        [
            tr("report.col.regime"),
            tr("report.col.target"),
            tr("report.col.kind"),
            tr("report.col.site"),
            tr("report.col.zone"),
            tr("report.col.address"),
            tr("report.col.description"),
            tr("report.col.systems"),
            tr("report.col.level"),
            *statuses,
        ],
        [10, 18, 16, 24, 18, 15, 28, 24, 7, *([9] * len(statuses))],
    )
    ws.rows(
        (
            (
                t(f"report.regime-short.{g.regime}", lang),
                h.info.id,
                t(f"report.kind.{h.info.kind}", lang),
                clean(h.info.site_name.get(lang)) if h.info.site_name else h.info.site,
                h.info.zone,
                h.info.address,
                clean(h.info.description or ""),
                ", ".join(h.info.systems),
                h.level,
                *(h.counts.get(st, 0) for st in STATUS_ORDER),
            )
            for g in report.regimes
            for h in g.hosts
        ),
    )
    ws = book.sheet(
        tr("report.sheet.waivers"),
        [
            tr("report.col.waiver"),
            tr("report.col.requirement"),
            tr("report.col.state"),
            tr("report.col.approver"),
            tr("report.col.approved"),
            tr("report.col.expires"),
            tr("report.col.applied"),
            tr("report.col.reason"),
            tr("report.col.compensating"),
        ],
        [16, 11, 14, 24, 12, 12, 10, 50, 40],
    )
    if report.regimes:
        ws.rows(
            (
                (
                    w.waiver.id,
                    w.waiver.requirement_id,
                    tr(f"report.waiver-state.{w.state.value}"),
                    clean(w.waiver.approver),
                    w.waiver.approved_on,
                    w.waiver.expires_on,
                    f"{w.applied}/{w.matched}",
                    clean(w.waiver.reason),
                    clean(w.waiver.compensating_control or ""),
                )
                for w in report.regimes[0].waivers
            ),
        )
    if report.diff is not None:
        diff = report.diff
        ws = book.sheet(
            tr("report.sheet.diff"),
            [
                tr("report.diff.kind"),
                tr("report.col.regime"),
                tr("report.col.requirement"),
                tr("report.col.target"),
                tr("report.col.previous"),
                tr("report.col.status"),
            ],
            [18, 10, 11, 18, 16, 16],
        )
        for key, items in (
            ("new", diff.new_failures),
            ("fixed", diff.fixed),
            ("still", diff.still_failing),
        ):
            ws.rows(
                (
                    (
                        tr(f"report.diff.kind.{key}"),
                        t(f"report.regime-short.{d.regime}", lang),
                        d.requirement_id,
                        d.target,
                        status_label(d.previous, lang) if d.previous else "",
                        status_label(d.status, lang),
                    )
                    for d in items
                ),
            )


def _actions(book: XlsxWriter, report: ReportData, lang: Lang) -> None:
    """The action list, one row per system and requirement, then missing documents."""
    ws = book.sheet(
        t("report.section.actions", lang),
        [
            t("report.col.system", lang),
            t("report.col.requirement", lang),
            t("report.col.title", lang),
            t("report.col.category", lang),
            t("report.col.severity", lang),
            t("report.col.basis", lang),
            t("report.col.responsible", lang),
            t("report.col.deadline", lang),
            t("report.col.remediation", lang),
            t("report.col.targets", lang),
        ],
        [18, 11, 50, 18, 10, 30, 36, 14, 60, 30],
    )
    ws.rows(
        (
            a.system_id,
            a.requirement_id,
            clean(a.title.get(lang)),
            category_style(a.category).label(lang),
            t(f"report.severity.{a.severity}", lang),
            "; ".join(a.sources),
            f"{t(f'report.role.{a.responsible_role}', lang)}: {clean(a.responsible.get(lang))}",
            date_text(a.deadline, lang),
            a.remediation.get(lang),
            ", ".join(a.targets[:20]),
        )
        for a in report.actions
    )
    ws = book.sheet(
        t("report.section.documents", lang),
        [
            t("report.col.document", lang),
            t("report.col.title", lang),
            t("report.col.systems", lang),
            t("report.col.deadline", lang),
            t("report.col.basis", lang),
        ],
        [11, 50, 60, 14, 30],
    )
    ws.rows(
        (
            g.requirement_id,
            clean(g.title.get(lang)),
            ", ".join(g.systems),
            date_text(g.deadline, lang),
            "; ".join(g.sources),
        )
        for g in group_actions(report.actions)
        if g.category == "missing_evidence"
    )
