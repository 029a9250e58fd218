"""The committed estates validate cleanly, have the scale the issue asks for, and the
reference province is exactly what its generator writes."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from capdo.estate_gen.write import GENERATED_KINDS
from capdo.inventory.index import EstateIndex
from capdo.inventory.model import Inventory
from capdo.inventory.validate import load_estate
from tests.conftest import LAB_ESTATE, PHUTHO_ESTATE, REPO


@pytest.fixture(scope="module")
def phutho() -> Inventory:
    result = load_estate(PHUTHO_ESTATE)
    assert result.findings == [], [f.location() for f in result.findings[:5]]
    assert result.inventory is not None
    return result.inventory


def test_phutho_scale(phutho: Inventory) -> None:
    kinds = Counter(s.kind for s in phutho.sites if s.status == "active")
    assert kinds["datacentre"] == 1
    assert kinds["department"] >= 20
    assert kinds["commune"] + kinds["ward"] == 148
    assert len(phutho.servers) >= 40
    assert len(phutho.endpoints) == 302
    roles = Counter(d.role for d in phutho.devices)
    assert {"core", "firewall", "wan-router", "access"} <= set(roles)
    assert any(s.status == "retired" and s.kind == "district" for s in phutho.sites)


def test_phutho_shared_systems(phutho: Inventory) -> None:
    ids = {s.id for s in phutho.systems}
    assert {
        "qlvb",
        "dvc",
        "cong-ttdt",
        "email",
        "hntt",
        "baocao",
        "ioc",
        "lgsp",
        "idm",
        "ttdl",
        "wan-tinh",
    } <= ids
    roles = {r for s in phutho.servers for r in s.roles}
    assert {"mcu", "ldap", "dns", "logserver", "backup", "monitoring", "bastion"} <= roles


def test_every_occupied_site_has_a_wan_link(phutho: Inventory) -> None:
    index = EstateIndex(phutho)
    linked = {
        index.devices[e.device].site for link in phutho.links for e in (link.a, link.z) if e.device
    }
    occupied = {t.obj.site for t in index.targets()}
    assert occupied <= linked


def test_vietnamese_names_and_ascii_ids(phutho: Inventory) -> None:
    names = [s.name.vi for s in phutho.sites]
    assert "Xã Hạ Hòa" in names
    assert all(s.id.isascii() for s in phutho.sites)


def test_levels_follow_highest_system(phutho: Inventory) -> None:
    index = EstateIndex(phutho)
    assert index.level_of("dvc-db01") == 3
    assert index.level_of("portal-web01") == 2
    router = next(d for d in phutho.devices if d.site == "xa-ha-hoa" and d.role == "wan-router")
    assert index.systems_of[router.name] == ("wan-tinh", "xa-ha-hoa-lan")
    assert index.level_of(router.name) == 3  # WAN (level 3) wins over the commune LAN (2)


def test_generator_reproduces_the_committed_estate(tmp_path: Path) -> None:
    """`capdo estate new` on the description writes exactly the committed files (if not:
    `capdo estate new inventories/phutho.description.yml --out inventories/phutho`)."""
    out = tmp_path / "phutho"
    description = REPO / "inventories" / "phutho.description.yml"
    subprocess.run(
        [sys.executable, "-m", "capdo.cli", "estate", "new", str(description), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    committed = sorted(
        p.relative_to(PHUTHO_ESTATE)
        for p in PHUTHO_ESTATE.rglob("*.yml")
        if p.relative_to(PHUTHO_ESTATE).parts[0].removesuffix(".yml") in GENERATED_KINDS
    )
    generated = sorted(p.relative_to(out) for p in out.rglob("*.yml"))
    assert committed == generated
    _, mismatch, errors = filecmp.cmpfiles(
        PHUTHO_ESTATE, out, [str(p) for p in committed], shallow=False
    )
    assert (mismatch, errors) == ([], [])


def test_lab_estate_shape() -> None:
    result = load_estate(LAB_ESTATE)
    inv = result.inventory
    assert inv is not None
    assert 3 <= len(inv.servers) <= 5
    assert any("logserver" in s.roles for s in inv.servers)
    assert len(inv.devices) == 4
    assert len({d.platform for d in inv.devices}) == 3  # IOS, VRP and a FortiGate
    assert inv.endpoints
