"""The PDF report: pages rendered to PNG are not blank; the Vietnamese text comes back intact."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from capdo.reports.pdf import write_pdf

from .conftest import FAILING_WEB, REPO, report_for

ARTEFACTS = REPO / "tests" / "artefacts"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils is not installed (apt-get install poppler-utils)",
)


def _ink(png: Path) -> float:
    """Share of pixels that are not (near) white."""
    image = Image.open(png).convert("L")
    histogram = image.histogram()
    return 1.0 - sum(histogram[245:]) / (image.width * image.height)


@needs_poppler
@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("vi", "Báo cáo tuân thủ bảo đảm an toàn hệ thống thông tin theo cấp độ"),
        ("en", "Level-based information-system security compliance report"),
    ],
)
def test_pdf_pages_are_not_blank_and_text_is_intact(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path, lang: str, phrase: str
) -> None:
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB),))
    pdf = write_pdf(report, lang, tmp_path / "report.pdf")  # type: ignore[arg-type]
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    for page in pages:
        assert _ink(page) > 0.02, f"{page.name} looks blank"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pages[0], ARTEFACTS / f"report-{lang}-pdf-page1.png")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert phrase in " ".join(text.split())
    if lang == "vi":
        assert "Cổng dịch vụ công (mô phỏng)" in text
        assert "Chưa đáp ứng yêu cầu cấp độ 3" in " ".join(text.split())
    assert "SRV.03" in text
