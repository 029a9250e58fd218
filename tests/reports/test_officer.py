"""What the officer acts on: the action list, missing documents, categories, conflicts, and the
official documents (annual report, dossier) whose statements must match the evaluation."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from docx import Document
from lxml import html as lxml_html

from capdo.compliance.results import Evidence, ResultRecord, write_results_jsonl
from capdo.i18n import t
from capdo.inventory.validate import load_estate
from capdo.reports.actions import documents_needed, group_actions
from capdo.reports.build import province_place
from capdo.reports.dossier import statement, write_annual, write_dossier
from capdo.reports.evidence import checker_label
from capdo.reports.html import render_html

from .conftest import FAILING_WEB, FIXTURE_CHECKER, MOMENT, REPO, report_for


def test_actions_carry_category_severity_basis_unit_deadline_and_remedy(
    records_file: Callable[..., Path], bare_lab: Path
) -> None:
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB),))
    by_key = {(a.system_id, a.requirement_id): a for a in report.actions}
    srv03 = next(a for (s, rid), a in by_key.items() if rid == "SRV.03")
    assert srv03.category == "fail"
    assert srv03.severity == "high"
    assert "lab-web01" in srv03.targets
    assert srv03.sources  # the catalogue's legal basis
    assert srv03.responsible_role == "operator"
    assert srv03.responsible == report.systems[srv03.system_id].operator
    assert "mật khẩu" in srv03.remediation.vi
    assert srv03.remediation.en
    missing = [a for a in report.actions if a.category == "missing_evidence"]
    assert missing
    for action in missing:
        assert action.responsible_role == "owner"
        assert action.responsible == report.systems[action.system_id].owner
        assert action.deadline is not None
    # a result nobody produced is "no automatic result", never a check error
    unreviewed = [a for a in report.actions if a.category == "not_reviewed"]
    assert unreviewed
    assert all(a.deadline_reason == "report.deadline.annual" for a in unreviewed)
    assert all(a.deadline == date(2026, 12, 20) for a in unreviewed)
    errors = {a.requirement_id for a in report.actions if a.category == "error"}
    assert "SRV.04" in errors  # the lab-db01 result: a checker ran and could not decide
    # a requirement met (or not applicable) under every regime is never an action
    quiet: dict[tuple[str, str], bool] = {}
    for regime in report.regimes:
        for system in regime.systems:
            for row in system.rows:
                key = (system.info.id, row.requirement_id)
                ok = row.category in ("pass", "not_applicable")
                quiet[key] = quiet.get(key, True) and ok
    assert any(quiet.values())
    assert all(key not in by_key for key, ok in quiet.items() if ok)
    assert all(key in by_key for key, ok in quiet.items() if not ok and key[1] != "SRV.03")


def test_missing_documents_are_grouped_by_document(
    records_file: Callable[..., Path], bare_lab: Path
) -> None:
    report = report_for(bare_lab, (records_file(),))
    docs = documents_needed(report.actions)
    ids = [d.requirement_id for d in docs]
    assert len(ids) == len(set(ids))  # one row per document
    per_system = [a for a in report.actions if a.category == "missing_evidence"]
    assert sum(len(d.systems) for d in docs) == len(per_system)
    gov03 = next(d for d in docs if d.requirement_id == "GOV.03")
    assert set(gov03.systems) == set(report.systems)
    # the estate-wide list never repeats a requirement within a category
    groups = group_actions(report.actions)
    assert len({(g.requirement_id, g.category) for g in groups}) == len(groups)


def test_checkers_that_disagree_are_both_shown_and_marked(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    base = records_file("one")
    second = tmp_path / "scap.jsonl"
    write_results_jsonl(
        second,
        [
            ResultRecord(
                requirement_id="SRV.03",
                target="lab-web01",
                target_kind="server",
                status="fail",
                evidence=Evidence(expected={"password_min_length": 14}, actual={"minlen": 8}),
                checker="capdo.scap:xccdf_org.ssgproject.content_rule_accounts_password_minlen",
                time=MOMENT,
                run_id="scap-1",
            )
        ],
    )
    report = report_for(bare_lab, (base, second))
    both = report.checker_results[("SRV.03", "lab-web01")]
    scap = "capdo.scap:xccdf_org.ssgproject.content_rule_accounts_password_minlen"
    assert {c.checker for c in both} == {FIXTURE_CHECKER["server"], scap}
    assert all(c.conflict for c in both), "the evaluation marked the finding as a conflict"
    data = json.loads(
        lxml_html.fromstring(render_html(report, "vi")).get_element_by_id("capdo-data").text
    )
    strings = data["s"]
    rows = [r for r in data["sys"]["lab-dvc"]["legacy"] if r[0] == "SRV.03"]
    marked = [f for f in rows[0][2] if f[5]]
    assert marked, "the conflict is marked"
    assert {strings[c[0]] for c in marked[0][5]} == {
        checker_label(FIXTURE_CHECKER["server"], "vi"),
        checker_label(scap, "vi"),
    }


def _cells(doc: Document) -> list[list[str]]:  # type: ignore[valid-type]
    return [[c.text for c in row.cells] for table in doc.tables for row in table.rows]  # type: ignore[attr-defined]


def test_annual_report_statements_match_the_evaluation(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    (bare_lab / "evidence.yml").write_text(
        "evidence:\n"
        "  - {requirement_id: AUD.01, system: lab-dvc, document_ref: 'Biên bản 01/BB',"
        " dated: 2026-05-01}\n",
        encoding="utf-8",
    )
    report = report_for(bare_lab, (records_file("bad", FAILING_WEB, estate=bare_lab),))
    doc = Document(str(write_annual(report, "vi", tmp_path / "annual.docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = _cells(doc)
    flat = "\n".join(c for row in cells for c in row)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    assert "Số: ……/BC-……" in flat
    assert "Mô phỏng, ngày 21 tháng 11 năm 2026" in flat  # the province site's name
    assert "Kỳ báo cáo: từ 15/12/2025 đến 14/12/2026" in text
    assert "Kính gửi:" in text
    assert "Bộ Công an" in text  # Decree 331 is in force in the lab estate
    assert "THỦ TRƯỞNG CƠ QUAN" in flat
    assert "Nơi nhận:" in flat
    new = next(g for g in report.regimes if g.regime == "new")
    form = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT")
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in form.rows[1:]}
    assessed = 0
    for system in new.systems:
        said = statement(system)
        row = rows[system.info.name.get("vi")]
        aud = next(r for r in system.rows if r.requirement_id == "AUD.01")
        # "assessed periodically" only where the periodic-assessment requirement is met
        assert (row[9] == "Định kỳ") is (aud.category == "pass")
        assessed += aud.category == "pass"
        expected = {
            "full": "Đã triển khai đầy đủ",
            "part": "Đã triển khai một số hạng mục",
            "none": "Chưa triển khai",
        }[said.deployment]
        assert row[8] == expected
        assert (said.deployment == "full") is system.verdict.meets
    assert assessed >= 1  # lab-dvc has its assessment on record
    total = len(report.systems)
    assert f"đã được kiểm tra, đánh giá định kỳ theo quy định: {assessed}/{total}" in text
    meets = sum(1 for s in new.systems if s.verdict.meets)
    assert f"Số hệ thống đáp ứng đầy đủ yêu cầu của cấp độ: {meets}/{total}" in text
    assert "new" not in flat.split()  # regime codes are translated
    english = Document(str(write_annual(report, "en", tmp_path / "annual.en.docx")))
    assert "SOCIALIST REPUBLIC OF VIETNAM" in "\n".join(c for r in _cells(english) for c in r)


def test_dossier_translates_internal_codes(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    report = report_for(bare_lab, (records_file(),))
    loaded = load_estate(bare_lab)
    assert loaded.inventory is not None
    doc = Document(
        str(write_dossier(report, loaded.inventory, "lab-dvc", "vi", tmp_path / "d.docx"))
    )
    flat = [c for row in _cells(doc) for c in row]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in "\n".join(flat)
    info = report.systems["lab-dvc"]
    assert info.type not in flat  # e.g. citizen-service
    assert info.scope not in flat  # e.g. province
    assert "Hệ thống phục vụ người dân, doanh nghiệp" in flat or "Hệ thống nội bộ" in flat


def test_json_carries_categories_scores_and_actions(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    from capdo.reports.json_report import write_json

    report = report_for(bare_lab, (records_file("bad", FAILING_WEB),))
    data = json.loads(write_json(report, tmp_path / "r.json").read_text(encoding="utf-8"))
    actions = data["actions"]
    assert len(actions) == len(report.actions)
    srv03 = [a for a in actions if a["requirement"] == "SRV.03"]
    assert srv03[0]["category"] == "fail"
    assert srv03[0]["responsible_role"] == "operator"
    system = data["regimes"][0]["systems"][0]
    assert "technical_score" in system
    assert "documentary_score" in system
    categories = {r["category"] for r in system["requirements"]}
    assert categories <= {
        "fail",
        "missing_evidence",
        "not_reviewed",
        "error",
        "waived",
        "pass",
        "not_applicable",
    }


def test_rejected_records_are_listed_with_the_reason_and_inputs_with_their_sha256(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    """A forged record (a `waived` claim with no waiver in the register) is not counted: the
    report lists it under 'Bản ghi kết quả bị từ chối' with the intake's reason, and names
    every result file with its SHA-256 (provenance)."""
    import hashlib

    base = records_file("one")
    forged = tmp_path / "forged.jsonl"
    write_results_jsonl(
        forged,
        [
            ResultRecord(
                requirement_id="SRV.03",
                target="lab-web01",
                target_kind="server",
                status="waived",
                evidence=Evidence(expected=True, actual=True),
                checker=FIXTURE_CHECKER["server"],
                time=MOMENT,
                run_id="forged-1",
                waiver_id="W-NOT-IN-REGISTER",
            )
        ],
    )
    report = report_for(bare_lab, (base, forged))
    assert [(x.requirement_id, x.target, x.status, x.source) for x in report.rejected] == [
        ("SRV.03", "lab-web01", "waived", "forged.jsonl")
    ]
    page = lxml_html.fromstring(render_html(report, "vi"))
    text = " ".join(page.text_content().split())
    assert "Bản ghi kết quả bị từ chối (1)" in text
    reason = t(f"compliance.intake.{report.rejected[0].reason}", "vi")
    row = " ".join(page.xpath("//table[@class='rejected']//tr")[1].text_content().split())
    assert reason in row
    assert "SRV.03" in row
    assert "lab-web01" in row
    for path in (base, forged):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in text


def test_place_line_is_the_province_name() -> None:
    phutho = load_estate(REPO / "inventories" / "phutho").inventory
    place = province_place(phutho)
    assert place is not None
    assert place.vi == "Phú Thọ"
    assert province_place(None) is None
