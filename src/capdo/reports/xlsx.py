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
from capdo.reports.data import FAILING, RegimeReport, ReportData
from capdo.reports.hints import remediation
from capdo.reports.text import clean, detail_text, status_label, value_text
from capdo.reports.xlsx_writer import Value, XlsxWriter
from capdo.safeio.write import atomic_open

STATUS_ORDER = STATUS_PRECEDENCE


def _finding_row(g: RegimeReport, f: Finding, lang: Lang) -> tuple[Value, ...]:
    info = g.requirements.get(f.requirement_id)
    ev = f.evidence
    return (
        g.regime,
        f.target,
        t(f"report.kind.{f.target_kind}", lang),
        f.level,
        f.requirement_id,
        info.title.get(lang) if info else "",
        status_label(f.status, lang),
        status_label(f.original_status, lang),
        value_text(ev.expected) if ev else "",
        value_text(ev.actual) if ev else "",
        detail_text(ev.detail, lang) if ev else "",
        f.waiver_id or f.expired_waiver_id or "",
        remediation(f, info, lang) if f.original_status in FAILING else "",
    )


def write_xlsx(report: ReportData, lang: Lang, path: Path) -> Path:
    with atomic_open(path, binary=True) as out, XlsxWriter(out) as book:
        _fill(book, report, lang)
    return path


def _fill(book: XlsxWriter, report: ReportData, lang: Lang) -> None:

    def tr(key: str) -> str:
        return t(key, lang)

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
                g.regime,
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
                g.regime,
                s.info.id,
                r.requirement_id,
                g.requirements[r.requirement_id].title.get(lang),
                t(f"report.group.{g.requirements[r.requirement_id].group}", lang),
                r.weight,
                r.credit,
                status_label(r.status, lang),
                *(r.counts.get(st, 0) for st in STATUS_ORDER),
                ", ".join(r.waivers),
                "; ".join(f"{n}={v}" for n, v in r.parameters),
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
            tr("report.col.expected"),
            tr("report.col.actual"),
            tr("report.col.detail"),
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
                g.regime,
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
                        d.regime,
                        d.requirement_id,
                        d.target,
                        status_label(d.previous, lang) if d.previous else "",
                        status_label(d.status, lang),
                    )
                    for d in items
                ),
            )
