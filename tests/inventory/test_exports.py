"""The exports, checked with the real consumers: ansible-inventory, nornir, pyinfra."""

from __future__ import annotations

import functools
import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from capdo.exports.write import export
from capdo.inventory.index import EstateIndex
from capdo.inventory.validate import load_estate
from tests.conftest import LAB_ESTATE, PHUTHO_ESTATE, REPO

BIN = Path(sys.executable).parent


def ansible_inventory(source: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")}
    return subprocess.run(
        [str(BIN / "ansible-inventory"), "-i", str(source), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )


def _plain(value: object) -> object:
    """The plugin's values are untrusted (never templated); ansible-inventory's JSON shows
    nested untrusted strings as {"__ansible_unsafe": text}."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@functools.cache
def _listing(source: Path) -> dict[str, object]:
    """``ansible-inventory --list`` of ``source``, run once per source and session (the tests
    only read it; the reference estate's listing takes a quarter of a minute)."""
    run = ansible_inventory(source, "--list")
    assert run.returncode == 0, run.stderr
    return _plain(json.loads(run.stdout))  # type: ignore[return-value]


@pytest.mark.parametrize("estate", [LAB_ESTATE, PHUTHO_ESTATE], ids=["lab", "phutho"])
def test_plugin_listing_matches_the_model(estate: Path) -> None:
    result = load_estate(estate)
    assert result.inventory is not None
    index = EstateIndex(result.inventory)
    listing = _listing(estate)
    hostvars = listing["_meta"]["hostvars"]  # type: ignore[index]
    assert set(hostvars) == {t.name for t in index.targets()}
    for target in index.targets():
        variables = hostvars[target.name]
        assert variables["capdo_level"] == index.level_of(target.name)
        assert variables["capdo_systems"] == list(index.systems_of.get(target.name, ()))
        assert variables["ansible_host"] == str(target.obj.address)
    for level in {index.level_of(t.name) for t in index.targets()} - {None}:
        members = {t.name for t in index.targets() if index.level_of(t.name) == level}
        assert set(listing[f"level_{level}"]["hosts"]) == members  # type: ignore[index]


def test_site_groups_nest_along_the_site_tree() -> None:
    listing = _listing(PHUTHO_ESTATE)
    assert "site_xa_ha_hoa" in listing["site_tinh"]["children"]  # type: ignore[index]
    assert "pdc-core-01" in listing["site_pdc"]["hosts"]  # type: ignore[index]
    graph = ansible_inventory(PHUTHO_ESTATE, "--graph", "level_3")
    assert graph.returncode == 0
    assert "dvc-db01" in graph.stdout


def test_static_ansible_export_equals_the_plugin(tmp_path: Path) -> None:
    result = load_estate(LAB_ESTATE)
    assert result.inventory is not None
    files = export(result.inventory, LAB_ESTATE, "ansible", tmp_path)
    from_plugin = _listing(LAB_ESTATE)
    from_static = _listing(files[0])
    assert from_static["_meta"] == from_plugin["_meta"]
    for group in ("servers", "level_3", "site_lab_dc", "role_logserver", "system_lab_dvc"):
        assert from_static[group] == from_plugin[group]


def test_broken_estate_stops_ansible_with_findings(lab_copy: Path) -> None:
    servers = lab_copy / "servers.yml"
    servers.write_text(servers.read_text().replace("systems: [lab-dvc]", "systems: [nope]", 1))
    run = ansible_inventory(lab_copy, "--list")
    assert "unresolved-reference" in run.stdout + run.stderr
    assert "Traceback" not in run.stderr


def test_nornir_export_loads_in_nornir(tmp_path: Path) -> None:
    from nornir import InitNornir

    result = load_estate(LAB_ESTATE)
    assert result.inventory is not None
    export(result.inventory, LAB_ESTATE, "nornir", tmp_path)
    nr = InitNornir(
        runner={"plugin": "serial"},
        inventory={
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(tmp_path / "hosts.yaml"),
                "group_file": str(tmp_path / "groups.yaml"),
                "defaults_file": str(tmp_path / "defaults.yaml"),
            },
        },
        logging={"enabled": False},
    )
    assert set(nr.inventory.hosts) == {"lab-core01", "lab-wan01", "lab-xa-rtr01", "lab-fw01"}
    assert nr.inventory.hosts["lab-fw01"].platform == "fortinet"
    assert nr.inventory.hosts["lab-wan01"].platform == "huawei"
    assert nr.inventory.hosts["lab-wan01"]["capdo_level"] == 3
    huawei = nr.filter(platform="huawei")
    assert set(huawei.inventory.hosts) == {"lab-wan01", "lab-xa-rtr01"}
    assert "password" not in (tmp_path / "hosts.yaml").read_text()


def test_nornir_plugin_reads_the_estate() -> None:
    from nornir import InitNornir

    nr = InitNornir(
        runner={"plugin": "serial"},
        inventory={"plugin": "CapdoInventory", "options": {"estate_dir": str(LAB_ESTATE)}},
        logging={"enabled": False},
    )
    assert nr.inventory.hosts["lab-core01"].platform == "cisco_ios"
    assert "site_lab_dc" in nr.inventory.groups


def test_pyinfra_export_is_an_inventory_module(tmp_path: Path) -> None:
    result = load_estate(LAB_ESTATE)
    assert result.inventory is not None
    (path,) = export(result.inventory, LAB_ESTATE, "pyinfra", tmp_path)
    module = runpy.run_path(str(path))
    names = {name for name, _ in module["servers"]}
    assert names == {"lab-web01", "lab-db01", "lab-log01", "lab-mcu01"}
    level_3 = {name for name, _ in module["level_3"]}
    assert level_3 == {"lab-web01", "lab-db01", "lab-log01"}
    pyinfra = BIN / "pyinfra"
    run = subprocess.run(
        [str(pyinfra), str(path), "debug-inventory"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert "lab-log01" in run.stdout + run.stderr


def test_connection_overlay_redirects_a_target(
    lab_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAPDO_CONNECTIONS")  # this test is about the estate's own overlay
    overlay = lab_copy.parent / "connections.yml"
    overlay.write_text("lab-core01: {host: 127.0.0.1, port: 40022}\n")
    estate = lab_copy / "estate.yml"
    estate.write_text(
        estate.read_text().replace("../../.cache/lab/connections.yml", "../connections.yml")
    )
    hostvars = _listing(lab_copy)["_meta"]["hostvars"]  # type: ignore[index]
    assert hostvars["lab-core01"]["ansible_host"] == "127.0.0.1"
    assert hostvars["lab-core01"]["ansible_port"] == 40022
    assert hostvars["lab-wan01"]["ansible_host"] == "198.18.0.3"
