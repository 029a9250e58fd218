"""DOCX drafts for officers to edit: the level dossier of one system, and the annual report.

The dossier (hồ sơ đề xuất cấp độ) follows Circular 12/2022 Art. 8 / Decree 331 Art. 22 and
the level-3 outline in use (I.1 owner … I.4.5 IP plan, II level proposal, III security plan
per requirement). capdo fills what the estate knows; what only people know is left as a
marked placeholder. The annual report table follows Mẫu 08 (Decree 331).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Pt, RGBColor

from capdo.i18n import Lang, t
from capdo.inventory.levels import minimum_level
from capdo.inventory.model import Inventory
from capdo.reports.data import FAILING, RegimeReport, ReportData, SystemInfo, SystemReport
from capdo.reports.text import clean, status_label
from capdo.safeio.write import atomic_open

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
            (t("report.dossier.type", lang), info.type),
            (t("report.dossier.scope-of", lang), info.scope),
            (t("report.dossier.information", lang), ", ".join(info.information)),
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


def build_annual(report: ReportData, lang: Lang) -> DocxDocument:
    doc = _doc(landscape=True)
    doc.add_heading(t("report.annual.title", lang), level=0)
    doc.add_paragraph(report.organisation.get(lang))
    regime = _primary(report)
    verdicts = {s.info.id: s for s in regime.systems} if regime else {}
    rows = []
    for n, info in enumerate(report.systems.values(), start=1):
        approved = info.level_status == "approved"
        decision = (
            f"{info.decision}, {info.decision_date.isoformat()}"
            if approved and info.decision and info.decision_date
            else ""
        )
        system = verdicts.get(info.id)
        if system is None or report.record_count == 0:
            deployed = ""
        elif system.verdict.meets:
            deployed = t("report.annual.deployed-full", lang)
        else:
            deployed = t("report.annual.deployed-part", lang)
        rows.append(
            (
                n,
                info.name.get(lang),
                info.owner.get(lang),
                info.operator.get(lang),
                info.level,
                t("report.annual.approved" if approved else "report.annual.drafting", lang),
                decision,
                "",
                "",
                deployed,
                "",
                t("report.annual.periodic", lang) if report.record_count else "",
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
            t("report.annual.expected", lang),
            t("report.annual.deployed", lang),
            t("report.annual.deploy-date", lang),
            t("report.annual.assessed", lang),
        ],
        rows,
    )
    total = len(report.systems)
    approved_n = sum(1 for s in report.systems.values() if s.level_status == "approved")
    doc.add_paragraph(t("report.annual.counts", lang, total=total, approved=approved_n))
    _todo(doc, lang, t("report.annual.todo", lang))
    return doc


def write_annual(report: ReportData, lang: Lang, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path, binary=True) as out:
        build_annual(report, lang).save(out)
    return path
