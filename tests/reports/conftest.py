"""Fixtures for the report tests: result records for the lab estate, written as a checker would.

The records are synthetic (no lab is started): reports read records, they never run checks,
so a report test needs only a records file, the estate and the catalogues.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from capdo.compliance.catalogue_loader import load_regime
from capdo.compliance.compile import compile_level
from capdo.compliance.registry import load_registry
from capdo.compliance.results import Evidence, ResultRecord, Status, write_results_jsonl
from capdo.compliance.targets import CHECK_TARGET_KIND
from capdo.exports.compliance_view import compliance_systems, compliance_targets
from capdo.inventory.index import EstateIndex
from capdo.inventory.validate import load_estate

REPO = Path(__file__).resolve().parents[2]
LAB = REPO / "inventories" / "lab"
CATALOGUES = REPO / "checks" / "catalogue"
TODAY = date(2026, 11, 21)
MOMENT = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)

Override = dict[tuple[str, str], tuple[Status, Evidence]]
FIXTURE_CHECKER = {
    "server": "capdo.checks.server:fixture",
    "network": "capdo.network.audit:fixture",
    "endpoint": "capdo.endpoints:fixture",
}
"""Records written as the registered checker of each target kind would write them."""


def lab_records(
    estate: Path, run_id: str, overrides: Override | None = None, when: datetime = MOMENT
) -> list[ResultRecord]:
    """A pass for every host requirement each target is checked on, with ``overrides``.

    Each record comes from a checker registered to decide its requirement (the intake
    rejects the others).

    System-level results (inventory checks) come from the estate checks of the assessment.
    """
    loaded = load_estate(estate)
    assert loaded.inventory is not None
    index = EstateIndex(loaded.inventory)
    levels = {s.id: s.level for s in compliance_systems(index)}
    overrides = overrides or {}
    registry = load_registry(CATALOGUES)
    wanted: dict[tuple[str, str], str] = {}
    kinds = {t.id: t.kind for t in compliance_targets(index)}
    for regime in loaded.inventory.estate.regimes:
        catalogue = load_regime(regime, CATALOGUES)
        for target in compliance_targets(index):
            level = max([target.level or 1, *(levels[s] for s in target.systems)])
            for item in compile_level(catalogue, level).requirements:
                if CHECK_TARGET_KIND[item.requirement.check] == target.kind and registry.role(
                    item.id, FIXTURE_CHECKER[target.kind]
                ):
                    wanted[(item.id, target.id)] = FIXTURE_CHECKER[target.kind]
    records = []
    for (rid, target), checker in sorted(wanted.items()):
        kind = kinds[target]
        status, evidence = overrides.get(
            (rid, target), ("pass", Evidence(expected=True, actual=True))
        )
        records.append(
            ResultRecord(
                requirement_id=rid,
                target=target,
                target_kind=kind,  # type: ignore[arg-type]
                status=status,
                evidence=evidence,
                checker=checker,
                time=when,
                run_id=run_id,
            )
        )
    return records


def write_records(path: Path, records: Iterable[ResultRecord]) -> Path:
    write_results_jsonl(path, records)
    return path


@pytest.fixture
def records_file(tmp_path: Path) -> Callable[..., Path]:
    def make(
        run_id: str = "run-1",
        overrides: Override | None = None,
        estate: Path = LAB,
        when: datetime = MOMENT,
    ) -> Path:
        return write_records(
            tmp_path / f"{run_id}.jsonl", lab_records(estate, run_id, overrides, when)
        )

    return make


def report_for(estate: Path, files: tuple[Path, ...], run_key: str = "run-1"):  # type: ignore[no-untyped-def]
    """The report data for ``estate`` and result ``files`` (no history)."""
    from capdo.reports.build import build_report
    from capdo.reports.inputs import load_inputs

    inputs = load_inputs(estate, files, "vi", MOMENT)
    return build_report(inputs, today=TODAY, generated_at=MOMENT, run_key=run_key)


FAILING_WEB = {
    ("SRV.03", "lab-web01"): (
        "fail",
        Evidence(expected={"minlen": 14}, actual={"minlen": 8}, detail="pwquality minlen"),
    ),
    ("SRV.04", "lab-db01"): ("error", Evidence(detail="ssh: connection refused")),
}
"""Two broken results: a failed password policy and an unreachable host."""

WAIVERS_YML = """\
waivers:
  - id: W-2026-001
    requirement_id: SRV.03
    scope: {hosts: [lab-web01]}
    reason: Ứng dụng cũ chưa hỗ trợ mật khẩu 14 ký tự
    approver: Nguyễn Văn An
    approved_on: 2026-01-10
    expires_on: 2026-12-31
  - id: W-2025-009
    requirement_id: SRV.04
    scope: {hosts: [lab-db01]}
    reason: Máy chủ đang chuyển đổi
    approver: Trần Thị Bình
    approved_on: 2025-01-10
    expires_on: 2025-06-30
"""


@pytest.fixture
def bare_lab(lab_copy: Path) -> Path:
    """The lab estate without its waiver and evidence registers (tests add their own)."""
    for name in ("waivers", "evidence"):
        for path in (lab_copy / f"{name}.yml", lab_copy / f"{name}.yaml"):
            path.unlink(missing_ok=True)
        folder = lab_copy / name
        if folder.is_dir():
            import shutil

            shutil.rmtree(folder)
    return lab_copy
