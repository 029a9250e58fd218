"""One report run: load inputs, build the data, record it in the history, write the formats.

The command line (``capdo report``) and the tests call :func:`make_reports`.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from capdo.i18n import Lang
from capdo.inventory import Inventory
from capdo.reports.data import ReportData
from capdo.reports.html import write_html
from capdo.reports.inputs import load_inputs
from capdo.reports.json_report import write_json
from capdo.reports.junit import write_junit
from capdo.reports.pdf import write_pdf
from capdo.reports.sarif import write_sarif
from capdo.reports.store import HistoryStore, StoreError, run_key_for
from capdo.reports.xlsx import write_xlsx


class Format(enum.StrEnum):
    html = "html"
    pdf = "pdf"
    xlsx = "xlsx"
    json = "json"
    junit = "junit"
    sarif = "sarif"
    docx = "docx"
    """The annual report table (the level dossier: ``capdo report dossier --system S``)."""


SUFFIX = {
    Format.html: ".html",
    Format.pdf: ".pdf",
    Format.xlsx: ".xlsx",
    Format.json: ".json",
    Format.junit: ".junit.xml",
    Format.sarif: ".sarif",
    Format.docx: ".docx",
}


def parse_formats(value: str) -> tuple[Format, ...]:
    """'html,pdf' or 'all' → formats (raises ValueError naming the bad one)."""
    names = [v.strip() for v in value.split(",") if v.strip()]
    if "all" in names:
        return tuple(Format)
    formats = []
    for name in names:
        formats.append(Format(name))  # ValueError for an unknown name
    return tuple(dict.fromkeys(formats))


@dataclass(frozen=True, slots=True)
class ReportRequest:
    estate_dir: Path
    result_files: tuple[Path, ...]
    out_dir: Path
    formats: tuple[Format, ...] = (Format.html,)
    lang: Lang = "vi"
    store: Path | None = None
    diff: str | None = None
    """A stored run key, or 'previous'."""
    today: date | None = None
    templates: Path | None = None
    now: datetime | None = None
    lenient: bool = False
    """Skip bad lines of result files (still reported) instead of stopping (exit code 2)."""


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    report: ReportData
    files: dict[Format, Path]
    inventory: Inventory | None = None


def output_name(report: ReportData, fmt: Format, lang: Lang) -> str:
    language = "" if fmt in (Format.json, Format.junit, Format.sarif) else f".{lang}"
    return f"capdo-report-{report.estate_id}{language}{SUFFIX[fmt]}"


def make_reports(request: ReportRequest) -> ReportOutcome:
    """Raises ReportInputError, StoreError, TemplatesNotFoundError, PdfError, OSError."""
    from capdo.reports.build import build_report  # noqa: PLC0415 - keeps CLI start-up light

    now = request.now or datetime.now(UTC)
    if request.today is not None:
        now = datetime.combine(request.today, now.timetz())
    today = now.date()
    inputs = load_inputs(
        request.estate_dir, request.result_files, request.lang, now, lenient=request.lenient
    )
    key = run_key_for(inputs.record_run_ids)
    report = build_report(inputs, today=today, generated_at=now, run_key=key)
    if request.store is not None:
        with HistoryStore(request.store) as store:
            store.save(report, inputs.record_run_ids, inputs.records)
            history = tuple(store.runs(report.estate_id))
            diff = None
            if request.diff is not None:
                previous = (
                    store.previous(key, report.estate_id)
                    if request.diff == "previous"
                    else request.diff
                )
                if previous is None:
                    raise StoreError("previous")
                diff = store.diff(previous, key)
        report = dataclasses.replace(report, history=history, diff=diff)
    request.out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[Format, Path] = {}
    for fmt in request.formats:
        path = request.out_dir / output_name(report, fmt, request.lang)
        if fmt is Format.html:
            write_html(report, request.lang, path, request.templates)
        elif fmt is Format.pdf:
            write_pdf(report, request.lang, path, request.templates)
        elif fmt is Format.xlsx:
            write_xlsx(report, request.lang, path)
        elif fmt is Format.json:
            write_json(report, path)
        elif fmt is Format.junit:
            write_junit(report, request.lang, path)
        elif fmt is Format.sarif:
            write_sarif(report, request.lang, path)
        else:
            from capdo.reports.dossier import write_annual  # noqa: PLC0415 - python-docx

            path = request.out_dir / f"bao-cao-hang-nam-{report.estate_id}.{request.lang}.docx"
            write_annual(report, request.lang, path)
        files[fmt] = path
    return ReportOutcome(report, files, inputs.inventory)


def dossier_name(system: str, lang: Lang) -> str:
    return f"ho-so-cap-do-{system}.{lang}.docx"


def default_results(base: Path) -> tuple[Path, ...]:
    """``out/results/*.jsonl`` under ``base``: where the checkers' examples write."""
    folder = base / "out" / "results"
    return tuple(sorted(folder.glob("*.jsonl"))) if folder.is_dir() else ()


__all__: Sequence[str] = [
    "Format",
    "ReportOutcome",
    "ReportRequest",
    "default_results",
    "dossier_name",
    "make_reports",
    "output_name",
    "parse_formats",
]
