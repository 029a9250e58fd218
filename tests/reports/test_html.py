"""The HTML report: self-contained, escaped, masked, both languages, and fine in Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import html as lxml_html
from PIL import Image

from capdo.compliance.results import Evidence
from capdo.reports.html import render_html

from .chromium import needs_chromium, open_page, screenshot
from .conftest import FAILING_WEB, REPO, WAIVERS_YML, report_for

ARTEFACTS = REPO / "tests" / "artefacts"
BANNER = "<script>alert('banner')</script>"


def _text(document: str) -> str:
    return lxml_html.fromstring(document).text_content()


def test_report_has_the_key_elements(records_file: Callable[..., Path], bare_lab: Path) -> None:
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB),))
    page = render_html(report, "vi")
    tree = lxml_html.fromstring(page)
    anchors = ("summary", "actions", "systems", "documents", "hosts", "waivers", "transition")
    for anchor in (*anchors, "history"):
        assert tree.get_element_by_id(anchor) is not None
    assert len(tree.find_class("kpi")) == 2  # one headline per regime
    assert tree.get_element_by_id("row-lab-dvc") is not None
    assert tree.get_element_by_id("host-legacy-lab-web01") is not None
    text = tree.text_content()
    assert "hệ thống đáp ứng cấp độ" in text
    assert "Trọng số" in text  # visible weights
    data = tree.get_element_by_id("capdo-data").text
    assert "pwquality minlen" in data  # the details, rendered on demand


def test_self_contained(records_file: Callable[..., Path], bare_lab: Path) -> None:
    page = render_html(report_for(bare_lab, (records_file(),)), "vi")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page
    assert "default-src 'none'" in page


def test_english_on_request(records_file: Callable[..., Path], bare_lab: Path) -> None:
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB),))
    english = _text(render_html(report, "en"))
    assert "systems meet their level" in english
    assert "Chưa đáp ứng" not in english
    assert "report." not in english  # no untranslated key leaks


def test_inventory_and_device_strings_are_escaped(
    records_file: Callable[..., Path], bare_lab: Path
) -> None:
    systems = bare_lab / "systems.yml"
    systems.write_text(
        systems.read_text(encoding="utf-8").replace(
            "Cổng dịch vụ công (mô phỏng)", f"Cổng {BANNER}", 1
        ),
        encoding="utf-8",
    )
    banner = {
        ("NET.01", "lab-core01"): ("fail", Evidence(expected="banner", actual=BANNER)),
        ("SRV.03", "lab-web01"): ("fail", Evidence(actual='<img src=x onerror="alert(1)">')),
    }
    page = render_html(report_for(bare_lab, (records_file("esc", banner, estate=bare_lab),)), "vi")
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert page.count("<script>") == 1  # the report's own script (the data is JSON)
    assert BANNER in _text(page)


def test_secrets_in_evidence_are_masked(records_file: Callable[..., Path], bare_lab: Path) -> None:
    leaky = {
        ("SRV.03", "lab-web01"): (
            "fail",
            Evidence(
                actual="enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0", detail="password=hunter2"
            ),
        )
    }
    page = render_html(report_for(bare_lab, (records_file("leak", leaky),)), "vi")
    assert "hx5rVt7rPNoS4wqbXKX7m0" not in page
    assert "hunter2" not in page
    assert "enable secret 5 ******" in _text(page)


@needs_chromium
def test_chromium_opens_it_without_console_errors(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    (bare_lab / "waivers.yml").write_text(WAIVERS_YML, encoding="utf-8")
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB, estate=bare_lab),))
    path = tmp_path / "report.html"
    path.write_text(render_html(report, "vi"), encoding="utf-8")
    page = open_page(path)
    assert page.console == []
    dom = lxml_html.fromstring(page.dom)
    assert dom.body.get("data-filters") == "ready"  # the script ran
    assert dom.get_element_by_id("summary") is not None
    assert "W-2026-001" in dom.text_content()
    png = ARTEFACTS / "report-vi.png"
    assert screenshot(path, png) == []
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:128])  # text, badges and the header band
    assert dark > 0.05 * image.width * image.height, "the screenshot looks blank"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_templates_use_only_known_message_keys(lang: str) -> None:
    from capdo.i18n import catalogue

    used: set[str] = set()
    for template in (REPO / "reports" / "templates").glob("*.j2"):
        used |= set(re.findall(r"_\('([a-z][\w.-]+)'", template.read_text(encoding="utf-8")))
    for module in (REPO / "src" / "capdo" / "reports").glob("*.py"):
        used |= set(
            re.findall(r'"(report\.[a-z][\w.-]+[a-z])"', module.read_text(encoding="utf-8"))
        )
    used = {k for k in used if not k.endswith((".", ".css", ".js", ".j2"))} | dynamic_keys()
    known = catalogue()
    missing = sorted(k for k in used if k not in known or not known[k].get(lang))
    assert missing == []


def dynamic_keys() -> set[str]:
    """Keys built from a prefix and a value: one per value the code can produce."""
    from typing import get_args

    from capdo.compliance.catalogue_loader import REGIMES
    from capdo.compliance.catalogue_model import CheckKind, Group
    from capdo.compliance.diff import ParamChangeKind
    from capdo.compliance.results import STATUSES
    from capdo.compliance.targets import TARGET_KINDS
    from capdo.compliance.waivers import WaiverState
    from capdo.inventory.model import InformationType, SystemScope, SystemType, ZoneKind

    families: dict[str, tuple[str, ...]] = {
        "report.status.": STATUSES,
        "report.kind.": TARGET_KINDS,
        "report.group.": tuple(g.value for g in Group),
        "report.regime.": REGIMES,
        "report.change.": get_args(ParamChangeKind),
        "report.waiver.": tuple(s.value for s in WaiverState),
        "report.waiver-state.": tuple(s.value for s in WaiverState),
        "report.level.": ("approved", "proposed"),
        "report.verdict.": ("meets", "does_not_meet"),
        "report.remediation.": (*(c.value for c in CheckKind), "error", "error-system"),
        "report.diff.kind.": ("new", "fixed", "still"),
        "report.systype.": get_args(SystemType),
        "report.scope.": get_args(SystemScope),
        "report.info.": get_args(InformationType),
        "report.zone.": get_args(ZoneKind),
    }
    return {prefix + value for prefix, values in families.items() for value in values}
