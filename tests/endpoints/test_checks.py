"""Each endpoint check passes on a compliant emulation and fails on one broken on purpose;
unreachable and silent endpoints give `error` records without stopping the run; the level of
the video-conference system gates what is required."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from capdo.compliance.results import ResultRecord
from capdo.endpoints.probe import ProbeSettings
from capdo.endpoints.runner import RunOutcome, check_estate
from capdo.endpoints.trust import estate_ca_file
from capdo_lab.endpoints import EndpointLab, specs_for_estate, write_overlay

from .conftest import (
    FAULT_CASES,
    TEST_PASSWORD,
    copy_estate,
    fault_endpoint_name,
    load,
    start_emulation,
)

COMPLIANT = ("lab-vc-dc", "lab-vc-xa1", "lab-vc-xa2")
CHECKED = ("VC.02", "VC.03", "VC.04", "VC.05", "VC.06", "VC.07", "VC.08", "VC.09", "VC.11")


def by_key(records: list[ResultRecord]) -> dict[tuple[str, str], ResultRecord]:
    return {(r.target, r.requirement_id): r for r in records}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunOutcome]:
    """One check run over 3 compliant emulations and one emulation per deliberate fault."""
    root = copy_estate(tmp_path_factory.mktemp("vc") / "estate")
    faults = {fault_endpoint_name(f): frozenset({f}) for f in FAULT_CASES}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAPDO_LAB_ENDPOINT_PASSWORD", TEST_PASSWORD)
        emulation = start_emulation(root, faults, mp)
        try:
            yield check_estate(load(root), root, settings=ProbeSettings(timeout=3.0, limit=8))
        finally:
            emulation.lab.stop()


@pytest.mark.parametrize("name", COMPLIANT)
def test_compliant_emulation_passes_every_check(run: RunOutcome, name: str) -> None:
    results = by_key(run.records)
    statuses = {req: results[(name, req)].status for req in CHECKED}
    assert statuses == dict.fromkeys(CHECKED, "pass")
    record = results[(name, "VC.05")]
    assert record.checker == "capdo.endpoints"
    assert record.target_kind == "endpoint"
    assert isinstance(record.evidence.actual, dict)
    assert record.evidence.actual["reported"]  # firmware read from the SIP User-Agent


@pytest.mark.parametrize(("fault", "case"), FAULT_CASES.items())
def test_broken_emulation_fails_its_check(
    run: RunOutcome, fault: str, case: tuple[str, str]
) -> None:
    _, requirement = case
    name = fault_endpoint_name(fault)
    results = by_key(run.records)
    assert results[(name, requirement)].status == "fail", results[(name, requirement)]
    assert results[(name, requirement)].evidence.detail
    # the fault breaks only what it is about (VC.02 and VC.04 share the 'no-tls' transport)
    others = {
        req: results[(name, req)].status
        for req in CHECKED
        if req != requirement and results[(name, req)].status != "pass"
    }
    if fault == "expired-cert":
        # an expired certificate does not verify: no credential is sent, so what needs the
        # configuration is an error that says why, never a pass or a fail
        for req, status in others.items():
            assert status == "error", others
            assert results[(name, req)].evidence.detail == "endpoints.check.tls-unverified"
        return
    assert others == {}, others


def test_default_snmp_community_answers_over_the_network(run: RunOutcome) -> None:
    record = by_key(run.records)[(fault_endpoint_name("snmp-v2c"), "VC.09")]
    assert isinstance(record.evidence.actual, dict)
    assert record.evidence.actual["default_communities_answer"] == ["public"]
    weak = by_key(run.records)[(fault_endpoint_name("weak-tls"), "VC.04")]
    assert isinstance(weak.evidence.actual, dict)
    assert weak.evidence.actual["legacy_tls_accepted"] is True


def test_every_record_is_gated_by_the_level(run: RunOutcome) -> None:
    assert {r.requirement_id for r in run.records} == set(CHECKED)
    assert all(p.level == 2 for p in run.plans)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_and_silent_endpoints_are_errors_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_estate(tmp_path / "estate", extra=False)
    monkeypatch.setenv("CAPDO_LAB_ENDPOINT_PASSWORD", TEST_PASSWORD)
    specs = specs_for_estate(
        load(root), root, {"lab-vc-xa1": frozenset({"silent"})}, password=TEST_PASSWORD
    )
    ca_file = estate_ca_file(load(root).estate, root)
    with EndpointLab([s for s in specs if s.name != "lab-vc-xa2"], ca_file=ca_file) as lab:
        ports = dict(lab.ports)
        closed = _closed_port()
        ports["lab-vc-xa2"] = dict.fromkeys(("sip_udp", "sip_tcp", "sip_tls", "https"), closed)
        monkeypatch.setenv("CAPDO_CONNECTIONS", str(write_overlay(tmp_path / "c.yml", ports)))
        outcome = check_estate(load(root), root, settings=ProbeSettings(timeout=1.0))
    results = by_key(outcome.records)
    unreachable = results[("lab-vc-xa2", "VC.02")]
    assert unreachable.status == "error"
    assert unreachable.evidence.detail == "endpoints.check.unreachable"
    assert results[("lab-vc-xa2", "VC.07")].status == "pass"  # judged from the model
    silent = results[("lab-vc-xa1", "VC.06")]
    assert silent.status == "error"
    assert silent.evidence.actual == {"reason": "timeout"}
    assert results[("lab-vc-xa1", "VC.05")].status == "error"  # no User-Agent: no firmware
    assert {r.status for r in outcome.records if r.target == "lab-vc-dc"} == {"pass"}


def test_level_three_requires_central_syslog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    level2 = copy_estate(tmp_path / "l2", extra=False)
    level3 = copy_estate(tmp_path / "l3", level=3, extra=False)
    monkeypatch.setenv("CAPDO_LAB_ENDPOINT_PASSWORD", TEST_PASSWORD)
    # provisioned for level 2 (no syslog), checked at level 3: VC.06 fails
    emulation = start_emulation(level3, {}, monkeypatch, provision_from=level2)
    try:
        stale = by_key(check_estate(load(level3), level3).records)
    finally:
        emulation.lab.stop()
    assert stale[("lab-vc-xa1", "VC.06")].status == "fail"
    assert stale[("lab-vc-xa1", "VC.06")].evidence.detail == "endpoints.check.vc06.no-syslog"
    # provisioned for level 3: the rendered file names the log host, VC.06 passes
    emulation = start_emulation(level3, {}, monkeypatch)
    try:
        fresh = by_key(check_estate(load(level3), level3).records)
    finally:
        emulation.lab.stop()
    assert fresh[("lab-vc-xa1", "VC.06")].status == "pass"
    assert fresh[("lab-vc-xa1", "VC.06")].evidence.expected == {
        "ntp": ["198.18.0.33"],
        "syslog": "198.18.0.33",
    }


def test_overlay_lists_the_extra_ports(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text(yaml.safe_dump({"lab-web01": {"host": "198.18.0.34", "port": 22}}))
    write_overlay(path, {"lab-vc-dc": {"sip_udp": 1, "sip_tcp": 2, "sip_tls": 3, "https": 4}})
    data = yaml.safe_load(path.read_text())
    assert data["lab-web01"] == {"host": "198.18.0.34", "port": 22}
    assert data["lab-vc-dc"] == {
        "host": "127.0.0.1",
        "https": 4,
        "sip_tcp": 2,
        "sip_tls": 3,
        "sip_udp": 1,
    }
