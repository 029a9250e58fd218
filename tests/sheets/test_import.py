"""Spreadsheet template and import: one sheet per kind with Vietnamese instructions, every
problem located as sheet!cell with a hint, nothing written on error, export → import round
trips (xlsx and csv)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from capdo.cli import app
from capdo.inventory.validate import load_estate
from capdo.sheets.columns import SHEETS, columns
from tests.conftest import LAB_ESTATE, PHUTHO_ESTATE

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in root.rglob("*.yml")}


def test_empty_template(tmp_path: Path) -> None:
    code, output = _run(
        "inventory", "template", "--format", "xlsx", "--out", str(tmp_path / "t.xlsx")
    )
    assert code == 0, output
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["huong-dan", *SHEETS]
    guide = " ".join(str(c.value) for c in book["huong-dan"]["A"] if c.value)
    assert "Hướng dẫn" in guide
    assert "trang!ô" in guide
    for name, model in SHEETS.items():
        header = [c.value for c in book[name][1]]
        assert header == [c.key for c in columns(model)]
        assert book[name].max_row == 1
    platform = next(c for c in book["devices"][1] if c.value == "platform")
    assert platform.comment is not None
    assert "huawei_vrp" in platform.comment.text


@pytest.mark.parametrize(("estate", "fmt"), [(PHUTHO_ESTATE, "xlsx"), (LAB_ESTATE, "csv")])
def test_round_trip(estate: Path, fmt: str, tmp_path: Path) -> None:
    sheet = tmp_path / ("export.xlsx" if fmt == "xlsx" else "export")
    code, output = _run(
        "inventory", "template", "-i", str(estate), "--format", fmt, "--out", str(sheet)
    )
    assert code == 0, output
    copy = tmp_path / "estate"
    shutil.copytree(estate, copy)
    code, output = _run("inventory", "import", str(sheet), "--into", str(copy), "--lang", "en")
    assert code == 0, output
    before, after = load_estate(estate), load_estate(copy)
    assert after.findings == []
    assert before.inventory is not None
    assert after.inventory is not None
    for kind in SHEETS:
        assert getattr(after.inventory, kind) == getattr(before.inventory, kind), kind
    text = (copy / "servers.yml").read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=" in text


@pytest.fixture
def lab_sheet(tmp_path: Path) -> Path:
    sheet = tmp_path / "lab.xlsx"
    code, output = _run("inventory", "template", "-i", str(LAB_ESTATE), "--out", str(sheet))
    assert code == 0, output
    return sheet


def _edit(sheet: Path, name: str, cell: str, value: object) -> None:
    book = load_workbook(sheet)
    book[name][cell] = value
    book.save(sheet)


def _column(name: str, key: str) -> str:
    from openpyxl.utils import get_column_letter

    keys = [c.key for c in columns(SHEETS[name])]
    return get_column_letter(keys.index(key) + 1)


@pytest.mark.parametrize(
    ("sheet_name", "key", "value", "message"),
    [
        ("servers", "address", "198.18.0.999", "address"),
        ("servers", "site", "no-such-site", "no-such-site"),
        ("devices", "platform", "cisco_xr", "platform"),
        ("endpoints", "mac", "zz:zz", "MAC"),
        ("servers", "name", '=HYPERLINK("http://x","y")', "name"),
    ],
)
def test_problems_are_located_and_nothing_is_written(
    lab_sheet: Path, lab_copy: Path, sheet_name: str, key: str, value: str, message: str
) -> None:
    cell = f"{_column(sheet_name, key)}3"
    _edit(lab_sheet, sheet_name, cell, value)
    before = _snapshot(lab_copy)
    code, output = _run(
        "inventory",
        "import",
        str(lab_sheet),
        "--into",
        str(lab_copy),
        "--lang",
        "en",
        "--format",
        "json",
    )
    assert code == 1, output
    payload = json.loads(output)
    where = [p["where"] for p in payload["problems"]]
    assert f"{sheet_name}!{cell}" in where, payload
    problem = payload["problems"][where.index(f"{sheet_name}!{cell}")]
    assert message.lower() in (problem["message"] + problem["hint"]).lower()
    assert _snapshot(lab_copy) == before


def test_unknown_sheet_and_column(lab_sheet: Path, lab_copy: Path) -> None:
    book = load_workbook(lab_sheet)
    book.create_sheet("máy in")
    book["servers"].cell(row=1, column=30, value="colour")
    book.save(lab_sheet)
    code, output = _run("inventory", "import", str(lab_sheet), "--into", str(lab_copy))
    assert code == 1
    assert "máy in" in output
    assert "servers!AD1" in output
    assert "Gợi ý" in output  # Vietnamese by default


def test_unreadable_input_is_a_clear_error(tmp_path: Path, lab_copy: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    code, output = _run("inventory", "import", str(junk), "--into", str(lab_copy), "--lang", "en")
    assert code == 2
    assert "Cannot read" in output
    assert "Traceback" not in output


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    # a site's postal address is free human text (device fields refuse these characters)
    formula = "=cmd|' /C calc'!A0"
    estate = tmp_path / "estate"
    shutil.copytree(LAB_ESTATE, estate)
    path = estate / "sites.yml"
    text = path.read_text(encoding="utf-8").replace("address: Việt Trì", f'address: "{formula}"')
    path.write_text(text, encoding="utf-8")
    sheet = tmp_path / "out.xlsx"
    code, output = _run("inventory", "template", "-i", str(estate), "--out", str(sheet))
    assert code == 0, output
    cell = next(
        c for row in load_workbook(sheet)["sites"].iter_rows() for c in row if c.value == formula
    )
    assert cell.data_type == "s"
    code, output = _run("inventory", "import", str(sheet), "--into", str(estate))
    assert code == 0, output
    inventory = load_estate(estate).inventory
    assert inventory is not None
    assert formula in {s.address for s in inventory.sites}
