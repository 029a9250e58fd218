"""`capdo estate new`: differently shaped provinces from descriptions validate with 0 findings,
render only their own platforms and evaluate; bad descriptions get a clear error."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capdo.cli import app
from capdo.inventory.model import Inventory
from capdo.inventory.validate import load_estate
from tests.conftest import REPO

EXAMPLES = REPO / "inventories" / "examples"
runner = CliRunner()


def generate(name: str, out: Path, *extra: str) -> Inventory:
    description = EXAMPLES / f"{name}.description.yml"
    result = runner.invoke(app, ["estate", "new", str(description), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    loaded = load_estate(out)
    assert [f.to_dict("en", out) for f in loaded.findings] == []
    assert loaded.inventory is not None
    return loaded.inventory


@pytest.fixture(scope="module")
def estates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Inventory]]:
    base = tmp_path_factory.mktemp("provinces")
    return {n: (base / n, generate(n, base / n)) for n in ("lamson", "songda", "bienbac")}


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def test_two_tier_two_datacentres_huawei_only(estates: dict[str, tuple[Path, Inventory]]) -> None:
    _, inv = estates["lamson"]
    dcs = [s for s in inv.sites if s.kind == "datacentre"]
    assert len(dcs) == 2
    coords = [(s.coordinates.lat, s.coordinates.lon) for s in dcs if s.coordinates]
    assert 39 <= _km(coords[0], coords[1]) <= 41
    kinds = Counter(s.kind for s in inv.sites)
    assert kinds["commune"] == 90
    assert kinds["district"] == 0
    assert {s.parent for s in inv.sites if s.kind == "commune"} == {"tinh"}
    assert {d.platform for d in inv.devices} == {"huawei_vrp"}
    lgsp = next(s for s in inv.systems if s.id == "lgsp")
    assert lgsp.level.level == 4
    device_site = {d.name: d.site for d in inv.devices}
    backup_sites = {
        device_site[link.z.device] for link in inv.links if link.role == "backup" and link.z.device
    }
    communes = {s.id for s in inv.sites if s.kind == "commune"}
    assert len(backup_sites & communes) == 10
    assert len(inv.endpoints) == 120
    assert Counter(e.vendor for e in inv.endpoints) == {"poly": 60, "yealink": 60}
    servers = {s.name: s for s in inv.servers}
    assert servers["lgsp-db01"].site == "dc-nam"


def test_three_tier_province(estates: dict[str, tuple[Path, Inventory]]) -> None:
    _, inv = estates["songda"]
    districts = {s.id for s in inv.sites if s.kind == "district"}
    assert len(districts) == 3
    communes = [s for s in inv.sites if s.kind in ("commune", "ward")]
    assert len(communes) == 9
    assert {s.parent for s in communes} == districts
    assert {d.platform for d in inv.devices} == {"cisco_ios", "fortinet"}
    assert Counter(s.kind for s in inv.sites)["dr-site"] == 1
    assert all(s.level.status == "proposed" for s in inv.systems if s.id.endswith("-lan"))
    backups = {link.z.device for link in inv.links if link.role == "backup"}
    assert "phuong-tan-phong-rtr-01" in backups
    assert "xa-muong-te-rtr-01" not in backups


def test_single_datacentre_generated_names(estates: dict[str, tuple[Path, Inventory]]) -> None:
    _, inv = estates["bienbac"]
    assert [s.kind for s in inv.sites].count("datacentre") == 1
    assert Counter(s.kind for s in inv.sites)["commune"] == 25
    assert not any(s.id.endswith("-lan") for s in inv.systems)
    assert len({s.id for s in inv.sites}) == len(inv.sites)
    assert {e.vendor for e in inv.endpoints if e.site == "ttdl"} == {"huawei"}
    assert inv.estate.regimes == ("new",)


@pytest.mark.parametrize("name", ["lamson", "songda", "bienbac"])
def test_renders_only_its_own_platforms(
    name: str,
    estates: dict[str, tuple[Path, Inventory]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, inv = estates[name]
    monkeypatch.chdir(tmp_path)  # the default output folder, whatever its option is called
    monkeypatch.setenv("CAPDO_CATALOGUE_DIR", str(REPO / "checks" / "catalogue"))
    monkeypatch.setenv("CAPDO_NETWORK_TEMPLATES", str(REPO / "network" / "templates"))
    result = runner.invoke(app, ["network", "render", "-i", str(root), "--lang", "en"])
    assert result.exit_code == 0, result.output
    rendered = {p.stem: p.read_text() for p in (tmp_path / "out/network/intended").glob("*.cfg")}
    platform = {d.name: d.platform for d in inv.devices}
    templates = {p.name for p in (REPO / "network" / "templates").iterdir() if p.is_dir()}
    supported = {d.name for d in inv.devices if d.platform in templates}
    assert set(rendered) == supported
    for device, text in rendered.items():
        first = {
            "huawei_vrp": "sysname",
            "huawei_usg": "sysname",
            "fortinet": "config system global",
        }.get(platform[device], "hostname")
        assert text.startswith(f"{first}"), device
        assert device in text.splitlines()[0] + text[:400], device
    if name == "lamson":
        assert not any(t.startswith("hostname") for t in rendered.values())


@pytest.mark.parametrize("name", ["lamson", "songda", "bienbac"])
def test_evaluates(name: str, estates: dict[str, tuple[Path, Inventory]]) -> None:
    root, inv = estates[name]
    result = runner.invoke(app, ["evaluate", "-i", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    for regime in inv.estate.regimes:
        systems = {s["system"] for s in payload["evaluations"][regime]["systems"]}
        assert systems == {s.id for s in inv.systems}


def test_schema_comment_on_written_files(estates: dict[str, tuple[Path, Inventory]]) -> None:
    root, _ = estates["lamson"]
    for path in root.rglob("*.yml"):
        comment = next(
            line for line in path.read_text().splitlines() if "yaml-language-server" in line
        )
        target = comment.split("$schema=", 1)[1]
        assert (path.parent / target).is_file(), path


def test_national_set(tmp_path: Path) -> None:
    inv = generate("songda", tmp_path / "national", "--provinces", "3")
    assert inv.estate.id == "vn-national-synthetic"
    assert Counter(s.kind for s in inv.sites)["province"] == 3


def test_script_keeps_working(tmp_path: Path) -> None:
    out = tmp_path / "two"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "inventories" / "generate_estate.py"),
            "--out",
            str(out),
            "--provinces",
            "2",
        ],
        check=True,
        capture_output=True,
    )
    result = load_estate(out)
    assert result.findings == []
    assert result.inventory is not None
    assert len(result.inventory.endpoints) == 604


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("tiers: [province, commune]", "districts are listed"),
        ("colour: blue", "colour"),
        ("stride: 1", "stride"),
        ("ward: {wan-router: {platform: cisco_ios, model: X}}", "platforms.ward.access"),
        ("dual_homed: {district: all, ward: [phuong-khong-co]}", "phuong-khong-co"),
        ("total: 3", "endpoints.total = 3"),
    ],
)
def test_bad_description_is_a_clear_error(tmp_path: Path, change: str, expected: str) -> None:
    text = (EXAMPLES / "songda.description.yml").read_text(encoding="utf-8")
    if change.startswith("tiers"):
        text = text.replace("tiers: [province, district, commune]", change)
    elif change.startswith("stride"):
        text = text.replace(
            "address_plan: {start: 10.60.0.0}", "address_plan: {start: 10.60.0.0, stride: 1}"
        )
    elif change.startswith("ward"):
        ward = re.search(r"^  ward:\n(?:    .*\n)+", text, re.M)
        assert ward is not None
        text = text.replace(ward.group(0), f"  {change}\n")
    elif change.startswith("dual_homed"):
        text = text.replace("dual_homed: {district: all, ward: [phuong-tan-phong]}", change)
    elif change.startswith("total"):
        text = text.replace("total: 20", change)
    else:
        text += f"\n{change}\n"
    description = tmp_path / "bad.yml"
    description.write_text(text, encoding="utf-8")
    result = runner.invoke(
        app, ["estate", "new", str(description), "--out", str(tmp_path / "o"), "--lang", "en"]
    )
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_refuses_a_folder_that_is_not_an_estate(tmp_path: Path) -> None:
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "keep.txt").write_text("mine", encoding="utf-8")
    description = EXAMPLES / "bienbac.description.yml"
    result = runner.invoke(app, ["estate", "new", str(description), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert (tmp_path / "sites" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_an_estate_with_findings_exits_1(tmp_path: Path) -> None:
    text = (EXAMPLES / "bienbac.description.yml").read_text(encoding="utf-8")
    text = text.replace(
        "level: {level: 3, status: approved, decision: 14/QĐ-UBND",
        "level: {level: 1, status: approved, decision: 14/QĐ-UBND",
    )
    description = tmp_path / "low.yml"
    description.write_text(text, encoding="utf-8")
    out = tmp_path / "estate"
    result = runner.invoke(
        app, ["estate", "new", str(description), "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 1
    assert "level-too-low" in result.output
    assert "1 findings" in result.output


def test_descriptions_point_editors_at_their_schema() -> None:
    for path in [REPO / "inventories" / "phutho.description.yml", *EXAMPLES.glob("*.yml")]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        assert (path.parent / first.split("$schema=", 1)[1]).is_file(), path
