"""XLSX, DOCX, JSON and JUnit outputs, re-opened with their own libraries and checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from defusedxml import ElementTree
from docx import Document
from openpyxl import load_workbook

from capdo.inventory.validate import load_estate
from capdo.reports.dossier import write_annual, write_dossier
from capdo.reports.json_report import write_json
from capdo.reports.junit import write_junit
from capdo.reports.xlsx import write_xlsx

from .conftest import FAILING_WEB, report_for


def test_xlsx_reopens_with_every_finding(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB),))
    path = write_xlsx(report, "vi", tmp_path / "r.xlsx")
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == [
        "Việc cần làm",
        "Văn bản minh chứng còn thiếu",
        "Tóm tắt",
        "Yêu cầu",
        "Kết quả",
        "Đối tượng",
        "Miễn trừ",
    ]
    findings = list(wb["Kết quả"].iter_rows(values_only=True))
    expected = sum(len(h.findings) for g in report.regimes for h in g.hosts) + sum(
        len(s.management) for g in report.regimes for s in g.systems
    )
    assert len(findings) - 1 == expected
    failed = [r for r in findings if r[1] == "lab-web01" and r[4] == "SRV.03"]
    assert failed
    assert all(r[6] == "Không đạt (kỹ thuật)" for r in failed)
    assert "minlen" in str(failed[0][9])
    actions = list(wb["Việc cần làm"].iter_rows(values_only=True))
    assert any(r[1] == "SRV.03" and r[3] == "Không đạt (kỹ thuật)" for r in actions)
    summary = list(wb["Tóm tắt"].iter_rows(values_only=True))
    assert summary[0][0] == "Chế độ"
    assert summary[1][0] in ("Chế độ hiện hành (NĐ 85/2016)", "Chế độ mới (NĐ 331/2026)")
    assert {r[1] for r in summary[1:]} == {"lab-dvc", "lab-hatang", "lab-hntt"}


def test_docx_dossier_and_annual_reopen(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB),))
    inventory = load_estate(bare_lab).inventory
    assert inventory is not None
    path = write_dossier(report, inventory, "lab-dvc", "vi", tmp_path / "d.docx")
    doc = Document(str(path))
    headings = [
        p.text
        for p in doc.paragraphs
        if p.style.name.startswith("Heading") or p.style.name == "Title"
    ]
    assert headings[0] == "HỒ SƠ ĐỀ XUẤT CẤP ĐỘ AN TOÀN HỆ THỐNG THÔNG TIN"
    assert any(h.startswith("I.4.3") for h in headings)
    assert any(h.startswith("III.") for h in headings)
    cells = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    flat = [c for row in cells for c in row]
    assert "lab-web01" in flat
    assert "198.18.0.34" in flat
    assert "198.18.0.32/27" in flat  # IP plan
    assert any("Nghị định 331/2026/NĐ-CP" in c for c in flat)  # level basis
    plan = [row for row in cells if len(row) == 6 and row[1] == "SRV.03"]
    assert plan
    assert plan[0][5].startswith("Không đạt")
    annual = Document(str(write_annual(report, "vi", tmp_path / "a.docx")))
    form = next(t for t in annual.tables if t.rows[0].cells[0].text == "STT")
    rows = [[c.text for c in row.cells] for row in form.rows]
    assert rows[0][5] == "Tình trạng phê duyệt hồ sơ"
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Cổng dịch vụ công (mô phỏng)"][5] == "Đã được phê duyệt"
    assert by_name["Hội nghị truyền hình (mô phỏng)"][5] == "Đang dự thảo"


def test_junit_one_case_per_requirement_and_target(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB),))
    root = ElementTree.parse(write_junit(report, "en", tmp_path / "j.xml")).getroot()
    cases = root.findall(".//testcase")
    expected = sum(len(h.findings) for g in report.regimes for h in g.hosts) + sum(
        len(s.management) for g in report.regimes for s in g.systems
    )
    assert len(cases) == expected == int(root.get("tests"))
    keys = [(c.get("classname"), c.get("name").split()[0]) for c in cases]
    assert len(set(keys)) == len(keys)
    web = [
        c
        for c in cases
        if c.get("classname") == "legacy.server.lab-web01" and c.get("name").startswith("SRV.03")
    ]
    assert web[0].find("failure") is not None
    assert "minlen" in web[0].find("failure").get("message")
    db = [
        c
        for c in cases
        if c.get("classname") == "legacy.server.lab-db01" and c.get("name").startswith("SRV.04")
    ]
    assert db[0].find("error") is not None
    ok = [
        c
        for c in cases
        if c.get("classname") == "legacy.server.lab-log01" and c.get("name").startswith("SRV.03")
    ]
    assert list(ok[0]) == []


def test_json_is_complete_and_language_neutral(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB),))
    data = json.loads(write_json(report, tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["format"] == "capdo-report"
    legacy = data["regimes"][0]
    dvc = next(s for s in legacy["systems"] if s["system"] == "lab-dvc")
    assert dvc["verdict"] == "does_not_meet"
    assert "SRV.03" in dvc["failing"]
    assert dvc["info"]["name"]["vi"] == "Cổng dịch vụ công (mô phỏng)"
    assert legacy["scoring"]["group_weights"]["server"] == 1.0
    assert any(f["target"] == "lab-web01" and f["status"] == "fail" for f in legacy["findings"])


def test_no_secret_in_any_format(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    import zipfile

    from capdo.compliance.results import Evidence
    from capdo.reports.run import Format, ReportRequest, make_reports

    secret = "hx5rVt7rPNoS4wqbXKX7m0"
    leaky = {
        ("SRV.03", "lab-web01"): (
            "fail",
            Evidence(actual=f"enable secret 5 $1$mERr${secret}", detail=f"password={secret}"),
        )
    }
    outcome = make_reports(
        ReportRequest(
            estate_dir=bare_lab,
            result_files=(records_file("leak", leaky),),
            out_dir=tmp_path / "out",
            formats=tuple(Format),
            store=tmp_path / "h.sqlite",
        )
    )
    assert set(outcome.files) == set(Format)
    for fmt, path in outcome.files.items():
        if fmt in (Format.xlsx, Format.docx):
            with zipfile.ZipFile(path) as archive:
                blob = b"".join(archive.read(name) for name in archive.namelist())
        elif fmt is Format.pdf:
            import shutil
            import subprocess

            if shutil.which("pdftotext") is None:
                continue  # poppler-utils missing: the PDF test says so

            blob = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, check=True
            ).stdout
        else:
            blob = path.read_bytes()
        assert secret.encode() not in blob, fmt
    for name in ("CAPDO_LAB_SSH_KEY", "CAPDO_LAB_DEVICE_PASSWORD"):  # credential references
        assert name.encode() not in outcome.files[Format.json].read_bytes()


def test_sarif_lists_what_is_not_met(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    from capdo.reports.sarif import write_sarif

    report = report_for(bare_lab, (records_file("bad", FAILING_WEB),))
    doc = json.loads(write_sarif(report, "en", tmp_path / "r.sarif").read_text(encoding="utf-8"))
    assert doc["version"] == "2.1.0"
    legacy = doc["runs"][0]
    found = {
        (r["ruleId"], r["locations"][0]["logicalLocations"][0]["name"]): r["level"]
        for r in legacy["results"]
    }
    assert found[("SRV.03", "lab-web01")] == "error"
    assert found[("SRV.04", "lab-db01")] == "warning"
    assert ("SRV.03", "lab-log01") not in found  # passes
    assert {r["id"] for r in legacy["tool"]["driver"]["rules"]} >= {"SRV.03", "SRV.04"}
