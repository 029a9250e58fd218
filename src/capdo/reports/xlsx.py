"""The XLSX workbook for officers who work in spreadsheets.

Sheets: the action list, missing documents, summary per system, requirements per system,
every finding (requirement × target), hosts, waivers, and the diff with the previous run when
there is one. Each sheet is a :class:`Sheet`: its title, its rows, and one :class:`Column` per
column (header, width, value); :func:`write_sheet` writes any of them (header row, frozen
panes, autofilter: :mod:`capdo.reports.xlsx_writer`). A cell's number format follows its
value: dates are shown as dates, numbers as numbers, the rest as text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from capdo.compliance import STATUS_PRECEDENCE, Finding, WaiverUse
from capdo.i18n import Lang, t
from capdo.reports.actions import ActionGroup, group_actions
from capdo.reports.data import (
    FAILING,
    Action,
    DiffItem,
    HostReport,
    RegimeReport,
    ReportData,
    RequirementRow,
    SystemReport,
)
from capdo.reports.evidence import checker_label, date_text, name_label, sentences
from capdo.reports.hints import remediation
from capdo.reports.status import finding_status
from capdo.reports.status import style as category_style
from capdo.reports.text import clean, status_label
from capdo.reports.xlsx_writer import Value, XlsxWriter
from capdo.safeio import atomic_open

STATUS_ORDER = STATUS_PRECEDENCE


R = TypeVar("R")


def _message(key: str, lang: Lang) -> str:
    return t(key, lang)


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    """One column of a sheet: its header (a message key, or what ``label`` turns into the
    header text), its width in characters, and the value of one row's cell."""

    header: str
    width: int
    value: Callable[[R, Lang], Value]
    label: Callable[[str, Lang], str] = _message


@dataclass(frozen=True, slots=True)
class Sheet(Generic[R]):
    """One sheet: its title (a message key), its columns, and its rows from the report."""

    title: str
    columns: tuple[Column[R], ...]
    rows: Callable[[ReportData, Lang], Iterable[R]]
    shown: Callable[[ReportData], bool] = lambda _report: True


def write_sheet(book: XlsxWriter, sheet: Sheet[R], report: ReportData, lang: Lang) -> None:
    """Write ``sheet`` (header row, then one row per item of ``sheet.rows``) into ``book``."""
    columns = sheet.columns
    ws = book.sheet(
        t(sheet.title, lang),
        [c.label(c.header, lang) for c in columns],
        [c.width for c in columns],
    )
    ws.rows(tuple(c.value(row, lang) for c in columns) for row in sheet.rows(report, lang))


def write_xlsx(report: ReportData, lang: Lang, path: Path) -> Path:
    with atomic_open(path, binary=True) as out, XlsxWriter(out) as book:
        for sheet in SHEETS:
            if sheet.shown(report):
                write_sheet(book, sheet, report, lang)
    return path


def _status_columns(width: int, counts: Callable[[R], dict[str, int]]) -> tuple[Column[R], ...]:
    """One count column per status, in precedence order, headed by the status's label."""

    def count(status: str) -> Callable[[R, Lang], Value]:
        return lambda row, _lang: counts(row).get(status, 0)

    return tuple(Column(s, width, count(s), status_label) for s in STATUS_ORDER)


def _regime(regime: str, lang: Lang) -> str:
    return t(f"report.regime-short.{regime}", lang)


def _shown(value: str, lang: Lang) -> str:
    """A parameter value as text: yes/no for booleans."""
    if value in ("true", "false"):
        return t("report.ev.yes" if value == "true" else "report.ev.no", lang)
    return value


# --- the action list and missing documents -----------------------------------------------

ACTIONS: Sheet[Action] = Sheet(
    "report.section.actions",
    (
        Column("report.col.system", 18, lambda a, _: a.system_id),
        Column("report.col.requirement", 11, lambda a, _: a.requirement_id),
        Column("report.col.title", 50, lambda a, lang: clean(a.title.get(lang))),
        Column("report.col.category", 18, lambda a, lang: category_style(a.category).label(lang)),
        Column("report.col.severity", 10, lambda a, lang: t(f"report.severity.{a.severity}", lang)),
        Column("report.col.basis", 30, lambda a, _: "; ".join(a.sources)),
        Column(
            "report.col.responsible",
            36,
            lambda a, lang: (
                f"{t(f'report.role.{a.responsible_role}', lang)}: {clean(a.responsible.get(lang))}"
            ),
        ),
        Column("report.col.deadline", 14, lambda a, lang: date_text(a.deadline, lang)),
        Column("report.col.remediation", 60, lambda a, lang: a.remediation.get(lang)),
        Column("report.col.targets", 30, lambda a, _: ", ".join(a.targets[:20])),
    ),
    lambda report, _: report.actions,
)

DOCUMENTS: Sheet[ActionGroup] = Sheet(
    "report.section.documents",
    (
        Column("report.col.document", 11, lambda g, _: g.requirement_id),
        Column("report.col.title", 50, lambda g, lang: clean(g.title.get(lang))),
        Column("report.col.systems", 60, lambda g, _: ", ".join(g.systems)),
        Column("report.col.deadline", 14, lambda g, lang: date_text(g.deadline, lang)),
        Column("report.col.basis", 30, lambda g, _: "; ".join(g.sources)),
    ),
    lambda report, _: (
        g for g in group_actions(report.actions) if g.category == "missing_evidence"
    ),
)


# --- per system ----------------------------------------------------------------------------

SystemLine = tuple[RegimeReport, SystemReport]


def _verdict(line: SystemLine, lang: Lang) -> str:
    s = line[1]
    outcome = "meets" if s.verdict.meets else "does_not_meet"
    return t(f"report.verdict.{outcome}", lang, level=s.info.level)


SUMMARY: Sheet[SystemLine] = Sheet(
    "report.sheet.summary",
    (
        Column("report.col.regime", 10, lambda x, lang: _regime(x[0].regime, lang)),
        Column("report.col.system", 18, lambda x, _: x[1].info.id),
        Column("report.col.name", 40, lambda x, lang: clean(x[1].info.name.get(lang))),
        Column("report.col.owner", 30, lambda x, lang: clean(x[1].info.owner.get(lang))),
        Column("report.col.level", 8, lambda x, _: x[1].info.level),
        Column("report.col.verdict", 26, _verdict),
        Column("report.col.score", 8, lambda x, _: x[1].verdict.score),
        *_status_columns(10, lambda x: x[1].verdict.counts),
        Column(
            "report.failing.title",
            50,
            lambda x, _: ", ".join(r.requirement_id for r in x[1].failing),
        ),
    ),
    lambda report, _: ((g, s) for g in report.regimes for s in g.systems),
)

RequirementLine = tuple[RegimeReport, SystemReport, RequirementRow]


def _parameters(line: RequirementLine, lang: Lang) -> str:
    return "; ".join(f"{name_label(n, lang)}: {_shown(v, lang)}" for n, v in line[2].parameters)


REQUIREMENTS: Sheet[RequirementLine] = Sheet(
    "report.sheet.requirements",
    (
        Column("report.col.regime", 10, lambda x, lang: _regime(x[0].regime, lang)),
        Column("report.col.system", 18, lambda x, _: x[1].info.id),
        Column("report.col.requirement", 11, lambda x, _: x[2].requirement_id),
        Column(
            "report.col.title",
            60,
            lambda x, lang: x[0].requirements[x[2].requirement_id].title.get(lang),
        ),
        Column(
            "report.col.group",
            14,
            lambda x, lang: t(f"report.group.{x[0].requirements[x[2].requirement_id].group}", lang),
        ),
        Column("report.col.weight", 8, lambda x, _: x[2].weight),
        Column("report.col.credit", 8, lambda x, _: x[2].credit),
        Column("report.col.status", 16, lambda x, lang: category_style(x[2].category).label(lang)),
        *_status_columns(9, lambda x: x[2].counts),
        Column("report.col.waiver", 16, lambda x, _: ", ".join(x[2].waivers)),
        Column("report.col.parameter", 40, _parameters),
    ),
    lambda report, _: ((g, s, r) for g in report.regimes for s in g.systems for r in s.rows),
)


# --- per finding -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FindingLine:
    """One finding with what its row shows that takes work to derive (computed once)."""

    regime: str
    finding: Finding
    title: str
    category: str
    expected: str
    actual: str
    remediation_text: str


def _finding_line(g: RegimeReport, f: Finding, lang: Lang) -> FindingLine:
    info = g.requirements.get(f.requirement_id)
    ev = f.evidence
    detail = ev.detail if ev else None
    expected, actual = sentences(
        ev.expected if ev else None, ev.actual if ev else None, detail, f.checker, lang
    )
    return FindingLine(
        regime=g.regime,
        finding=f,
        title=info.title.get(lang) if info else "",
        category=finding_status(f.status, f.checker, detail, info.check if info else None),
        expected=expected,
        actual=actual,
        remediation_text=remediation(f, info, lang) if f.original_status in FAILING else "",
    )


def _findings(report: ReportData, lang: Lang) -> Iterable[FindingLine]:
    """Every host's findings, then each system's management (documentary) findings."""
    for g in report.regimes:
        for h in g.hosts:
            for f in h.findings:
                yield _finding_line(g, f, lang)
    for g in report.regimes:
        for s in g.systems:
            for r in s.management:
                yield _finding_line(g, r.findings[0], lang)


FINDINGS: Sheet[FindingLine] = Sheet(
    "report.sheet.findings",
    (
        Column("report.col.regime", 10, lambda x, lang: _regime(x.regime, lang)),
        Column("report.col.target", 18, lambda x, _: x.finding.target),
        Column(
            "report.col.kind", 16, lambda x, lang: t(f"report.kind.{x.finding.target_kind}", lang)
        ),
        Column("report.col.level", 7, lambda x, _: x.finding.level),
        Column("report.col.requirement", 11, lambda x, _: x.finding.requirement_id),
        Column("report.col.title", 50, lambda x, _: x.title),
        Column("report.col.status", 14, lambda x, lang: category_style(x.category).label(lang)),
        Column(
            "report.col.original", 14, lambda x, lang: status_label(x.finding.original_status, lang)
        ),
        Column("report.ev.expected", 24, lambda x, _: x.expected),
        Column("report.ev.actual", 24, lambda x, _: x.actual),
        Column("report.ev.checker", 30, lambda x, lang: checker_label(x.finding.checker, lang)),
        Column(
            "report.col.waiver",
            14,
            lambda x, _: x.finding.waiver_id or x.finding.expired_waiver_id or "",
        ),
        Column("report.col.remediation", 50, lambda x, _: x.remediation_text),
    ),
    _findings,
)


# --- hosts, waivers, diff ------------------------------------------------------------------

HostLine = tuple[RegimeReport, HostReport]


def _site(line: HostLine, lang: Lang) -> Value:
    info = line[1].info
    return clean(info.site_name.get(lang)) if info.site_name else info.site


HOSTS: Sheet[HostLine] = Sheet(
    "report.sheet.hosts",
    (
        Column("report.col.regime", 10, lambda x, lang: _regime(x[0].regime, lang)),
        Column("report.col.target", 18, lambda x, _: x[1].info.id),
        Column("report.col.kind", 16, lambda x, lang: t(f"report.kind.{x[1].info.kind}", lang)),
        Column("report.col.site", 24, _site),
        Column("report.col.zone", 18, lambda x, _: x[1].info.zone),
        Column("report.col.address", 15, lambda x, _: x[1].info.address),
        Column("report.col.description", 28, lambda x, _: clean(x[1].info.description or "")),
        Column("report.col.systems", 24, lambda x, _: ", ".join(x[1].info.systems)),
        Column("report.col.level", 7, lambda x, _: x[1].level),
        *_status_columns(9, lambda x: x[1].counts),
    ),
    lambda report, _: ((g, h) for g in report.regimes for h in g.hosts),
)

WAIVERS: Sheet[WaiverUse] = Sheet(
    "report.sheet.waivers",
    (
        Column("report.col.waiver", 16, lambda w, _: w.waiver.id),
        Column("report.col.requirement", 11, lambda w, _: w.waiver.requirement_id),
        Column(
            "report.col.state", 14, lambda w, lang: t(f"report.waiver-state.{w.state.value}", lang)
        ),
        Column("report.col.approver", 24, lambda w, _: clean(w.waiver.approver)),
        Column("report.col.approved", 12, lambda w, _: w.waiver.approved_on),
        Column("report.col.expires", 12, lambda w, _: w.waiver.expires_on),
        Column("report.col.applied", 10, lambda w, _: f"{w.applied}/{w.matched}"),
        Column("report.col.reason", 50, lambda w, _: clean(w.waiver.reason)),
        Column(
            "report.col.compensating", 40, lambda w, _: clean(w.waiver.compensating_control or "")
        ),
    ),
    # Every regime applies the same register: the first regime's uses stand for all.
    lambda report, _: report.regimes[0].waivers if report.regimes else (),
)

DiffLine = tuple[str, DiffItem]


def _diff(report: ReportData, _lang: Lang) -> Iterable[DiffLine]:
    diff = report.diff
    if diff is None:
        return
    for kind, items in (
        ("new", diff.new_failures),
        ("fixed", diff.fixed),
        ("still", diff.still_failing),
    ):
        for item in items:
            yield kind, item


DIFF: Sheet[DiffLine] = Sheet(
    "report.sheet.diff",
    (
        Column("report.diff.kind", 18, lambda x, lang: t(f"report.diff.kind.{x[0]}", lang)),
        Column("report.col.regime", 10, lambda x, lang: _regime(x[1].regime, lang)),
        Column("report.col.requirement", 11, lambda x, _: x[1].requirement_id),
        Column("report.col.target", 18, lambda x, _: x[1].target),
        Column(
            "report.col.previous",
            16,
            lambda x, lang: status_label(x[1].previous, lang) if x[1].previous else "",
        ),
        Column("report.col.status", 16, lambda x, lang: status_label(x[1].status, lang)),
    ),
    _diff,
    shown=lambda report: report.diff is not None,
)

SHEETS: tuple[Sheet[Any], ...] = (
    ACTIONS,
    DOCUMENTS,
    SUMMARY,
    REQUIREMENTS,
    FINDINGS,
    HOSTS,
    WAIVERS,
    DIFF,
)
"""The workbook's sheets, in order."""
