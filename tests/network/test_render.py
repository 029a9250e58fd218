"""Rendering: golden files per platform, thresholds from the catalogue, every Phú Thọ device."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from capdo.errors import CapdoError
from capdo.network.estate import load_network_estate, select_devices
from capdo.network.render import Renderer

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", ["lab-core01", "lab-wan01", "lab-xa-rtr01", "lab-fw01"])
def test_golden(name: str) -> None:
    estate = load_network_estate(REPO / "inventories" / "lab")
    text = Renderer(estate.templates_dir).render(estate.context, estate.context.index.devices[name])
    golden = GOLDEN / f"{name}.cfg"
    if os.environ.get("CAPDO_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_thresholds_come_from_the_catalogue() -> None:
    estate = load_network_estate(REPO / "inventories" / "lab")
    device = estate.context.index.devices["lab-core01"]
    level, _assumed, base = estate.context.baseline_for(device)
    text = Renderer(estate.templates_dir).render(estate.context, device)
    assert f"exec-timeout {base.params['idle_timeout_minutes']} 0" in text
    assert f"attempts {base.params['lockout_attempts']} within" in text
    assert level == 3
    assert "logging host 198.18.0.33" in text


def test_phutho_renders_every_device() -> None:
    estate = load_network_estate(REPO / "inventories" / "phutho")
    result = Renderer(estate.templates_dir).render_many(estate.context, estate.select(None))
    assert not result.skipped  # the FortiGates included
    assert len(result.configs) == len(estate.inventory.devices)
    assert all(
        "hostname " in t or "sysname " in t or 'set hostname "' in t
        for t in result.configs.values()
    )


def test_limit_selects_and_rejects() -> None:
    estate = load_network_estate(REPO / "inventories" / "lab")
    assert [d.name for d in select_devices(estate.context, ["platform:cisco_ios"])] == [
        "lab-core01"
    ]
    assert len(select_devices(estate.context, ["lab-*"])) == 4
    with pytest.raises(CapdoError):
        select_devices(estate.context, ["nothing-here"])
    with pytest.raises(CapdoError):
        select_devices(estate.context, ["colour:red"])
