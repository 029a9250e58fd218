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
    assert phrase.upper() in " ".join(text.split()).upper()
    if lang == "vi":
        assert "Cổng dịch vụ công (mô phỏng)" in text
        flat = " ".join(text.split())
        assert "Chưa đáp ứng" in flat
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
        assert "Kỳ báo cáo: từ 15/12/2025 đến 14/12/2026" in flat
        assert "NGƯỜI LẬP" in flat
        assert "THỦ TRƯỞNG ĐƠN VỊ" in flat
    assert "SRV.03" in text


@needs_poppler
def test_pdf_keeps_every_technical_failure_and_says_where_the_rest_is(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    """Every host result fails: the PDF lists every failing requirement of every system,
    names every failing host, and says where the per-system lists of the rest are."""
    from capdo.compliance.results import Evidence

    from .conftest import lab_records

    failing = {
        (r.requirement_id, r.target): (
            "fail",
            Evidence(expected={"password_min_length": 14}, actual={"password_min_length": 8}),
        )
        for r in lab_records(bare_lab, "all-bad")
    }
    report = report_for(bare_lab, (records_file("all-bad", failing),))
    pdf = write_pdf(report, "vi", tmp_path / "report.pdf")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    wanted = {
        (s.info.name.get("vi"), r.requirement_id)
        for g in report.regimes
        for s in g.systems
        for r in s.rows
        if r.category == "fail"
    }
    # 86 on the lab: only results of a checker registered to decide the requirement count
    # (the intake rejects the rest); OpenSCAP-decided and estate requirements are not failed
    # by this fixture. Still far more detail rows than fit a few PDF pages.
    assert len(wanted) > 80
    for _, rid in wanted:
        assert rid in flat, f"{rid} cut from the PDF"
    assert "Độ dài mật khẩu tối thiểu (ký tự): 14" in flat  # evidence in sentences
    assert "Ngoài ra:" in flat  # where the rest is
    assert "bản HTML" in flat
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) > 3
    for page in pages:
        assert _ink(page) > 0.005, f"{page.name} looks blank"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pages[len(pages) // 2], ARTEFACTS / "report-vi-pdf-failures-page.png")


@needs_poppler
def test_pdf_footer_names_each_result_file_with_its_sha256(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    import hashlib

    base = records_file("one")
    report = report_for(bare_lab, (base,))
    pdf = write_pdf(report, "vi", tmp_path / "report.pdf")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert f"Mã băm SHA-256 của tệp {base.name}:" in flat
    assert hashlib.sha256(base.read_bytes()).hexdigest() in flat.replace(" ", "")
