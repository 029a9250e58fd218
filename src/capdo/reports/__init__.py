"""Reports for security officers, built from result records, the estate, the catalogues and
the registers (they never run checks).

One report data model (:mod:`capdo.reports.data`, built by :func:`build_report` from
:class:`ReportInputs`) and one small renderer per format: HTML (Jinja2, autoescaped,
self-contained), PDF (WeasyPrint, print variant), XLSX, JSON, JUnit XML, SARIF, DOCX (level
dossier draft and annual report table). :class:`HistoryStore` keeps every run in SQLite for
the diff and the trend. :func:`make_reports` does a whole run (``capdo report``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from capdo.reports.build import build_report
    from capdo.reports.data import ReportData, RunDiff, RunSummary
    from capdo.reports.inputs import ReportInputError, ReportInputs, load_inputs
    from capdo.reports.run import Format, ReportOutcome, ReportRequest, make_reports
    from capdo.reports.store import HistoryStore, StoreError

_WHERE = {
    "build_report": "build",
    "ReportData": "data",
    "RunDiff": "data",
    "RunSummary": "data",
    "ReportInputError": "inputs",
    "ReportInputs": "inputs",
    "load_inputs": "inputs",
    "Format": "run",
    "ReportOutcome": "run",
    "ReportRequest": "run",
    "make_reports": "run",
    "HistoryStore": "store",
    "StoreError": "store",
}


def __getattr__(name: str) -> object:
    """Public names, imported on first use (``capdo --help`` stays fast)."""
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"capdo.reports.{_WHERE[name]}"), name)


__all__ = [
    "Format",
    "HistoryStore",
    "ReportData",
    "ReportInputError",
    "ReportInputs",
    "ReportOutcome",
    "ReportRequest",
    "RunDiff",
    "RunSummary",
    "StoreError",
    "build_report",
    "load_inputs",
    "make_reports",
]
