"""SARIF 2.1.0 for code-scanning dashboards: one result per requirement × target not met.

``fail`` → level ``error``, ``error`` → ``warning``,
``missing_evidence``/``not_reviewed`` → ``note``; waived results
are listed with an external suppression naming the waiver. Targets are logical locations
(hosts and systems have no source file).
"""

from __future__ import annotations

import json
from pathlib import Path

from capdo.compliance import Finding
from capdo.i18n import Lang, t
from capdo.reports.data import ReportData
from capdo.reports.text import detail_text, value_text
from capdo.safeio import atomic_open

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {
    "fail": "error",
    "error": "warning",
    "missing_evidence": "note",
    "not_reviewed": "note",
}


def _message(f: Finding, lang: Lang) -> str:
    ev = f.evidence
    parts = [f"{f.target}: {t(f'report.status.{f.original_status}', lang)}"]
    if ev is not None:
        if ev.expected is not None or ev.actual is not None:
            parts.append(
                f"{t('report.col.expected', lang)} {value_text(ev.expected)}; "
                f"{t('report.col.actual', lang)} {value_text(ev.actual)}"
            )
        if ev.detail:
            parts.append(detail_text(ev.detail, lang))
    return " — ".join(parts)


def sarif_document(report: ReportData, lang: Lang) -> dict[str, object]:
    runs = []
    for regime in report.regimes:
        results: list[dict[str, object]] = []
        used: set[str] = set()
        findings = [f for h in regime.hosts for f in h.findings]
        findings += [r.findings[0] for s in regime.systems for r in s.management]
        for f in findings:
            status = f.original_status if f.status == "waived" else f.status
            if status not in LEVEL:
                continue
            used.add(f.requirement_id)
            result: dict[str, object] = {
                "ruleId": f.requirement_id,
                "level": LEVEL[status],
                "message": {"text": _message(f, lang)},
                "locations": [{"logicalLocations": [{"name": f.target, "kind": f.target_kind}]}],
                "properties": {"level": f.level, "status": f.status},
            }
            if f.status == "waived":
                result["suppressions"] = [{"kind": "external", "justification": f.waiver_id or ""}]
            results.append(result)
        rules = [
            {
                "id": rid,
                "shortDescription": {"text": regime.requirements[rid].title.get(lang)},
                "properties": {"group": regime.requirements[rid].group},
            }
            for rid in sorted(used)
            if rid in regime.requirements
        ]
        runs.append(
            {
                "tool": {
                    "driver": {
                        "name": "capdo",
                        "informationUri": "https://capdo.invalid/",
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"{report.estate_id}/{regime.regime}/{report.run_key}"},
                "results": results,
            }
        )
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": runs}


def write_sarif(report: ReportData, lang: Lang, path: Path) -> Path:
    with atomic_open(path) as out:
        json.dump(sarif_document(report, lang), out, ensure_ascii=False)
    return path
