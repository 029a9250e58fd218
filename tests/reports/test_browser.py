"""The HTML report in a real headless Chromium, as the officer opens it from file://.

Screenshots at 1024 and 1400 px of the lab and the Phú Thọ reports are kept under
tests/artefacts/ for a person to look at. The first screen shows the headline and the action
list; the search filter and a system's details work (driven by the report's own deep links,
``#q=`` and ``#open=``); Phú Thọ's time to interactive is measured and logged, not asserted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from lxml import html as lxml_html
from PIL import Image

from capdo.reports.html import render_html

from .chromium import _run, console_lines, needs_chromium, screenshot
from .conftest import FAILING_WEB, REPO, WAIVERS_YML, report_for

ARTEFACTS = REPO / "tests" / "artefacts"
PHUTHO = REPO / "inventories" / "phutho"
MAX_BYTES = 5 * 1024 * 1024


def _dom(
    path: Path, fragment: str = "", width: int = 1400, height: int = 1400
) -> tuple[lxml_html.HtmlElement, list[str], float]:
    started = time.perf_counter()
    dom, log = _run(
        path.resolve().as_uri() + fragment,
        "--dump-dom",
        "--virtual-time-budget=3000",
        f"--window-size={width},{height}",
    )
    return lxml_html.fromstring(dom), console_lines(log), time.perf_counter() - started


def _not_blank(png: Path) -> None:
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:160])
    assert dark > 0.03 * image.width * image.height, f"{png.name} looks blank"


def _shots(path: Path, name: str) -> None:
    for width in (1024, 1400):
        png = ARTEFACTS / f"{name}-{width}.png"
        assert screenshot(path, png, width=width, height=1400) == []
        _not_blank(png)


@needs_chromium
def test_lab_report_first_screen_filter_and_details(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    (bare_lab / "waivers.yml").write_text(WAIVERS_YML, encoding="utf-8")
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB, estate=bare_lab),))
    path = tmp_path / "lab.html"
    path.write_text(render_html(report, "vi"), encoding="utf-8")
    _shots(path, "lab-vi")
    page, console, _ = _dom(path, width=1024)
    assert console == []
    assert page.body.get("data-filters") == "ready"
    above = (page.body.get("data-above-fold") or "").split()
    assert "summary" in above  # the headline…
    assert "actions" in above  # …and the action list are on the first screen at 1024 px
    assert "hệ thống đáp ứng cấp độ" in page.get_element_by_id("summary").text_content()
    # search: only matching rows stay visible
    page, console, _ = _dom(path, "#q=SRV.04")  # SRV.03 is waived here: no action
    assert console == []
    rows = page.xpath("//table[contains(@class,'filterable')]//tr[contains(@class,'item')]")
    shown = [r for r in rows if "hidden" not in (r.get("class") or "")]
    assert shown
    assert len(shown) < len(rows)
    assert all("SRV.04" in r.text_content() for r in shown)
    # details: opening a system renders its requirements with evidence in sentences
    page, console, _ = _dom(path, "#open=lab-dvc")
    assert console == []
    detail = page.xpath("//tr[contains(@class,'detail-row')]")
    assert len(detail) == 1
    text = detail[0].text_content()
    assert "Việc cần làm" in text
    assert "SRV.03" in text
    assert "lab-web01" in text
    assert "Chưa có kết quả kiểm tra tự động" in text or "Thiếu minh chứng" in text
    assert "{" not in text  # no raw JSON evidence
    png = ARTEFACTS / "lab-vi-details-1400.png"
    assert screenshot(path, png, width=1400, height=3600, fragment="#open=lab-dvc") == []
    _not_blank(png)


@needs_chromium
def test_phutho_report_is_small_interactive_and_readable(tmp_path: Path) -> None:
    empty = tmp_path / "none.jsonl"
    empty.write_text("", encoding="utf-8")
    report = report_for(PHUTHO, (empty,))
    path = tmp_path / "phutho.html"
    path.write_text(render_html(report, "vi"), encoding="utf-8")
    size = path.stat().st_size
    assert size <= MAX_BYTES, f"{size:,} bytes"
    _shots(path, "phutho-vi")
    page, console, wall = _dom(path, width=1024)
    assert console == []
    ready_ms = int(page.body.get("data-ready-ms") or -1)
    assert ready_ms >= 0  # the script ran to the end
    line = (
        f"phutho html {size:,} bytes; ready {ready_ms} ms after navigation; "
        f"chromium wall {wall:.1f} s"
    )
    print(line)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "phutho-time-to-interactive.txt").write_text(line + "\n", encoding="utf-8")
    above = (page.body.get("data-above-fold") or "").split()
    assert {"summary", "actions"} <= set(above)
    first = next(iter(report.systems))
    page, console, _ = _dom(path, f"#open={first}")
    assert console == []
    assert len(page.xpath("//tr[contains(@class,'detail-row')]")) == 1
    page, console, _ = _dom(path, "#q=GOV.03")
    shown = [
        r
        for r in page.xpath("//table[contains(@class,'actions')]//tr[contains(@class,'item')]")
        if "hidden" not in (r.get("class") or "")
    ]
    assert shown
    assert all("GOV.03" in r.text_content() for r in shown)
