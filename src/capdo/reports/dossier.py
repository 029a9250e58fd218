"""DOCX drafts for officers to edit: the level dossier of one system, and the annual report.

The dossier (hồ sơ đề xuất cấp độ) follows Circular 12/2022 Art. 8 / Decree 331 Art. 22 and
the level-3 outline in use (I.1 owner … I.4.5 IP plan, II level proposal, III security plan
per requirement). capdo fills what the estate knows; what only people know is left as a
marked placeholder. The annual report table follows Mẫu 08 (Decree 331).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from capdo.i18n import Lang, t
from capdo.inventory import Inventory, minimum_level
from capdo.reports.actions import group_actions
from capdo.reports.data import (
    FAILING,
    RegimeReport,
    ReportData,
    RequirementRow,
    SystemInfo,
    SystemReport,
)
from capdo.reports.evidence import date_text, reporting_period
from capdo.reports.html import place_date
from capdo.reports.text import clean, regime_label, status_label
from capdo.safeio import atomic_open

PLACEHOLDER_COLOUR = RGBColor(0xB0, 0x00, 0x20)


def _doc(landscape: bool = False) -> DocxDocument:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    if landscape:
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    return doc


def _todo(doc: DocxDocument, lang: Lang, what: str) -> None:
    run = doc.add_paragraph().add_run(t("report.dossier.todo", lang, what=what))
    run.italic = True
    run.font.color.rgb = PLACEHOLDER_COLOUR


def _table(doc: DocxDocument, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = clean("" if value is None else str(value))


def _primary(report: ReportData) -> RegimeReport | None:
    """The regime a new dossier is written for: the new one when it is in force."""
    for name in ("new", "legacy"):
        for regime in report.regimes:
            if regime.regime == name:
                return regime
    return None


def _unit(doc: DocxDocument, lang: Lang, heading: str, name: str) -> None:
    doc.add_heading(heading, level=2)
    _table(doc, [t("report.col.name", lang), name], [])
    _todo(doc, lang, t("report.dossier.unit-fields", lang))


def _devices(doc: DocxDocument, report: ReportData, info: SystemInfo, lang: Lang) -> None:
    rows = []
    for n, name in enumerate(info.members, start=1):
        target = report.targets.get(name)
        if target is None:
            continue
        site = target.site_name.get(lang) if target.site_name else target.site
        rows.append(
            (
                n,
                name,
                t(f"report.kind.{target.kind}", lang),
                target.description,
                site,
                target.zone,
                target.address,
            )
        )
    _table(
        doc,
        [
            t("report.col.no", lang),
            t("report.col.name", lang),
            t("report.col.kind", lang),
            t("report.col.model", lang),
            t("report.col.site", lang),
            t("report.col.zone", lang),
            t("report.col.address", lang),
        ],
        rows,
    )


def _applications(doc: DocxDocument, inventory: Inventory, info: SystemInfo, lang: Lang) -> None:
    members = set(info.members)
    rows = [
        (n, s.name, ", ".join(s.roles), f"{s.os.family} {s.os.version}", s.site, s.address)
        for n, s in enumerate((s for s in inventory.servers if s.name in members), start=1)
    ]
    _table(
        doc,
        [
            t("report.col.no", lang),
            t("report.col.name", lang),
            t("report.col.purpose", lang),
            t("report.dossier.os", lang),
            t("report.col.site", lang),
            t("report.col.address", lang),
        ],
        rows,
    )


def _zones(
    doc: DocxDocument, report: ReportData, inventory: Inventory, info: SystemInfo, lang: Lang
) -> None:
    used = {report.targets[m].zone for m in info.members if m in report.targets}
    vlans = {v.zone: v for lan in inventory.lan for v in lan.vlans}
    rows = []
    for zone in inventory.zones:
        if zone.id not in used:
            continue
        vlan = vlans.get(zone.id)
        rows.append(
            (
                zone.id,
                zone.name.get(lang) if zone.name else "",
                t(f"report.zone.{zone.kind}", lang),
                zone.site,
                ", ".join(str(p) for p in zone.prefixes),
                f"{vlan.id} ({vlan.name})" if vlan else "",
            )
        )
    _table(
        doc,
        [
            t("report.col.zone", lang),
            t("report.col.name", lang),
            t("report.col.kind", lang),
            t("report.col.site", lang),
            t("report.col.prefixes", lang),
            t("report.col.vlan", lang),
        ],
        rows,
    )
    _todo(doc, lang, t("report.dossier.public-ip", lang))


def _plan(
    doc: DocxDocument,
    regime: RegimeReport | None,
    system: SystemReport | None,
    lang: Lang,
    has_results: bool,
) -> None:
    if regime is None or system is None:
        _todo(doc, lang, t("report.dossier.plan", lang))
        return
    rows = []
    for n, row in enumerate(system.rows, start=1):
        req = regime.requirements[row.requirement_id]
        state = (
            status_label(row.status, lang) if has_results else t("report.dossier.unassessed", lang)
        )
        if has_results and row.status in FAILING:
            state += " — " + t("report.dossier.to-do", lang)
        rows.append(
            (
                n,
                row.requirement_id,
                req.title.get(lang),
                t(f"report.group.{req.group}", lang),
                "",
                state,
            )
        )
    _table(
        doc,
        [
            t("report.col.no", lang),
            t("report.col.requirement", lang),
            t("report.col.title", lang),
            t("report.col.group", lang),
            t("report.col.implementation", lang),
            t("report.dossier.current", lang),
        ],
        rows,
    )


def build_dossier(
    report: ReportData, inventory: Inventory, system_id: str, lang: Lang
) -> DocxDocument:
    info = report.systems[system_id]
    source = next(s for s in inventory.systems if s.id == system_id)
    regime = _primary(report)
    system = next((s for s in regime.systems if s.info.id == system_id), None) if regime else None
    doc = _doc()
    national_heading(doc, report, lang, "report.doc.number-dossier")
    doc.add_heading(t("report.dossier.title", lang), level=0)
    doc.add_paragraph(info.name.get(lang)).runs[0].bold = True
    _todo(doc, lang, t("report.dossier.draft-note", lang))
    doc.add_heading(t("report.dossier.part1", lang), level=1)
    _unit(doc, lang, "I.1 " + t("report.col.owner", lang), info.owner.get(lang))
    _unit(doc, lang, "I.2 " + t("report.col.operator", lang), info.operator.get(lang))
    doc.add_heading("I.3 " + t("report.dossier.scope", lang), level=2)
    _table(
        doc,
        [t("report.dossier.item", lang), t("report.dossier.value", lang)],
        [
            (t("report.dossier.type", lang), t(f"report.systype.{info.type}", lang)),
            (t("report.dossier.scope-of", lang), t(f"report.scope.{info.scope}", lang)),
            (
                t("report.dossier.information", lang),
                ", ".join(t(f"report.info.{i}", lang) for i in info.information),
            ),
            (t("report.dossier.users", lang), info.users),
            (t("report.dossier.subjects", lang), info.data_subjects),
            (
                t("report.dossier.description", lang),
                info.description.get(lang) if info.description else "",
            ),
        ],
    )
    doc.add_heading("I.4 " + t("report.dossier.architecture", lang), level=2)
    doc.add_heading("I.4.1 " + t("report.dossier.logical", lang), level=3)
    _todo(doc, lang, t("report.dossier.diagram", lang))
    doc.add_heading("I.4.2 " + t("report.dossier.physical", lang), level=3)
    _todo(doc, lang, t("report.dossier.diagram", lang))
    doc.add_heading("I.4.3 " + t("report.dossier.devices", lang), level=3)
    _devices(doc, report, info, lang)
    doc.add_heading("I.4.4 " + t("report.dossier.applications", lang), level=3)
    _applications(doc, inventory, info, lang)
    doc.add_heading("I.4.5 " + t("report.dossier.ip-plan", lang), level=3)
    _zones(doc, report, inventory, info, lang)
    doc.add_heading(t("report.dossier.part2", lang), level=1)
    bases = [minimum_level(source, r) for r in report.regimes_in_force]
    _table(
        doc,
        [
            t("report.col.system", lang),
            t("report.col.level", lang),
            t("report.dossier.basis", lang),
        ],
        [
            (
                info.name.get(lang),
                f"{info.level} ({t('report.level.' + info.level_status, lang)})",
                "; ".join(
                    t(
                        "report.dossier.basis-text",
                        lang,
                        level=b.level,
                        decree=b.decree,
                        article=b.article,
                    )
                    for b in bases
                ),
            ),
        ],
    )
    _todo(doc, lang, t("report.dossier.risks", lang))
    doc.add_heading(t("report.dossier.part3", lang), level=1)
    _plan(doc, regime, system, lang, report.record_count > 0)
    return doc


def write_dossier(
    report: ReportData, inventory: Inventory, system_id: str, lang: Lang, path: Path
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path, binary=True) as out:
        build_dossier(report, inventory, system_id, lang).save(out)
    return path


PERIODIC_ASSESSMENT = "AUD.01"
SECURITY_REGULATION = "GOV.02"


def national_heading(doc: DocxDocument, report: ReportData, lang: Lang, number_key: str) -> None:
    """The two-column heading of an administrative document (Decree 30/2020 layout)."""
    table = doc.add_table(rows=2, cols=2)
    left, right = table.rows[0].cells
    left.text = ""
    run = left.paragraphs[0].add_run(report.organisation.get(lang).upper())
    run.bold = True
    if report.security_unit is not None:
        left.add_paragraph(report.security_unit.get(lang))
    run = right.paragraphs[0].add_run(t("report.national.line1", lang))
    run.bold = True
    motto = right.add_paragraph().add_run(t("report.national.line2", lang))
    motto.bold = True
    motto.underline = True
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number, when = table.rows[1].cells
    number.text = t(number_key, lang)
    number.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    when.text = ""
    place = when.paragraphs[0].add_run(place_date(report, lang))
    place.italic = True
    when.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _centered(doc: DocxDocument, text: str, bold: bool = False, size: int = 13) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _row_of(system: SystemReport | None, requirement_id: str) -> RequirementRow | None:
    if system is None:
        return None
    return next((r for r in system.rows if r.requirement_id == requirement_id), None)


@dataclass(frozen=True, slots=True)
class SystemStatement:
    """What the annual report states about one system, each derived from its evaluation."""

    deployment: str
    """full (meets its level), part (some requirement met), none."""
    assessed: bool
    """The periodic-assessment requirement is met."""
    regulation: bool
    """The security-regulation requirement is met."""


def statement(system: SystemReport | None) -> SystemStatement:
    if system is None:
        return SystemStatement("none", False, False)
    if system.verdict.meets:
        deployment = "full"
    elif any(r.category == "pass" for r in system.rows):
        deployment = "part"
    else:
        deployment = "none"
    assessed = (row := _row_of(system, PERIODIC_ASSESSMENT)) is not None and row.category == "pass"
    regulation = (
        row := _row_of(system, SECURITY_REGULATION)
    ) is not None and row.category == "pass"
    return SystemStatement(deployment, assessed, regulation)


def recipients(report: ReportData, lang: Lang) -> list[str]:
    ministry = "mps" if "new" in report.regimes_in_force else "mic"
    return [
        t(f"report.doc.recipient.{ministry}", lang),
        t("report.doc.recipient.province", lang),
    ]


def signature(doc: DocxDocument, report: ReportData, lang: Lang, names: list[str]) -> None:
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.text = ""
    head = left.paragraphs[0].add_run(t("report.doc.cc", lang))
    head.bold = True
    head.italic = True
    for name in [*names, t("report.doc.cc-archive", lang)]:
        left.add_paragraph(f"- {name}").runs[0].font.size = Pt(10)
    right.text = ""
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].add_run(t("report.doc.signer", lang)).bold = True
    hint = right.add_paragraph()
    hint.alignment = WD_ALIGN_PARAGRAPH.CENTER
    hint.add_run(t("report.sign.hint-seal", lang)).italic = True


def build_annual(report: ReportData, lang: Lang) -> DocxDocument:
    """The annual report (TT12 Art. 13–14 / Decree 331 Art. 35–36, Form 08), every figure and
    every statement derived from the evaluation."""
    doc = _doc(landscape=True)
    names = _annual_heading(doc, report, lang)
    regime = _primary(report)
    verdicts = {s.info.id: s for s in regime.systems} if regime else {}
    statements = {sid: statement(verdicts.get(sid)) for sid in report.systems}
    _annual_units(doc, report, lang, regime)
    _annual_summary(doc, report, lang, regime, statements)
    _annual_systems(doc, report, lang, statements, report.record_count > 0 and regime is not None)
    if regime is not None:
        _annual_criteria(doc, lang, regime)
    _annual_roadmap(doc, report, lang)
    doc.add_paragraph()
    signature(doc, report, lang, names)
    return doc


def _annual_heading(doc: DocxDocument, report: ReportData, lang: Lang) -> list[str]:
    """National heading, title, period and recipients; returns the recipients' names."""
    national_heading(doc, report, lang, "report.doc.number")
    start, end = reporting_period(report.today)
    _centered(doc, t("report.annual.heading", lang), bold=True, size=14)
    _centered(doc, t("report.annual.subject", lang, year=end.year), bold=True)
    _centered(
        doc,
        t("report.period", lang, start=date_text(start, lang), end=date_text(end, lang)),
    )
    names = recipients(report, lang)
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(t("report.doc.recipients", lang) + " ").bold = True
    paragraph.add_run("; ".join(names))
    return names


def _annual_units(
    doc: DocxDocument, report: ReportData, lang: Lang, regime: RegimeReport | None
) -> None:
    """Part I: the owner, the security unit and the basis of the figures."""
    doc.add_heading(t("report.annual.part1", lang), level=1)
    doc.add_paragraph(t("report.annual.owner-line", lang, owner=report.organisation.get(lang)))
    if report.security_unit is not None:
        doc.add_paragraph(
            t("report.annual.security-line", lang, unit=report.security_unit.get(lang))
        )
    if regime is not None:
        doc.add_paragraph(
            t(
                "report.annual.basis-line",
                lang,
                date=date_text(report.today, lang),
                records=report.record_count,
                regime=regime_label(regime.regime, lang),
            )
        )


def _annual_summary(
    doc: DocxDocument,
    report: ReportData,
    lang: Lang,
    regime: RegimeReport | None,
    statements: dict[str, SystemStatement],
) -> None:
    """Part II: the summary sentences (systems, levels, deployment, open actions)."""
    doc.add_heading(t("report.annual.part2", lang), level=1)
    total = len(report.systems)
    approved_n = sum(1 for s in report.systems.values() if s.level_status == "approved")
    values = list(statements.values())
    sentences_ = [
        t(
            "report.annual.s-total",
            lang,
            total=total,
            approved=approved_n,
            drafting=total - approved_n,
        ),
        t(
            "report.annual.s-meets",
            lang,
            meets=sum(1 for v in values if v.deployment == "full"),
            total=total,
        ),
        t(
            "report.annual.s-deploy",
            lang,
            full=sum(1 for v in values if v.deployment == "full"),
            part=sum(1 for v in values if v.deployment == "part"),
            none=sum(1 for v in values if v.deployment == "none"),
        ),
        t("report.annual.s-quyche", lang, yes=sum(1 for v in values if v.regulation), total=total),
        t("report.annual.s-assessed", lang, yes=sum(1 for v in values if v.assessed), total=total),
    ]
    counts = dict.fromkeys(("fail", "missing_evidence", "not_reviewed", "error"), 0)
    for action in report.actions:
        if action.category in counts and regime is not None and regime.regime in action.regimes:
            counts[action.category] += 1
    sentences_.append(
        t(
            "report.annual.s-actions",
            lang,
            fail=counts["fail"],
            missing=counts["missing_evidence"],
            review=counts["not_reviewed"],
            error=counts["error"],
        )
    )
    for line in sentences_:
        doc.add_paragraph(line, style="List Bullet")


def _annual_systems(
    doc: DocxDocument,
    report: ReportData,
    lang: Lang,
    statements: dict[str, SystemStatement],
    assessed_known: bool,
) -> None:
    """Part III: one row per system (level, decision, regulation, deployment, assessment)."""
    doc.add_heading(t("report.annual.part3", lang), level=1)
    rows = []
    for n, info in enumerate(report.systems.values(), start=1):
        approved = info.level_status == "approved"
        decision = (
            f"{info.decision}, {date_text(info.decision_date, lang)}"
            if approved and info.decision and info.decision_date
            else ""
        )
        said = statements[info.id]
        rows.append(
            (
                n,
                info.name.get(lang),
                info.owner.get(lang),
                info.operator.get(lang),
                info.level,
                t("report.annual.approved" if approved else "report.annual.drafting", lang),
                decision,
                t(
                    "report.annual.quyche-yes" if said.regulation else "report.annual.quyche-no",
                    lang,
                ),
                t(f"report.annual.deployed-{said.deployment}", lang) if assessed_known else "",
                t("report.annual.periodic" if said.assessed else "report.annual.not-assessed", lang)
                if assessed_known
                else "",
            )
        )
    _table(
        doc,
        [
            t("report.col.no", lang),
            t("report.col.system", lang),
            t("report.col.owner", lang),
            t("report.col.operator", lang),
            t("report.annual.level", lang),
            t("report.annual.status", lang),
            t("report.annual.decision", lang),
            t("report.annual.quyche", lang),
            t("report.annual.deployed", lang),
            t("report.annual.assessed", lang),
        ],
        rows,
    )


def _annual_criteria(doc: DocxDocument, lang: Lang, regime: RegimeReport) -> None:
    """Part IV: per requirement, how many systems meet it and how many do not."""
    if regime is not None:
        doc.add_heading(t("report.annual.part4", lang), level=1)
        met: dict[str, list[int]] = {}
        for system in regime.systems:
            for row in system.rows:
                if row.category == "not_applicable":
                    continue
                pair = met.setdefault(row.requirement_id, [0, 0])
                pair[0 if row.category in ("pass", "waived") else 1] += 1
        _table(
            doc,
            [
                t("report.annual.criterion", lang),
                t("report.annual.met", lang),
                t("report.annual.not-met", lang),
            ],
            [
                (f"{rid} {regime.requirements[rid].title.get(lang)}", ok, ko)
                for rid, (ok, ko) in met.items()
            ],
        )


def _annual_roadmap(doc: DocxDocument, report: ReportData, lang: Lang) -> None:
    """Part V: the roadmap, one row per open requirement and category."""
    doc.add_heading(t("report.annual.part5", lang), level=1)
    doc.add_paragraph(t("report.annual.roadmap-intro", lang))
    _table(
        doc,
        [
            t("report.col.requirement", lang),
            t("report.col.category", lang),
            t("report.col.systems", lang),
            t("report.col.deadline", lang),
            t("report.col.remediation", lang),
        ],
        [
            (
                f"{g.requirement_id} {g.title.get(lang)}",
                t(f"report.category.{g.category}", lang),
                len(g.systems),
                date_text(g.deadline, lang),
                g.remediation.get(lang),
            )
            for g in group_actions(report.actions)
        ],
    )


def write_annual(report: ReportData, lang: Lang, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path, binary=True) as out:
        build_annual(report, lang).save(out)
    return path
