"""``capdo report`` through typer's CliRunner: files written, last line, exit codes (0 / 1 / 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from capdo.cli import app

from .conftest import FAILING_WEB

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["report", *args])
    return result.exit_code, result.stdout, result.stderr


def _common(estate: Path, tmp: Path) -> list[str]:
    return [
        "-i",
        str(estate),
        "--out",
        str(tmp / "out"),
        "--store",
        str(tmp / "h.sqlite"),
        "--today",
        "2026-11-21",
    ]


def test_report_prints_the_html_path_last(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    results = records_file("bad", FAILING_WEB)
    code, out, err = invoke(
        *_common(bare_lab, tmp_path), "-r", str(results), "-f", "html,json,junit,xlsx"
    )
    assert code == 0, err
    last = out.strip().splitlines()[-1]
    assert last.startswith("Báo cáo HTML: ")
    html = Path(last.split(": ", 1)[1])
    assert html.is_file()
    assert html.name == "capdo-report-lab.vi.html"
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "capdo-report-lab.vi.html",
        "capdo-report-lab.json",
        "capdo-report-lab.junit.xml",
        "capdo-report-lab.vi.xlsx",
    }
    assert "lab-dvc (legacy): Chưa đáp ứng yêu cầu cấp độ 3" in out


def test_english_docx_and_fail_on(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    results = records_file("bad", FAILING_WEB)
    code, out, _ = invoke(
        *_common(bare_lab, tmp_path),
        "-r",
        str(results),
        "-f",
        "docx",
        "--lang",
        "en",
        "--fail-on",
        "fail",
    )
    assert code == 1  # the lab systems do not meet their levels
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert "bao-cao-hang-nam-lab.en.docx" in names
    assert not any(n.startswith("ho-so-cap-do") for n in names)  # dossiers: `report dossier`
    assert "Does not meet level 3" in out


def test_diff_previous_and_fail_on_new(
    records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path
) -> None:
    code, _, _ = invoke(*_common(bare_lab, tmp_path), "-r", str(records_file("run-1")))
    assert code == 0
    code, out, _ = invoke(
        *_common(bare_lab, tmp_path),
        "-r",
        str(records_file("run-2", FAILING_WEB)),
        "--diff",
        "previous",
        "--fail-on",
        "new",
    )
    assert code == 1
    assert "So với run-1: 4 mới không đạt, 0 đã khắc phục" in out  # 2 results x 2 regimes


def test_dossier_command(records_file: Callable[..., Path], bare_lab: Path, tmp_path: Path) -> None:
    code, _out, err = invoke(
        "dossier",
        "--system",
        "lab-hntt",
        "-i",
        str(bare_lab),
        "--out",
        str(tmp_path),
        "-r",
        str(records_file()),
    )
    assert code == 0, err
    assert (tmp_path / "ho-so-cap-do-lab-hntt.vi.docx").is_file()
    code, _, err = invoke(
        "dossier",
        "--system",
        "nope",
        "-i",
        str(bare_lab),
        "--out",
        str(tmp_path),
        "-r",
        str(records_file()),
    )
    assert code == 2
    assert "nope" in err


def test_bad_inputs_are_clear_errors(bare_lab: Path, tmp_path: Path) -> None:
    code, _, err = invoke(*_common(bare_lab, tmp_path), "-r", str(tmp_path / "missing.jsonl"))
    assert code == 2
    assert "missing.jsonl" in err
    assert "Traceback" not in err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"requirement_id": "SRV.03"}\nnot json\n', encoding="utf-8")
    code, out, err = invoke(*_common(bare_lab, tmp_path), "-r", str(broken))
    assert code == 2  # bad lines stop the run unless --lenient
    assert "broken.jsonl:2" in err
    code, out, err = invoke(*_common(bare_lab, tmp_path), "-r", str(broken), "--lenient")
    assert code == 0  # bad lines are reported and skipped, as `capdo evaluate --lenient` does
    assert "broken.jsonl:1" in err
    assert "broken.jsonl:2" in err
    assert out.strip().splitlines()[-1].startswith("Báo cáo HTML: ")
    code, _, err = invoke(*_common(bare_lab, tmp_path), "-r", str(broken), "-f", "html,docz")
    assert code == 2
    assert "docz" in err
    code, _, err = invoke(
        *_common(bare_lab, tmp_path), "--diff", "previous", "-r", str(tmp_path / "x")
    )
    assert code == 2
