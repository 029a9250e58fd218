"""`capdo report national`: one overview of several provinces from their `capdo evaluate --out`
folders (the lab, Phú Thọ and a generated second province), in HTML (vi/en) and JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from capdo.cli import app
from capdo.inventory.validate import load_estate
from tests.conftest import LAB_ESTATE, PHUTHO_ESTATE, REPO

runner = CliRunner()


@pytest.fixture(scope="module")
def evaluations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("national")
    second = base / "estate-lamson"
    description = REPO / "inventories" / "examples" / "lamson.description.yml"
    result = runner.invoke(app, ["estate", "new", str(description), "--out", str(second)])
    assert result.exit_code == 0, result.output
    folders = {}
    for name, estate in (("lab", LAB_ESTATE), ("phutho", PHUTHO_ESTATE), ("lamson", second)):
        folders[name] = base / f"eval-{name}"
        result = runner.invoke(app, ["evaluate", "-i", str(estate), "--out", str(folders[name])])
        assert result.exit_code == 0, result.output
    return folders


def _national(folders: list[Path], out: Path, *extra: str) -> tuple[int, str]:
    args = ["report", "national", *map(str, folders), "--out", str(out), *extra]
    result = runner.invoke(app, args)
    return result.exit_code, result.output


def test_rollup_of_three_provinces(evaluations: dict[str, Path], tmp_path: Path) -> None:
    code, output = _national(list(evaluations.values()), tmp_path / "out")
    assert code == 0, output
    data = json.loads((tmp_path / "out" / "national.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in data["provinces"]] == ["lab", "phutho", "lamson"]
    for province, estate in zip(data["provinces"], ("lab", "phutho", "lamson"), strict=True):
        root = {"lab": LAB_ESTATE, "phutho": PHUTHO_ESTATE}.get(estate)
        inventory = load_estate(root or evaluations["lamson"].parent / "estate-lamson").inventory
        assert inventory is not None
        for regime in inventory.estate.regimes:
            row = province["regimes"][regime]
            assert row["systems"] == len(inventory.systems)
            levels = {
                str(n): sum(1 for s in inventory.systems if s.level.level == n) for n in range(1, 6)
            }
            assert row["by_level"] == levels
            assert row["meeting"] + row["not_meeting"] == row["systems"]
            counts = [g["systems"] for g in row["top_gaps"]]
            assert 0 < len(counts) <= 5
            assert counts == sorted(counts, reverse=True)
            assert all(g["title"]["vi"] for g in row["top_gaps"])
    assert data["provinces"][2]["regimes"]["new"]["by_level"]["4"] == 1
    html = (tmp_path / "out" / "national.html").read_text(encoding="utf-8")
    assert "Tổng hợp toàn quốc" in html
    assert "Ủy ban nhân dân tỉnh Phú Thọ" in html
    assert "Lam Sơn" in html


def test_english_overview(evaluations: dict[str, Path], tmp_path: Path) -> None:
    code, output = _national([evaluations["lab"]], tmp_path / "out", "--lang", "en")
    assert code == 0, output
    html = (tmp_path / "out" / "national.html").read_text(encoding="utf-8")
    assert "National overview" in html
    assert "Top gaps" in html


def _edit(folder: Path, target: Path, change: Any) -> Path:
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("records.jsonl", "oscal-*"))
    change(target)
    return target


def test_meeting_systems_are_counted(evaluations: dict[str, Path], tmp_path: Path) -> None:
    def meets(folder: Path) -> None:
        for path in folder.glob("evaluation-*.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            data["systems"][0]["verdict"] = "meets"
            path.write_text(json.dumps(data), encoding="utf-8")

    folder = _edit(evaluations["lab"], tmp_path / "lab", meets)
    code, output = _national([folder], tmp_path / "out")
    assert code == 0, output
    data = json.loads((tmp_path / "out" / "national.json").read_text(encoding="utf-8"))
    row = data["provinces"][0]["regimes"]["new"]
    assert row["meeting"] == 1
    assert row["not_meeting"] == row["systems"] - 1


def test_hostile_names_are_escaped(evaluations: dict[str, Path], tmp_path: Path) -> None:
    def hostile(folder: Path) -> None:
        summary = {"estate": "x", "organisation": {"vi": "<script>alert(1)</script>"}}
        (folder / "estate.json").write_text(json.dumps(summary), encoding="utf-8")

    folder = _edit(evaluations["lab"], tmp_path / "lab", hostile)
    code, output = _national([folder], tmp_path / "out")
    assert code == 0, output
    html = (tmp_path / "out" / "national.html").read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        ("missing", "evaluation-*.json"),
        ("json", "Cannot read"),
        ("shape", "not a valid evaluation output"),
        ("twice", "given twice"),
    ],
)
def test_bad_inputs_write_nothing(
    evaluations: dict[str, Path], tmp_path: Path, breakage: str, expected: str
) -> None:
    def breaking(folder: Path) -> None:
        files = sorted(folder.glob("evaluation-*.json"))
        if breakage == "missing":
            for path in files:
                path.unlink()
        elif breakage == "json":
            files[0].write_text("{not json", encoding="utf-8")
        elif breakage == "shape":
            files[0].write_text(json.dumps({"regime": "new", "systems": "x"}), encoding="utf-8")

    folder = _edit(evaluations["lab"], tmp_path / "lab", breaking)
    folders = [folder, evaluations["lab"]] if breakage == "twice" else [folder]
    code, output = _national(folders, tmp_path / "out", "--lang", "en")
    assert code == 2
    assert expected in output
    assert "Traceback" not in output
    assert not (tmp_path / "out").exists()


@pytest.mark.lab  # headless Chromium
def test_chromium_shows_the_overview(evaluations: dict[str, Path], tmp_path: Path) -> None:
    """What an officer sees: the page opens in headless Chromium (1024 px), one row per province
    and regime, and no console message (the page has no script at all)."""
    code, output = _national(list(evaluations.values()), tmp_path / "out")
    assert code == 0, output
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    assert binary is not None, "chromium is needed (apt-get install chromium)"
    page = (tmp_path / "out" / "national.html").resolve().as_uri()
    flags = [
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1024,900",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    if os.geteuid() == 0:
        flags.insert(0, "--no-sandbox")
    dom = subprocess.run(
        [binary, *flags, "--dump-dom", page],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert dom.stdout.count("<tr>") == 1 + 2 * 3 + 1  # two regimes × (header + 3 provinces)
    assert "Ủy ban nhân dân tỉnh Lam Sơn" in dom.stdout
    assert ":CONSOLE" not in dom.stderr
    shot = tmp_path / "national-1024.png"
    subprocess.run(
        [binary, *flags, f"--screenshot={shot}", page], capture_output=True, timeout=120, check=True
    )
    assert shot.stat().st_size > 20_000
