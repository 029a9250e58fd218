"""Every generated report, in every format and both languages, is scanned for untranslated
message keys, and the Vietnamese output for English words beyond an allow list.

Strings the estate's authors or the devices wrote (inventory and register texts, checker
output quoted as evidence) are shown as written: their words are allowed, ours are not.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from docx import Document
from lxml import etree
from lxml import html as lxml_html
from ruamel.yaml import YAML

from capdo.inventory.validate import load_estate
from capdo.reports.data import ReportData
from capdo.reports.dossier import write_annual, write_dossier
from capdo.reports.html import render_html
from capdo.reports.pdf import write_pdf
from capdo.reports.xlsx import write_xlsx

from .conftest import FAILING_WEB, REPO, WAIVERS_YML, report_for

PHUTHO = REPO / "inventories" / "phutho"
KEY = re.compile(
    r"\b(?:report|estate|compliance|inventory|checks|scap|network|endpoints|secrets|run)"
    r"\.[a-z0-9_-]+(?:\.[a-z0-9_-]+)*"
)
ENGLISH = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "is",
        "are",
        "not",
        "no",
        "none",
        "missing",
        "document",
        "documents",
        "check",
        "checks",
        "checked",
        "failed",
        "fail",
        "failure",
        "pass",
        "passed",
        "error",
        "errors",
        "manual",
        "expected",
        "actual",
        "requirement",
        "requirements",
        "system",
        "systems",
        "waiver",
        "waived",
        "waivers",
        "level",
        "score",
        "report",
        "result",
        "results",
        "server",
        "servers",
        "device",
        "devices",
        "approved",
        "proposed",
        "evidence",
        "note",
        "status",
        "applicable",
        "review",
        "reviewed",
        "since",
        "with",
        "for",
        "from",
        "true",
        "false",
        "null",
        "owner",
        "operator",
        "deadline",
        "due",
        "action",
        "actions",
        "unknown",
        "found",
        "required",
        "should",
        "must",
        "meets",
        "meet",
        "zone",
        "zones",
        "missing_by_system",
        "valid",
        "until",
        "dated",
        "policy",
        "months",
        "days",
        "hours",
        "minutes",
        "seconds",
        "characters",
        "attempts",
        "copies",
        "passwords",
        "classes",
    ]
)
ALLOWED = frozenset(
    [
        "capdo",
        "openscap",
        "scap",
        "ssh",
        "https",
        "http",
        "vlan",
        "vpn",
        "ip",
        "ipv",
        "siem",
        "waf",
        "dmz",
        "ntp",
        "snmp",
        "mfa",
        "edr",
        "dlp",
        "pam",
        "nac",
        "lgsp",
        "tcvn",
        "xlsx",
        "html",
        "pdf",
        "json",
        "docx",
        "ansible",
        "playbook",
        "site",
        "yml",
        "jsonl",
        "dossier",
    ]
)
"""Product, protocol and file names that Vietnamese text uses as they are."""


def _html_texts(page: str) -> list[str]:
    tree = lxml_html.fromstring(page)
    data = tree.get_element_by_id("capdo-data")
    payload = json.loads(data.text)
    data.drop_tree()
    for element in [*tree.iter("script"), *tree.iter("style")]:
        element.text = ""
    strings = [tree.text_content(), *payload["s"], *payload["text"].values()]
    strings += [label for label, _ in payload["cat"].values()]
    return strings


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _xlsx_texts(path: Path) -> list[str]:
    """Every non-empty cell of every worksheet, as text. The worksheet XML is read with lxml:
    openpyxl took 90 s for the reference estate's 1.3 million cells, and the workbook's
    reopening by openpyxl is tested in test_files.py."""
    texts: list[str] = []
    with zipfile.ZipFile(path) as book:
        names = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        assert names, f"{path.name}: no worksheet"
        for name in names:
            with book.open(name) as part:
                for _, cell in etree.iterparse(part, tag=f"{_SHEET_NS}c"):
                    text = "".join(cell.itertext())
                    kind = cell.get("t")
                    if kind == "b":
                        text = str(text == "1")
                    elif kind is None and text and float(text) == 0:
                        text = ""  # a zero, which openpyxl's reading left out too
                    if text:
                        texts.append(text)
                    cell.clear()
    return texts


def _docx_texts(path: Path) -> list[str]:
    doc = Document(str(path))
    out = [p.text for p in doc.paragraphs]
    out += [c.text for table in doc.tables for row in table.rows for c in row.cells]
    return out


def _pdf_text(path: Path) -> list[str]:
    done = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return [done.stdout]


def _authored_words(estate: Path, report: ReportData) -> set[str]:
    """Words the estate's files, the catalogue's citations and the checkers' evidence bring in
    (shown as written)."""
    words: set[str] = set()
    catalogue = REPO / "checks" / "catalogue"
    for path in [*estate.rglob("*.yml"), catalogue / "legacy.yml", catalogue / "new.yml"]:
        words |= _words(" ".join(_strings(YAML(typ="safe").load(path.read_text(encoding="utf-8")))))
    for regime in report.regimes:
        for host in regime.hosts:
            for f in host.findings:
                if f.evidence:
                    words |= _words(json.dumps([f.evidence.actual, f.evidence.detail]))
                words |= _words(f.target)
    return words


def _strings(node: object) -> Iterable[str]:
    """The string values of a YAML document (its comments are not shown in any report)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


_ASCII_WORD = re.compile(r"(?<!\w)[A-Za-z_]+(?!\w)")
"""A word (a run of word characters) made of plain ASCII letters only."""


def _words(text: str) -> set[str]:
    """Words of plain ASCII letters ('toàn' is not 'to')."""
    return {w.lower() for w in _ASCII_WORD.findall(text)}


def _check(texts: Iterable[str], lang: str, authored: set[str], where: str) -> None:
    joined = "\n".join(texts)
    keys = sorted(set(KEY.findall(joined)))
    keys = [k for k in keys if not k.endswith((".yml", ".yaml", ".jsonl", ".json", ".html"))]
    assert not keys, f"{where}: untranslated message keys {keys[:10]}"
    if lang == "vi":
        english = sorted((_words(joined) & ENGLISH) - ALLOWED - authored)
        assert not english, f"{where}: English words in Vietnamese output: {english}"


def _formats(
    report: ReportData, estate: Path, lang: str, folder: Path, pdf: bool
) -> dict[str, list[str]]:
    loaded = load_estate(estate)
    assert loaded.inventory is not None
    out = {"html": _html_texts(render_html(report, lang))}  # type: ignore[arg-type]
    out["xlsx"] = _xlsx_texts(write_xlsx(report, lang, folder / f"r.{lang}.xlsx"))  # type: ignore[arg-type]
    out["annual"] = _docx_texts(write_annual(report, lang, folder / f"a.{lang}.docx"))  # type: ignore[arg-type]
    system = next(iter(report.systems))
    out["dossier"] = _docx_texts(
        write_dossier(report, loaded.inventory, system, lang, folder / f"d.{lang}.docx")  # type: ignore[arg-type]
    )
    if pdf:
        out["pdf"] = _pdf_text(write_pdf(report, lang, folder / f"r.{lang}.pdf"))  # type: ignore[arg-type]
    return out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_lab_reports_in_every_format(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path, lang: str
) -> None:
    (bare_lab / "waivers.yml").write_text(WAIVERS_YML, encoding="utf-8")
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB, estate=bare_lab),))
    authored = _authored_words(bare_lab, report)
    for fmt, texts in _formats(report, bare_lab, lang, tmp_path, pdf=True).items():
        _check(texts, lang, authored, f"lab {fmt} {lang}")


def test_phutho_reports_have_no_message_keys_or_stray_english(tmp_path: Path) -> None:
    """The reference estate with no result file: estate checks and registers only (the keys
    'estate.arc01.missing-zones' and friends used to leak here by the hundred)."""
    empty = tmp_path / "none.jsonl"
    empty.write_text("", encoding="utf-8")
    report = report_for(PHUTHO, (empty,))
    authored = _authored_words(PHUTHO, report)
    for fmt, texts in _formats(report, PHUTHO, "vi", tmp_path, pdf=False).items():
        _check(texts, "vi", authored, f"phutho {fmt} vi")


def test_the_scan_catches_a_leaked_key_and_english() -> None:
    with pytest.raises(AssertionError, match="untranslated"):
        _check(["Hiện trạng: estate.arc01.missing-zones"], "vi", set(), "probe")
    with pytest.raises(AssertionError, match="English"):
        _check(["Hiện trạng: document missing"], "vi", set(), "probe")
    _check(["Hiện trạng: thiếu văn bản; OpenSCAP; playbooks/site.yml"], "vi", set(), "probe")
