"""The per-system details of the HTML report, as one compact JSON document.

At province scale the details are most of a report (Phú Thọ: ~40,000 requirement rows over two
regimes). The page renders the first screen and embeds the details once, as data; a small
script renders a system's table when the officer opens it. Repeated texts (titles, evidence
sentences, targets) are stored once in a string table and referred to by index.
"""

from __future__ import annotations

import json

from capdo.compliance import STATUSES
from capdo.i18n import Lang, t
from capdo.reports.data import ReportData
from capdo.reports.evidence import checker_label, date_text, sentences
from capdo.reports.status import CATEGORIES, STYLES, finding_status, style
from capdo.reports.text import regime_label


class _Strings:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.items)
            self.items.append(text)
        return found


def detail_data(report: ReportData, lang: Lang) -> dict[str, object]:
    """{"s": strings, "req": {regime: {id: title}}, "sys": {system: {regime: rows}}}.

    A row is ``[id, category]`` when met or not applicable, else
    ``[id, category, [[target, category, expected, actual, checker, conflict], ...]]``.
    """
    strings = _Strings()
    requirements: dict[str, dict[str, int]] = {}
    systems: dict[str, dict[str, list[object]]] = {}
    for regime in report.regimes:
        requirements[regime.regime] = {
            rid: strings(info.title.get(lang)) for rid, info in regime.requirements.items()
        }
        for system in regime.systems:
            rows: list[object] = []
            for row in system.rows:
                conflicted = any(f.conflict for f in row.findings)
                closed = not STYLES.get(row.category, STYLES["error"]).open
                if closed and row.category != "waived" and not conflicted:
                    rows.append([row.requirement_id, row.category])
                    continue
                check = regime.requirements[row.requirement_id].check
                found = []
                for f in row.findings:
                    if f.status in ("pass", "not_applicable") and not f.conflict:
                        continue
                    ev = f.evidence
                    detail = ev.detail if ev else None
                    expected, actual = sentences(
                        ev.expected if ev else None,
                        ev.actual if ev else None,
                        detail,
                        f.checker,
                        lang,
                    )
                    others = report.checker_results.get((row.requirement_id, f.target), ())
                    conflict = f.conflict or any(c.conflict for c in others)
                    found.append(
                        [
                            strings(f.target),
                            finding_status(f.status, f.checker, detail, check),
                            strings(expected),
                            strings(actual),
                            strings(checker_label(f.checker, lang)),
                            [[strings(checker_label(c.checker, lang)), c.status] for c in others]
                            if conflict
                            else 0,
                        ]
                    )
                rows.append([row.requirement_id, row.category, found])
            systems.setdefault(system.info.id, {})[regime.regime] = rows
    actions: dict[str, list[object]] = {}
    for a in report.actions:
        actions.setdefault(a.system_id, []).append(
            [
                a.requirement_id,
                a.category,
                strings(t(f"report.severity.{a.severity}", lang)),
                strings(date_text(a.deadline, lang)),
                strings(t(a.deadline_reason, lang)),
                strings(
                    f"{t(f'report.role.{a.responsible_role}', lang)}: {a.responsible.get(lang)}"
                ),
                strings(a.remediation.get(lang)),
                strings("; ".join(a.sources)),
            ]
        )
    labels = {c: [style(c).label(lang), style(c).colour] for c in CATEGORIES}
    return {
        "s": strings.items,
        "req": requirements,
        "sys": systems,
        "act": actions,
        "cat": labels,
        "regime": {g.regime: regime_label(g.regime, lang) for g in report.regimes},
        "status": {s: t(f"report.status.{s}", lang) for s in STATUSES},
        "text": {k: t(f"report.detail.{k}", lang) for k in DETAIL_TEXTS},
    }


DETAIL_TEXTS = (
    "actions",
    "requirements",
    "requirement",
    "category",
    "severity",
    "deadline",
    "responsible",
    "remediation",
    "basis",
    "target",
    "expected",
    "actual",
    "checker",
    "conflict",
    "close",
    "open",
    "met",
)
"""Labels the script needs (report.detail.<name>)."""


def detail_json(report: ReportData, lang: Lang) -> str:
    """The details as JSON safe inside ``<script type="application/json">``."""
    text = json.dumps(detail_data(report, lang), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
