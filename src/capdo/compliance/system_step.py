"""The system step: every requirement a system's level selects, combined into one outcome.

- A host requirement combines the host step's statuses of the system's members of its kind
  (the worst wins; a member without a status is ``not_reviewed``; no member of the kind →
  ``not_applicable``), with the waivers that applied and the conflicts.
- A system requirement is evaluated on the system itself: documentary ones (``check: manual``,
  or registered to the evidence register, or with no result but a document) by the evidence
  register (missing, overdue or future-dated → ``missing_evidence``), inventory ones by the
  estate checks' results; then waivers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from capdo.compliance.compile import CompiledRequirement
from capdo.compliance.evaluation_context import EvaluationContext, applies
from capdo.compliance.findings import (
    EVIDENCE_CHECKER,
    NO_CHECKER,
    NO_RESULT,
    NOT_APPLICABLE_TRAIT,
    Finding,
    finding_from_results,
    fixed_finding,
)
from capdo.compliance.host_step import Emit, HostStatuses
from capdo.compliance.results import Status, worst
from capdo.compliance.score import Scoring
from capdo.compliance.targets import CHECK_TARGET_KIND, SystemRef, Target, TargetKind
from capdo.compliance.verdicts import RequirementOutcome


class Combined(NamedTuple):
    """One requirement of one system before scoring: status, per-status target counts,
    the waivers that applied and the number of conflicts."""

    status: Status
    targets: dict[str, int]
    waivers: tuple[str, ...]
    conflicts: int


def _evidence_finding(
    ctx: EvaluationContext, system: SystemRef, cr: CompiledRequirement
) -> Finding:
    months = ctx.interval(cr, system.level)
    verdict = ctx.evidence.assess(cr.id, system.id, months, ctx.today, system.owner)
    return Finding(
        cr.id,
        system.id,
        "system",
        system.level,
        verdict.status,
        verdict.status,
        verdict.evidence,
        EVIDENCE_CHECKER,
    )


def system_finding(ctx: EvaluationContext, system: SystemRef, cr: CompiledRequirement) -> Finding:
    """One system requirement on the system itself (after waivers)."""
    req = cr.requirement
    if not applies(req, system.traits):
        return fixed_finding(
            req.id, system.id, "system", system.level, "not_applicable", NOT_APPLICABLE_TRAIT
        )
    entries = ctx.results.entries(req.id, system.id)
    if ctx.documentary(req) or (not entries and ctx.evidence.has(req.id, system.id)):
        finding = _evidence_finding(ctx, system, cr)
    elif entries:
        finding = finding_from_results(entries, req.id, system.id, "system", system.level, ctx.role)
    else:
        detail = NO_RESULT if ctx.has_checker(req.id) else NO_CHECKER
        finding = fixed_finding(req.id, system.id, "system", system.level, "not_reviewed", detail)
    return ctx.apply_waiver(finding, (system.id,), system.site, ())


def _on_system(finding: Finding) -> Combined:
    waivers = (finding.waiver_id,) if finding.waiver_id else ()
    return Combined(finding.status, {finding.status: 1}, waivers, int(finding.conflict))


def _on_members(requirement_id: str, members: Sequence[str], hosts: HostStatuses) -> Combined:
    """Combine the host step's statuses of ``members`` (targets of the requirement's kind):
    the worst wins, a member without a status is ``not_reviewed``, no member is
    ``not_applicable``."""
    statuses = hosts.status.get(requirement_id, {})
    status: Status = "not_applicable"
    targets: dict[str, int] = {}
    for host in members:
        member_status = statuses.get(host, "not_reviewed")
        count = targets.get(member_status)
        if count is None:
            targets[member_status] = 1
            status = worst(status, member_status)
        else:
            targets[member_status] = count + 1
    conflicted = hosts.conflicts.get(requirement_id)
    conflicts = sum(host in conflicted for host in members) if conflicted else 0
    waived = hosts.waivers.get(requirement_id)
    waivers = tuple(dict.fromkeys(waived[h] for h in members if waived.get(h))) if waived else ()
    return Combined(status, targets, waivers, conflicts)


@dataclass(slots=True)
class SystemOutcomes:
    """The system step's result for one system."""

    outcomes: tuple[RequirementOutcome, ...]
    finding_counts: dict[str, int]
    """Per status, the findings behind the outcomes (host findings of members and system
    findings)."""
    conflicts: int
    """Conflicts among the system's own findings (host conflicts are counted by the host step)."""


@dataclass(frozen=True, slots=True)
class _Planned:
    """A requirement of a level with what every system at that level needs of it."""

    cr: CompiledRequirement
    kind: TargetKind
    weight: float
    documentary: bool


class SystemStep:
    """Evaluates systems one after another (after the host step), planning each level once."""

    __slots__ = ("_ctx", "_emit", "_hosts", "_plans", "_scoring")

    def __init__(
        self, ctx: EvaluationContext, hosts: HostStatuses, scoring: Scoring, emit: Emit
    ) -> None:
        self._ctx = ctx
        self._hosts = hosts
        self._scoring = scoring
        self._emit = emit
        self._plans: dict[int, tuple[_Planned, ...]] = {}

    def _plan(self, level: int) -> tuple[_Planned, ...]:
        plan = self._plans.get(level)
        if plan is None:
            plan = self._plans[level] = tuple(
                _Planned(
                    cr,
                    CHECK_TARGET_KIND[cr.requirement.check],
                    self._scoring.weight(cr.requirement),
                    self._ctx.documentary(cr.requirement),
                )
                for cr in self._ctx.level(level).requirements
            )
        return plan

    def _combine(
        self, system: SystemRef, planned: _Planned, by_kind: dict[TargetKind, list[str]]
    ) -> tuple[Combined, int]:
        """The requirement's combined outcome, and the conflicts of the system's own finding."""
        if planned.kind != "system":
            return _on_members(planned.cr.id, by_kind.get(planned.kind, ()), self._hosts), 0
        finding = system_finding(self._ctx, system, planned.cr)
        self._emit(finding)
        combined = _on_system(finding)
        return combined, combined.conflicts

    def evaluate(self, system: SystemRef, members: Sequence[Target]) -> SystemOutcomes:
        """Every requirement of the system's level; system findings are passed to ``emit``."""
        by_kind: dict[TargetKind, list[str]] = {}
        for host in members:
            by_kind.setdefault(host.kind, []).append(host.id)
        outcomes: list[RequirementOutcome] = []
        finding_counts: dict[str, int] = {}
        own_conflicts = 0
        credit = self._scoring.credit
        for planned in self._plan(system.level):
            combined, conflicts = self._combine(system, planned, by_kind)
            own_conflicts += conflicts
            for status, count in combined.targets.items():
                finding_counts[status] = finding_counts.get(status, 0) + count
            outcomes.append(
                RequirementOutcome(
                    planned.cr.id,
                    combined.status,
                    planned.weight,
                    credit(combined.status),
                    combined.targets,
                    combined.waivers,
                    planned.documentary,
                    combined.conflicts,
                )
            )
        return SystemOutcomes(tuple(outcomes), finding_counts, own_conflicts)
