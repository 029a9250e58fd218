"""Each audit check passes on a compliant config and fails on one broken on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from capdo.compliance.results import ResultRecord, read_results_jsonl, write_results_jsonl
from capdo.network.audit import find_checks_dir, load_targets, run_audit
from capdo.network.estate import load_network_estate
from capdo.network.render import Renderer

REPO = Path(__file__).resolve().parents[2]

# requirement → (device, line to remove or replace, replacement or None)
BREAKS = {
    "NET.09": ("lab-core01", "aaa new-model", None),
    "NET.10": ("lab-wan01", "undo telnet server enable", "telnet server enable"),
    "NET.11": ("lab-core01", " access-class CAPDO-MGMT in", None),
    "ARC.02": (
        "lab-wan01",
        " rule 5 permit source 198.18.0.0 0.0.0.31",
        " rule 5 permit source 0.0.0.0 255.255.255.255",
    ),
    "NET.16": ("lab-xa-rtr01", " idle-timeout 5 0", " idle-timeout 30 0"),
    "NET.12": ("lab-core01", "login block-for 43200 attempts 5 within 120", None),
    "NET.03": ("lab-wan01", "info-center timestamp log date", "undo info-center enable"),
    "NET.05": ("lab-core01", "logging host 198.18.0.33", None),
    "NET.04": ("lab-xa-rtr01", "ntp-service unicast-server 198.18.0.33", None),
    "ARC.01": (
        "lab-xa-rtr01",
        " ip address 198.18.2.65 255.255.255.192",
        " ip address 198.18.9.65 255.255.255.192",
    ),
}


def _audit(texts: dict[str, str]) -> list[ResultRecord]:
    estate = load_network_estate(REPO / "inventories" / "lab")
    targets, missing = load_targets(estate, estate.select(None), texts)
    assert not missing
    _code, records = run_audit(targets, find_checks_dir(estate))
    return records


@pytest.fixture(scope="module")
def intended() -> dict[str, str]:
    estate = load_network_estate(REPO / "inventories" / "lab")
    return Renderer(estate.templates_dir).render_many(estate.context, estate.select(None)).configs


@pytest.fixture(scope="module")
def compliant(intended: dict[str, str]) -> list[ResultRecord]:
    return _audit(intended)


@pytest.mark.parametrize("requirement", sorted(BREAKS))
def test_check_passes_on_compliant_config(compliant: list[ResultRecord], requirement: str) -> None:
    device = BREAKS[requirement][0]
    mine = [r for r in compliant if r.requirement_id == requirement and r.target == device]
    assert mine
    assert all(r.status == "pass" for r in mine), mine


@pytest.mark.parametrize("requirement", sorted(BREAKS))
def test_check_fails_on_broken_config(intended: dict[str, str], requirement: str) -> None:
    device, line, replacement = BREAKS[requirement]
    lines = intended[device].splitlines()
    assert line in lines
    broken = [replacement if x == line else x for x in lines if x != line or replacement]
    records = _audit({**intended, device: "\n".join(broken) + "\n"})
    mine = [r for r in records if r.requirement_id == requirement and r.target == device]
    assert mine
    assert any(r.status == "fail" for r in mine), mine
    failed = next(r for r in mine if r.status == "fail")
    assert failed.evidence.detail
    assert failed.target_kind == "network"


def test_redundancy_check_both_ways(compliant: list[ResultRecord]) -> None:
    estate = load_network_estate(REPO / "inventories" / "phutho")
    devices = estate.select(["vp-ubnd-rtr-01", "pdc-core-01"])
    texts = Renderer(estate.templates_dir).render_many(estate.context, devices).configs
    targets, _ = load_targets(estate, devices, texts)
    _code, records = run_audit(targets, find_checks_dir(estate))
    phutho = {(r.requirement_id, r.target): r.status for r in records}
    assert phutho[("WAN.02", "vp-ubnd-rtr-01")] == "pass"  # primary + backup links
    lab = {(r.requirement_id, r.target): r.status for r in compliant}
    assert lab[("WAN.02", "lab-xa-rtr01")] == "fail"  # one uplink only


def test_records_round_trip(compliant: list[ResultRecord], tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_results_jsonl(path, compliant)
    assert len(read_results_jsonl(path)) == len(compliant)
    assert {r.checker.split(":")[0] for r in compliant} == {"capdo.network.audit"}
