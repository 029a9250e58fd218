"""Reports for security officers, built from result records, the estate, the catalogues and
the registers (they never run checks).

One report data model (:mod:`capdo.reports.data`, built by :func:`build_report` from
:class:`ReportInputs`) and one small renderer per format: HTML (Jinja2, autoescaped,
self-contained), PDF (WeasyPrint, print variant), XLSX, JSON, JUnit XML, SARIF, DOCX (level
dossier draft and annual report table). :class:`HistoryStore` keeps every run in SQLite for
the diff and the trend. :func:`make_reports` does a whole run (``capdo report``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capdo.lazy import lazy_exports

if TYPE_CHECKING:
    from capdo.reports.build import build_report
    from capdo.reports.data import ReportData, RunDiff, RunSummary
    from capdo.reports.dossier import write_annual, write_dossier
    from capdo.reports.inputs import ReportInputError, ReportInputs, load_inputs
    from capdo.reports.national import ESTATE_SUMMARY, run_national, write_estate_summary
    from capdo.reports.pdf import PdfError
    from capdo.reports.run import (
        Format,
        ReportOutcome,
        ReportRequest,
        default_results,
        dossier_name,
        make_reports,
        parse_formats,
    )
    from capdo.reports.store import HistoryStore, StoreError
    from capdo.reports.templates import TemplatesNotFoundError
    from capdo.reports.text import number

_WHERE = {
    "build_report": "build",
    "ReportData": "data",
    "RunDiff": "data",
    "RunSummary": "data",
    "write_annual": "dossier",
    "write_dossier": "dossier",
    "ReportInputError": "inputs",
    "ReportInputs": "inputs",
    "load_inputs": "inputs",
    "ESTATE_SUMMARY": "national",
    "run_national": "national",
    "write_estate_summary": "national",
    "PdfError": "pdf",
    "Format": "run",
    "ReportOutcome": "run",
    "ReportRequest": "run",
    "default_results": "run",
    "dossier_name": "run",
    "make_reports": "run",
    "parse_formats": "run",
    "HistoryStore": "store",
    "StoreError": "store",
    "TemplatesNotFoundError": "templates",
    "number": "text",
}


__getattr__ = lazy_exports(__name__, _WHERE)


__all__ = [
    "ESTATE_SUMMARY",
    "Format",
    "HistoryStore",
    "PdfError",
    "ReportData",
    "ReportInputError",
    "ReportInputs",
    "ReportOutcome",
    "ReportRequest",
    "RunDiff",
    "RunSummary",
    "StoreError",
    "TemplatesNotFoundError",
    "build_report",
    "default_results",
    "dossier_name",
    "load_inputs",
    "make_reports",
    "number",
    "parse_formats",
    "run_national",
    "write_annual",
    "write_dossier",
    "write_estate_summary",
]
