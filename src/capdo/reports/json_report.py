"""The JSON report: the report data for machines (language-neutral, stable keys)."""

from __future__ import annotations

import json
from pathlib import Path

from capdo.compliance import Finding
from capdo.i18n import catalogue
from capdo.reports.data import HostReport, RegimeReport, ReportData, SystemReport
from capdo.reports.text import value_text
from capdo.safeio import atomic_open

FORMAT_VERSION = 1


def _detail(detail: str | None) -> str | None:
    """A message key as it is (machines translate it), free text masked."""
    if not detail:
        return None
    return detail if detail in catalogue() else value_text(detail)


def _finding(f: Finding) -> dict[str, object]:
    ev = f.evidence
    return {
        "requirement_id": f.requirement_id,
        "target": f.target,
        "target_kind": f.target_kind,
        "level": f.level,
        "status": f.status,
        "original_status": f.original_status,
        "expected": value_text(ev.expected) if ev else "",
        "actual": value_text(ev.actual) if ev else "",
        "detail": _detail(ev.detail) if ev else None,
        "checker": f.checker,
        "waiver_id": f.waiver_id,
        "expired_waiver_id": f.expired_waiver_id,
    }


def _system(s: SystemReport) -> dict[str, object]:
    return {
        **s.verdict.to_dict(),
        "info": s.info.to_dict(),
        "failing": [r.requirement_id for r in s.failing],
        "technical_score": s.score(False),
        "documentary_score": s.score(True),
        "requirements": [
            {
                "requirement_id": r.requirement_id,
                "status": r.status,
                "category": r.category,
                "weight": r.weight,
                "credit": r.credit,
                "targets": r.counts,
                "waivers": list(r.waivers),
                "parameters": dict(r.parameters),
            }
            for r in s.rows
        ],
    }


def _host(h: HostReport) -> dict[str, object]:
    return {**h.info.to_dict(), "level": h.level, "counts": h.counts}


def _regime(g: RegimeReport) -> dict[str, object]:
    return {
        "regime": g.regime,
        "catalogue": g.catalogue_id,
        "version": g.version,
        "scoring": g.scoring,
        "systems": [_system(s) for s in g.systems],
        "hosts": [_host(h) for h in g.hosts],
        "waivers": [w.to_dict() for w in g.waivers],
        "findings": [
            *(_finding(f) for h in g.hosts for f in h.findings),
            *(_finding(r.findings[0]) for s in g.systems for r in s.management),
        ],
        "unknown_members": list(g.unknown_members),
        "unassigned_targets": list(g.unassigned_targets),
    }


def report_dict(report: ReportData) -> dict[str, object]:
    return {
        "format": "capdo-report",
        "format_version": FORMAT_VERSION,
        "estate": report.estate_id,
        "organisation": report.organisation.to_dict(),
        "date": report.today.isoformat(),
        "generated_at": report.generated_at.isoformat(),
        "run": report.run_key,
        "regimes_in_force": list(report.regimes_in_force),
        "record_count": report.record_count,
        "inputs": list(report.inputs),
        "regimes": [_regime(g) for g in report.regimes],
        "transition": [
            {**gap.diff.to_dict(), "systems": list(gap.systems), "failing_new": gap.failing_new}
            for gap in report.gaps
        ],
        "history": [
            {
                "run": h.run_key,
                "created_at": h.created_at.isoformat(),
                "counts": h.counts,
                "scores": h.scores,
            }
            for h in report.history
        ],
        "diff": report.diff.to_dict() if report.diff else None,
        "notes": list(report.notes),
        "actions": [a.to_dict() for a in report.actions],
    }


def write_json(report: ReportData, path: Path) -> Path:
    with atomic_open(path) as out:
        json.dump(report_dict(report), out, ensure_ascii=False, separators=(",", ":"))
    return path
