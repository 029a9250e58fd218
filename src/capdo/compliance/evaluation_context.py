"""What the evaluation steps share: the catalogue's compiled levels, the results, the registers.

Every lookup the steps repeat per target or per system (the requirements of a level for one
kind of target, whether a requirement is documentary, a document's validity) is computed once
and kept here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from capdo.compliance.catalogue_model import Catalogue, CheckKind, ParamValue, Requirement
from capdo.compliance.compile import CompiledLevel, CompiledRequirement, compile_level
from capdo.compliance.evidence import EvidenceIndex
from capdo.compliance.findings import Finding, ResultIndex, RoleOf
from capdo.compliance.registry import Registry, Role
from capdo.compliance.results import FAILING
from capdo.compliance.targets import CHECK_TARGET_KIND, TargetKind
from capdo.compliance.waivers import WaiverBook

#: The parameters in force at a level: requirement id → parameter name → value.
Parameters = Callable[[int], Mapping[str, Mapping[str, ParamValue | None]]]


def applies(requirement: Requirement, traits: frozenset[str]) -> bool:
    """Whether a requirement with ``applies_when`` applies to something with ``traits``."""
    return not requirement.applies_when or not traits.isdisjoint(requirement.applies_when)


@dataclass
class EvaluationContext:
    catalogue: Catalogue
    results: ResultIndex
    waivers: WaiverBook
    evidence: EvidenceIndex
    today: date
    registry: Registry | None = None
    parameters: Parameters | None = None
    _compiled: dict[int, CompiledLevel] = field(default_factory=dict)
    _by_kind: dict[tuple[int, TargetKind], tuple[CompiledRequirement, ...]] = field(
        default_factory=dict
    )
    _documentary: dict[str, bool] = field(default_factory=dict)
    _intervals: dict[tuple[str, int], int | None] = field(default_factory=dict)
    _roles: dict[tuple[str, str], Role | None] = field(default_factory=dict)

    @property
    def role(self) -> RoleOf | None:
        """The registry's role of a checker for a requirement, looked up once per pair (None
        without a registry: every result decides)."""
        return None if self.registry is None else self._role

    def _role(self, requirement_id: str, checker: str) -> Role | None:
        key = (requirement_id, checker)
        if key not in self._roles:
            assert self.registry is not None
            self._roles[key] = self.registry.role(requirement_id, checker)
        return self._roles[key]

    def level(self, level: int) -> CompiledLevel:
        if level not in self._compiled:
            self._compiled[level] = compile_level(self.catalogue, level)
        return self._compiled[level]

    def host_requirements(self, level: int, kind: TargetKind) -> tuple[CompiledRequirement, ...]:
        key = (level, kind)
        if key not in self._by_kind:
            self._by_kind[key] = tuple(
                cr
                for cr in self.level(level).requirements
                if CHECK_TARGET_KIND[cr.requirement.check] == kind
            )
        return self._by_kind[key]

    def documentary(self, requirement: Requirement) -> bool:
        """Decided by the evidence register (``check: manual``, or registered to it)."""
        known = self._documentary.get(requirement.id)
        if known is None:
            known = self._documentary[requirement.id] = requirement.check is CheckKind.manual or (
                self.registry is not None and self.registry.decided_by_evidence(requirement.id)
            )
        return known

    def has_checker(self, requirement_id: str) -> bool:
        return self.registry is None or requirement_id in self.registry.requirements

    def interval(self, cr: CompiledRequirement, level: int) -> int | None:
        """The document validity in months (the policy's value first, then the catalogue's)."""
        key = (cr.id, level)
        if key not in self._intervals:
            self._intervals[key] = self._interval(cr, level)
        return self._intervals[key]

    def _interval(self, cr: CompiledRequirement, level: int) -> int | None:
        name = cr.requirement.evidence_validity
        if name is None:
            return None
        value: object = None
        if self.parameters is not None:
            value = self.parameters(level).get(cr.id, {}).get(name)
        if value is None:
            param = cr.parameters.get(name)
            value = param.value if param is not None else None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def apply_waiver(
        self, finding: Finding, systems: Iterable[str], site: str | None, groups: Iterable[str]
    ) -> Finding:
        """The finding under the waiver register: ``waived`` under an active waiver (the status
        kept as ``original_status``), an expired waiver only noted."""
        if finding.status not in FAILING or not self.waivers.has_any(finding.requirement_id):
            return finding
        match = self.waivers.match(finding.requirement_id, finding.target, systems, site, groups)
        if match.active is not None:
            self.waivers.mark_applied(match.active)
            return replace(finding, status="waived", waiver_id=match.active.id)
        if match.expired is not None:
            return replace(finding, expired_waiver_id=match.expired.id)
        return finding
