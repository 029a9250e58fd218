"""The estate's parameter policy: overrides reach the hosts' variables; a weaker value is an
error unless a waiver covers it."""

from __future__ import annotations

from pathlib import Path

from tests.inventory.test_cli import capdo
from tests.inventory.test_exports import _listing

WEAKER = """organisation: Lab
regime: legacy
overrides:
  - requirement_id: SRV.19
    parameter: log_retention_months
    value: 1
    justification: Disk is short.
"""
WAIVER = """  - id: LAB-W-099
    requirement_id: SRV.19
    parameter: log_retention_months
    scope: {estate: true}
    reason: Disk is short until the new storage arrives.
    approver: Trưởng phòng thí nghiệm
    approved_on: 2026-01-15
    expires_on: 2028-12-31
"""


def test_override_reaches_the_level_group_variables() -> None:
    from tests.conftest import LAB_ESTATE

    listing = _listing(LAB_ESTATE)
    params = listing["_meta"]["hostvars"]["lab-log01"]["capdo_params"]  # type: ignore[index]
    assert params["log_retention_months"] == 12  # the lab policy; the standard says 3


def test_weaker_override_is_an_error(lab_copy: Path) -> None:
    (lab_copy / "policy" / "legacy.yml").write_text(WEAKER, encoding="utf-8")
    run = capdo("evaluate", "-i", str(lab_copy), "--lang", "en")
    assert run.returncode == 2
    assert "weaker than the minimum 3" in run.stdout


def test_weaker_override_under_a_waiver_is_accepted(lab_copy: Path) -> None:
    (lab_copy / "policy" / "legacy.yml").write_text(WEAKER, encoding="utf-8")
    waivers = lab_copy / "waivers.yml"
    waivers.write_text(waivers.read_text(encoding="utf-8") + WAIVER, encoding="utf-8")
    run = capdo("evaluate", "-i", str(lab_copy), "--lang", "en")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "LAB-W-099" in run.stdout
