"""The PDF report: WeasyPrint renders the print variant of the HTML report.

Fonts come from the system (fontconfig): the stylesheet asks for Noto Sans, then DejaVu
Sans, both of which cover Vietnamese. Nothing is fetched: the HTML has no external URL and
the URL fetcher refuses every request.
"""

from __future__ import annotations

from pathlib import Path

from capdo.errors import CapdoError
from capdo.i18n import Lang
from capdo.reports.data import ReportData
from capdo.reports.html import render_html
from capdo.safeio import atomic_open


class PdfError(CapdoError):
    """WeasyPrint (or its system libraries) could not make the PDF."""

    handled_apart = True

    def __init__(self, detail: str) -> None:
        super().__init__("reports.error.pdf", detail=detail)
        self.args = (detail,)  # as before the key
        self.detail = detail


def _no_fetch(url: str, *_: object, **__: object) -> dict[str, object]:
    raise ValueError(f"external resource refused: {url}")


def write_pdf(report: ReportData, lang: Lang, path: Path, templates: Path | None = None) -> Path:
    try:
        from weasyprint import HTML  # noqa: PLC0415 - heavy import, only when a PDF is asked for
    except (ImportError, OSError) as exc:
        raise PdfError(str(exc)) from exc
    html = render_html(report, lang, templates, print_mode=True)
    try:
        with atomic_open(path, binary=True) as out:
            HTML(string=html, url_fetcher=_no_fetch).write_pdf(out)
    except (OSError, ValueError) as exc:
        raise PdfError(str(exc)) from exc
    return path
