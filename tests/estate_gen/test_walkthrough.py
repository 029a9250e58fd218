"""The README's "new province" walkthrough, command by command, as a new user runs it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capdo.cli import app
from tests.conftest import REPO

runner = CliRunner()


def _ok(*args: str) -> str:
    result = runner.invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 0, (args, result.output)
    return result.output


def test_new_province_walkthrough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "capdo estate new tinh-moi.yml --out inventories/tinh-moi" in readme
    monkeypatch.setenv("CAPDO_CATALOGUE_DIR", str(REPO / "checks" / "catalogue"))
    monkeypatch.setenv("CAPDO_REPORT_TEMPLATES", str(REPO / "reports" / "templates"))
    monkeypatch.chdir(tmp_path)
    shutil.copy(REPO / "inventories" / "examples" / "lamson.description.yml", "tinh-moi.yml")
    assert "Valid" in _ok("estate", "new", "tinh-moi.yml", "--out", "inventories/tinh-moi")
    assert "Valid" in _ok("inventory", "validate", "-i", "inventories/tinh-moi")
    _ok("inventory", "template", "-i", "inventories/tinh-moi", "--out", "tai-san.xlsx")
    assert "Imported" in _ok(
        "inventory", "import", "tai-san.xlsx", "--into", "inventories/tinh-moi"
    )
    _ok("evaluate", "-i", "inventories/tinh-moi", "--out", "out/tinh-moi/eval")
    report = _ok(
        "report",
        "-i",
        "inventories/tinh-moi",
        "-r",
        "out/tinh-moi/eval/records.jsonl",
        "--out",
        "out/tinh-moi/report",
        "--no-store",
    )
    assert Path(report.strip().splitlines()[-1].split(": ", 1)[1]).is_file()
    _ok("report", "national", "out/tinh-moi/eval", "--out", "out/national")
    assert Path("out/national/national.html").is_file()
