"""The estate-check registry, the context every check reads, and the runner."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from capdo.checks.contract import REQUIREMENTS_ATTR
from capdo.compliance.catalogue_loader import load_regime
from capdo.compliance.catalogue_model import ParamValue
from capdo.compliance.compile import compile_level
from capdo.compliance.evidence import EvidenceIndex
from capdo.compliance.results import Evidence, ResultRecord, Status
from capdo.compliance.targets import TargetKind
from capdo.exports.baseline import baseline
from capdo.exports.policy import EstatePolicy
from capdo.inventory.index import EstateIndex
from capdo.inventory.index import TargetKind as InventoryKind

CHECKER = "capdo.estate"
MODULES = ("governance", "architecture", "operations")


@dataclass
class EstateContext:
    index: EstateIndex
    catalogue_dir: Path
    run_id: str
    time: datetime
    evidence: EvidenceIndex = field(default_factory=EvidenceIndex)
    policy: EstatePolicy | None = None

    @property
    def today(self) -> date:
        return self.time.date()

    @property
    def regimes(self) -> tuple[str, ...]:
        return self.index.inventory.estate.regimes

    def params(self, kind: InventoryKind, level: int) -> dict[str, ParamValue | None]:
        regimes = self.index.inventory.estate.regimes
        return baseline(kind, level, regimes, self.catalogue_dir, self.policy).params

    def host_requirements(self, kind: InventoryKind, level: int) -> frozenset[str]:
        regimes = self.index.inventory.estate.regimes
        return frozenset(baseline(kind, level, regimes, self.catalogue_dir).requirements)

    @cached_property
    def _system_selected(self) -> dict[int, frozenset[str]]:
        selected: dict[int, frozenset[str]] = {}
        for level in range(1, 6):
            ids: set[str] = set()
            for regime in self.index.inventory.estate.regimes:
                ids.update(compile_level(load_regime(regime, self.catalogue_dir), level).ids)
            selected[level] = frozenset(ids)
        return selected

    def selected(self, requirement_id: str, level: int) -> bool:
        """Whether either regime in force selects the requirement at ``level``."""
        return requirement_id in self._system_selected[level]

    def record(
        self,
        requirement_id: str,
        target: str,
        kind: TargetKind,
        status: Status,
        *,
        expected: object = None,
        actual: object = None,
        detail: str | None = None,
    ) -> ResultRecord:
        return ResultRecord(
            requirement_id=requirement_id,
            target=target,
            target_kind=kind,
            status=status,
            evidence=Evidence.model_validate(
                {"expected": expected, "actual": actual, "detail": detail}
            ),
            checker=CHECKER,
            time=self.time,
            run_id=self.run_id,
        )


EstateCheck = Callable[[EstateContext], Iterator[ResultRecord]]
"""An estate check: a :class:`capdo.checks.contract.Checker` over the estate context."""
REGISTRY: dict[str, tuple[tuple[str, ...], EstateCheck]] = {}


def estate_check(*requirement_ids: str) -> Callable[[EstateCheck], EstateCheck]:
    """Register a check for the requirement ids it decides."""

    def register(function: EstateCheck) -> EstateCheck:
        setattr(function, REQUIREMENTS_ATTR, tuple(requirement_ids))
        REGISTRY[function.__name__] = (requirement_ids, function)
        return function

    return register


def run_estate_checks(context: EstateContext) -> list[ResultRecord]:
    for module in MODULES:
        importlib.import_module(f"capdo.estate_checks.{module}")
    return [record for _, check in REGISTRY.values() for record in check(context)]
