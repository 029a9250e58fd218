"""Estate checks on an estate shaped unlike Phú Thọ: two data centres (one a DR site ~65 km
away), Huawei devices only, no district tier, systems at levels 4 and 5.

Each check passes on this estate as written and fails on a copy broken for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from capdo.assessment import Assessment, assess
from capdo.compliance.evaluate import Finding
from capdo.inventory.index import EstateIndex
from capdo.inventory.validate import load_estate
from tests.estate_checks.test_estate_checks import MOMENT

SHAPED = Path(__file__).parent / "shaped_estate"


def build(root: Path, level: int, **edits: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for source in SHAPED.glob("*.yml"):
        name = source.stem
        text = source.read_text(encoding="utf-8")
        if name == "systems":
            text = text.replace("level: {level: 4,", f"level: {{level: {level},")
        for old, new in edits.get(name, {}).items():
            assert old in text, (name, old)
            text = text.replace(old, new)
        (root / source.name).write_text(text, encoding="utf-8")
    return root


def assessed(root: Path) -> Assessment:
    loaded = load_estate(root)
    assert loaded.inventory is not None, [f.location() for f in loaded.findings]
    assert not [f for f in loaded.findings if f.severity == "error"]
    return assess(root, loaded.inventory, [], moment=MOMENT)


def found(run: Assessment, requirement: str, target: str) -> Finding:
    return next(
        f
        for f in run.evaluations["legacy"].findings
        if (f.requirement_id, f.target) == (requirement, target)
    )


@pytest.mark.parametrize("level", [4, 5])
def test_arc01_device_management_zone_at_levels_4_and_5(tmp_path: Path, level: int) -> None:
    good = assessed(build(tmp_path / "good", level))
    assert found(good, "ARC.01", "core-a").status == "pass"
    broken = build(
        tmp_path / "broken",
        level,
        zones={"kind: device-management": "kind: management"},  # no such zone anywhere
    )
    finding = found(assessed(broken), "ARC.01", "core-a")
    assert finding.status == "fail"
    assert finding.evidence is not None
    assert "device_management" in str(finding.evidence.actual)


def test_arc19_both_halves_at_level_5(tmp_path: Path) -> None:
    good = found(assessed(build(tmp_path / "good", 5)), "ARC.19", "dvc")
    assert good.status == "pass"
    assert good.evidence is not None
    actual = good.evidence.actual
    assert isinstance(actual, dict)
    assert actual["primary_dr_links"] == ["a-b-1", "a-b-2"]
    assert actual["dr_site_distance_km"] >= 30  # type: ignore[operator]
    one_link = build(tmp_path / "one", 5, links={"- id: a-b-2\n": "- id: a-c-2\n"})
    edited = (
        (one_link / "links.yml")
        .read_text()
        .replace("wan-b, interface: GE0/0/2", "core-a2, interface: GE0/0/9")
    )
    (one_link / "links.yml").write_text(edited)
    finding = found(assessed(one_link), "ARC.19", "dvc")
    assert (finding.status, finding.evidence and finding.evidence.detail) == (
        "fail",
        "estate.arc19.links",
    )
    close = build(
        tmp_path / "close", 5, sites={"lat: 10.35, lon: 107.08": "lat: 10.79, lon: 106.72"}
    )
    finding = found(assessed(close), "ARC.19", "dvc")
    assert finding.evidence is not None
    assert (finding.status, finding.evidence.detail) == ("fail", "estate.arc19.too-close")


def test_arc19_no_dr_site_says_so(tmp_path: Path) -> None:
    root = build(tmp_path / "e", 5, sites={"kind: dr-site": "kind: datacentre"})
    finding = found(assessed(root), "ARC.19", "dvc")
    assert finding.evidence is not None
    assert (finding.status, finding.evidence.detail) == ("fail", "estate.arc19.no-dr-site")


@pytest.mark.parametrize("level", [4, 5])
def test_arc13_needs_a_siem_not_only_a_log_server(tmp_path: Path, level: int) -> None:
    assert found(assessed(build(tmp_path / "good", level)), "ARC.13", "dvc").status == "pass"
    root = build(
        tmp_path / "logs-only",
        level,
        servers={"roles: [logserver, siem,": "roles: [logserver,"},
    )
    assert found(assessed(root), "ARC.13", "dvc").status == "fail"


def test_wan01_tslcd_devices_serve_a_system(tmp_path: Path) -> None:
    assert found(assessed(build(tmp_path / "good", 4)), "WAN.01", "hatang").status == "pass"
    root = build(
        tmp_path / "stray",
        4,
        devices={"model: AR651, systems: [hatang]}": "model: AR651}"},
    )
    finding = found(assessed(root), "WAN.01", "hatang")
    assert finding.status == "fail"
    assert finding.evidence is not None
    assert finding.evidence.actual["tslcd_devices_without_system"] == ["ward-1-rtr"]  # type: ignore[index,call-overload]


def test_wan02_only_where_backbone_links_exist(tmp_path: Path) -> None:
    run = assessed(build(tmp_path / "e", 4))
    assert found(run, "WAN.02", "core-a").status == "not_applicable"  # no TSLCD link
    assert found(run, "WAN.02", "ward-1-rtr").status == "not_applicable"  # not the gateway
    gateway = found(run, "WAN.02", "wan-a")  # ends the TSLCD link at the data centre
    assert gateway.status == "not_reviewed"  # applies; no device audit result in this test


@pytest.mark.parametrize("level", [4, 5])
def test_device_without_system_takes_its_sites_level_and_warns(tmp_path: Path, level: int) -> None:
    root = build(tmp_path / "e", level)
    loaded = load_estate(root)
    assert loaded.inventory is not None
    warnings = [f for f in loaded.findings if f.rule == "device-without-system"]
    assert [w.severity for w in warnings] == ["warning"]
    assert EstateIndex(loaded.inventory).level_of("fw-b") == level  # not level 1
    run = assessed(root)
    assert found(run, "ARC.07", "fw-b").level == level
