"""The runner of the estate checks (content: ``checks/estate/*.py``, on the check contract)
and the context every check reads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from capdo.checks import content_dir, contract, load_checks
from capdo.compliance import (
    Evidence,
    EvidenceIndex,
    ParamValue,
    ResultRecord,
    Status,
    TargetKind,
    compile_level,
    load_regime,
)
from capdo.exports import EstatePolicy, baseline
from capdo.inventory import EstateIndex
from capdo.inventory import TargetKind as InventoryKind

CHECKER = "capdo.estate"
KIND = "estate"


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

    def require(
        self,
        requirement_id: str,
        target: str,
        kind: TargetKind,
        ok: object,
        *,
        expected: object = None,
        actual: object = None,
        detail: str | None = None,
    ) -> ResultRecord:
        """The record of one target: ``pass`` when ``ok`` holds, otherwise ``fail`` with
        ``detail`` (:func:`capdo.checks.contract.require`)."""
        try:
            found = contract.require(ok, expected=expected, actual=actual, detail=detail)
        except contract.CheckFailed as failed:
            return self._record(requirement_id, target, kind, *contract.outcome(failed))
        return self._record(requirement_id, target, kind, *contract.outcome(None, found))

    def ended(
        self, requirement_id: str, target: str, kind: TargetKind, ended: contract.CheckEnded
    ) -> ResultRecord:
        """The record of a target whose check ended without a finding (a parameter nobody
        set: ``not_reviewed``)."""
        return self._record(requirement_id, target, kind, *contract.outcome(ended))

    def not_applicable(
        self, requirement_id: str, target: str, kind: TargetKind, reason: str
    ) -> ResultRecord:
        try:
            contract.not_applicable(reason)
        except contract.CheckEnded as ended:
            return self.ended(requirement_id, target, kind, ended)

    def _record(
        self,
        requirement_id: str,
        target: str,
        kind: TargetKind,
        status: Status,
        found: Evidence,
    ) -> ResultRecord:
        return ResultRecord(
            requirement_id=requirement_id,
            target=target,
            target_kind=kind,
            status=status,
            evidence=found,
            checker=CHECKER,
            time=self.time,
            run_id=self.run_id,
        )


EstateCheck = Callable[[EstateContext], Iterator[ResultRecord]]
"""An estate check: a :class:`capdo.checks.contract.Checker` over the estate context."""


def estate_checks(catalogue_dir: Path) -> tuple[EstateCheck, ...]:
    """The checks of ``checks/estate`` beside the catalogue, in file and definition order."""
    return load_checks(content_dir(catalogue_dir, KIND))


def run_estate_checks(context: EstateContext) -> list[ResultRecord]:
    return [record for check in estate_checks(context.catalogue_dir) for record in check(context)]
