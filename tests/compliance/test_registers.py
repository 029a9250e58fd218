"""YAML registers (waivers, policy, evidence) load with file:line:column errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from capdo.compliance.registers import load_evidence, load_policy, load_waivers
from capdo.compliance.yaml_source import DataFileError

WAIVERS = """\
waivers:
  - id: W-2026-001
    requirement_id: SRV.09
    scope: {systems: [dc], hosts: [srv-legacy-01]}
    reason: Monitoring agent needs port 22
    approver: Giám đốc Trung tâm
    approved_on: 2026-03-01
    expires_on: 2027-03-01
    compensating_control: SSH only from the management zone
  - id: W-2026-002
    requirement_id: SRV.03
    parameter: password_min_length
    scope: {groups: [appliances]}
    reason: Appliance limit
    approver: CISO
    approved_on: 2026-03-01
    expires_on: 2026-09-01
"""


def test_waivers_load(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yml"
    path.write_text(WAIVERS, encoding="utf-8")
    data = load_waivers(path)
    assert [w.id for w in data.waivers] == ["W-2026-001", "W-2026-002"]
    assert data.waivers[0].expires_on == date(2027, 3, 1)
    assert data.waivers[1].parameter == "password_min_length"


def test_waiver_problems_are_located(tmp_path: Path) -> None:
    text = (
        WAIVERS.replace("scope: {groups: [appliances]}", "scope: {}")
        .replace("W-2026-002", "W-2026-001")
        .replace("expires_on: 2027-03-01", "expires_on: 2026-01-01")
    )
    path = tmp_path / "waivers.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_waivers(path)
    rendered = [p.render("en") for p in info.value.problems]
    assert len(rendered) == 2
    assert rendered[0].startswith(f"{path}:2:5: waivers[0]")
    assert "expires_on is before approved_on" in rendered[0]
    assert rendered[1].startswith(f"{path}:13:5: waivers[1].scope")


def test_duplicate_waiver_id(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yml"
    path.write_text(WAIVERS.replace("W-2026-002", "W-2026-001"), encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_waivers(path)
    assert [p.render("en") for p in info.value.problems] == [
        f"{path}:10:5: Waiver id W-2026-001 is duplicated"
    ]


def test_policy_and_evidence(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text(
        "organisation: UBND tỉnh Phú Thọ\nregime: new\noverrides:\n"
        "  - requirement_id: AUD.01\n    parameter: assessment_interval_months\n"
        "    value: 12\n    justification: Quy chế tỉnh\n",
        encoding="utf-8",
    )
    assert load_policy(policy).overrides[0].value == 12
    evidence = tmp_path / "evidence.yml"
    entry = (
        "  - {requirement_id: GOV.01, system: dc, document_ref: QĐ 12/QĐ-UBND, dated: 2026-02-01}\n"
    )
    evidence.write_text("evidence:\n" + entry, encoding="utf-8")
    assert load_evidence(evidence).evidence[0].dated == date(2026, 2, 1)
    evidence.write_text("evidence:\n" + entry + entry, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_evidence(evidence)
    assert info.value.problems[0].line == 3
    policy.write_text("organisation: x\nregime: old\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_policy(policy)
    assert info.value.problems[0].render("en").startswith(f"{policy}:2:1: regime")
