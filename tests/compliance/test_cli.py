"""``capdo catalogue`` through typer's CliRunner: output and exit codes (0 / 1 / 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capdo.cli import app
from capdo.compliance.catalogue_model import Catalogue
from capdo.compliance.compile import compile_level

from .conftest import CATALOGUE_DIR

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["catalogue", *args])
    return result.exit_code, result.stdout, result.stderr


def test_show_json_is_the_compiled_view(new: Catalogue) -> None:
    code, out, _ = invoke(
        "show",
        "--regime",
        "new",
        "--level",
        "3",
        "--format",
        "json",
        "--catalogue-dir",
        str(CATALOGUE_DIR),
    )
    assert code == 0
    data = json.loads(out)
    assert [r["id"] for r in data["requirements"]] == list(compile_level(new, 3).ids)
    assert data["regime"] == "new"


def test_show_text_in_both_languages() -> None:
    code, out, _ = invoke(
        "show",
        "--regime",
        "legacy",
        "--level",
        "1",
        "--lang",
        "en",
        "--catalogue-dir",
        str(CATALOGUE_DIR),
    )
    assert code == 0
    assert "level 1" in out
    assert "SRV.03" in out
    code, out, _ = invoke(
        "show",
        "--regime",
        "legacy",
        "--level",
        "1",
        "--lang",
        "vi",
        "--catalogue-dir",
        str(CATALOGUE_DIR),
    )
    assert code == 0
    assert "cấp độ 1" in out


def test_catalogue_found_upward_from_cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CAPDO_CATALOGUE_DIR", raising=False)
    monkeypatch.chdir(CATALOGUE_DIR.parent)
    assert invoke("show", "--regime", "new", "--level", "2", "--format", "json")[0] == 0
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke("show", "--regime", "new", "--level", "2", "--lang", "en")
    assert code == 2
    assert "catalogue not found" in err
    monkeypatch.setenv("CAPDO_CATALOGUE_DIR", str(CATALOGUE_DIR))
    assert invoke("show", "--regime", "new", "--level", "2", "--format", "json")[0] == 0


@pytest.mark.parametrize(
    "args",
    [
        ("show", "--regime", "new", "--level", "7"),
        ("show", "--regime", "old", "--level", "3"),
        ("diff", "--from", "new", "--to", "new", "--level", "3"),
        ("show", "--regime", "new", "--level", "3", "--lang", "fr"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    assert invoke(*args, "--catalogue-dir", str(CATALOGUE_DIR))[0] == 2


def test_diff_json_lists_additions_and_deadlines() -> None:
    code, out, _ = invoke(
        "diff",
        "--from",
        "legacy",
        "--to",
        "new",
        "--level",
        "3",
        "--format",
        "json",
        "--catalogue-dir",
        str(CATALOGUE_DIR),
    )
    assert code == 0
    data = json.loads(out)
    added = {r["id"] for r in data["added"]}
    assert {"INC.04", "SRV.25", "MON.11"} <= added
    assert "APP.08" not in added  # starts at level 4
    deadlines = {d["id"]: d["date"] for d in data["deadlines"]}
    assert deadlines["nd331_measures"] == "2027-07-01"
    assert deadlines["nd85_level_approval"] == "2027-01-01"
    changes = {(p["requirement_id"], p["parameter"]): p["change"] for p in data["parameters"]}
    assert changes[("SRV.03", "password_min_length")] == "stricter"
    assert changes[("AUD.01", "assessment_interval_months")] == "now_unset"


def test_diff_text() -> None:
    code, out, _ = invoke(
        "diff", "--level", "4", "--lang", "en", "--catalogue-dir", str(CATALOGUE_DIR)
    )
    assert code == 0
    assert "Transition deadlines" in out
    assert "APP.08" in out


def test_validate_ok_and_broken(tmp_path: Path) -> None:
    code, out, _ = invoke("validate", "--lang", "en", "--catalogue-dir", str(CATALOGUE_DIR))
    assert code == 0
    assert out.count("valid (150 requirements)") == 2
    broken = tmp_path / "new.yml"
    text = (CATALOGUE_DIR / "new.yml").read_text(encoding="utf-8")
    broken.write_text(
        text.replace("    group: server\n", "    group: servers\n", 1), encoding="utf-8"
    )
    code, out, _ = invoke("validate", str(broken), "--lang", "en")
    assert code == 1
    line = next(
        i for i, text in enumerate(broken.read_text().splitlines(), 1) if "group: servers" in text
    )
    assert f"{broken}:{line}:5: requirements[" in out
    code, out, _ = invoke("validate", str(broken), "--format", "json")
    assert code == 1
    assert json.loads(out)["problems"][0]["line"] == line
    assert invoke("validate", str(tmp_path / "missing.yml"))[0] == 2


def test_export_oscal(tmp_path: Path) -> None:
    code, out, _ = invoke(
        "export-oscal", "--out", str(tmp_path / "oscal"), "--catalogue-dir", str(CATALOGUE_DIR)
    )
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "oscal").iterdir())
    assert names == sorted(
        [f"catalog-{r}.json" for r in ("legacy", "new")]
        + [f"profile-{r}-level-{n}.json" for r in ("legacy", "new") for n in range(1, 6)]
    )
    assert out.count("Đã ghi") == 12


def test_invalid_catalogue_is_an_operational_error(tmp_path: Path) -> None:
    shutil.copy(CATALOGUE_DIR / "legacy.yml", tmp_path / "legacy.yml")
    (tmp_path / "new.yml").write_text("id: [\n", encoding="utf-8")
    code, _, err = invoke(
        "show", "--regime", "new", "--level", "3", "--catalogue-dir", str(tmp_path)
    )
    assert code == 2
    assert "new.yml:" in err
    assert (
        invoke("show", "--regime", "legacy", "--level", "3", "--catalogue-dir", str(tmp_path))[0]
        == 0
    )


def test_validate_reports_ids_missing_from_one_regime(tmp_path: Path) -> None:
    shutil.copy(CATALOGUE_DIR / "legacy.yml", tmp_path / "legacy.yml")
    text = (CATALOGUE_DIR / "new.yml").read_text(encoding="utf-8")
    start = text.index("  - id: WAN.04")
    end = text.index("  - id: VC.01")
    (tmp_path / "new.yml").write_text(text[:start] + text[end:], encoding="utf-8")
    code, out, _ = invoke("validate", "--lang", "en", "--catalogue-dir", str(tmp_path))
    assert code == 1
    assert (
        f"{tmp_path / 'new.yml'}:1:1: Missing requirement ids that the other regime has: WAN.04"
        in out
    )
