"""The self-contained HTML report (and the print variant that the PDF is made from).

One Jinja2 template, autoescaped, with styles inlined and charts as inline SVG: the file
opens offline and loads nothing. ``print_mode`` drops the script and filters and caps
the detail rows (the PDF points to the HTML and XLSX for the rest).
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from capdo.compliance.catalogue_model import Group
from capdo.compliance.evaluate import Finding
from capdo.compliance.results import STATUSES
from capdo.compliance.targets import TARGET_KINDS
from capdo.i18n import Lang, t
from capdo.reports import svg
from capdo.reports.data import FAILING, HostReport, RegimeReport, ReportData, SystemReport
from capdo.reports.hints import remediation
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
from capdo.safeio.write import write_atomic

OPEN_SYSTEMS = 12
"""Up to this many system sections (over all regimes) are shown open; more start folded."""
PRINT_MAX_ROWS = 300
"""Failing-requirement rows in the PDF; the rest is in the HTML and XLSX reports."""
PRINT_MAX_HOSTS = 150
"""Host rows in the PDF: the hosts with the most results not met come first."""


def worst_hosts(regime: RegimeReport, limit: int) -> list[HostReport]:
    def bad(host: HostReport) -> int:
        return sum(host.counts.get(s, 0) for s in FAILING)

    ranked = sorted(regime.hosts, key=lambda h: (-bad(h), h.info.id))
    return ranked[:limit]


def _context(report: ReportData, lang: Lang, folder: Path, print_mode: bool) -> dict[str, object]:
    def tr(key: str, **params: object) -> str:
        return t(key, lang, **params)

    status_labels: dict[str, str] = {s: status_label(s, lang) for s in STATUSES}
    kind_labels: dict[str, str] = {k: kind_label(k, lang) for k in TARGET_KINDS}
    group_labels = {g.value: group_label(g.value, lang) for g in Group}

    def status(value: str) -> str:
        return status_labels.get(value) or status_label(value, lang)

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

    def status_svg(counts: dict[str, int], width: int = 240) -> Markup:
        return Markup(svg.status_bar(counts, status, width))

    def score_svg(score: float | None) -> Markup:
        return Markup(svg.score_bar(score))

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
    return {
        "r": report,
        "lang": lang,
        "print_mode": print_mode,
        "open_systems": sum(len(g.systems) for g in report.regimes) <= OPEN_SYSTEMS,
        "max_rows": PRINT_MAX_ROWS,
        "max_hosts": PRINT_MAX_HOSTS,
        "worst_hosts": worst_hosts,
        "system_of": system_of,
        "style": Markup(style),
        "script": Markup(read_style(folder, "report.js")),
        "trend_svg": Markup(trend),
        "_": tr,
        "status": status,
        "kind": kind_labels.__getitem__,
        "group": group_labels.__getitem__,
        "regime_name": lambda g: regime_label(g, lang),
        "num": lambda v: number(v, lang),
        "val": value_text,
        "detail": lambda d: detail_text(d, lang),
        "waiver_text": waiver_text,
        "hint": hint,
        "status_svg": status_svg,
        "score_svg": score_svg,
        "failing": FAILING,
    }


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
