"""The host step: every host requirement on every target of its kind, at the target's level.

A target is evaluated once, at its effective level (the highest of its own level and its
systems' levels), against the requirements checked on its kind (server, network, endpoint).
No result → ``not_reviewed``; a requirement whose ``applies_when`` misses the target's and its
systems' traits → ``not_applicable``; a failing status under an active waiver → ``waived``.
What the system step needs (status, waiver and conflict per requirement and target) is kept in
:class:`HostStatuses`; the findings themselves go to ``emit``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from capdo.compliance.compile import CompiledRequirement
from capdo.compliance.evaluation_context import EvaluationContext, applies
from capdo.compliance.findings import (
    NO_CHECKER,
    NO_RESULT,
    NOT_APPLICABLE_TRAIT,
    Entry,
    Finding,
    finding_from_results,
    fixed_finding,
)
from capdo.compliance.membership import Membership
from capdo.compliance.results import Status
from capdo.compliance.targets import Target

Emit = Callable[[Finding], None]


@dataclass(slots=True)
class HostStatuses:
    """The host step's outcome per requirement and target, for the system step."""

    status: dict[str, dict[str, Status]] = field(default_factory=dict)
    """Requirement id → target id → status (after waivers)."""
    waivers: dict[str, dict[str, str]] = field(default_factory=dict)
    """Requirement id → target id → the waiver that applied."""
    conflicts: dict[str, set[str]] = field(default_factory=dict)
    """Requirement id → the targets where two checkers disagree."""

    def keep(self, finding: Finding) -> None:
        key = finding.requirement_id
        per_requirement = self.status.get(key)
        if per_requirement is None:
            per_requirement = self.status[key] = {}
        per_requirement[finding.target] = finding.status
        if finding.conflict:
            self.conflicts.setdefault(key, set()).add(finding.target)
        if finding.waiver_id is not None:
            self.waivers.setdefault(key, {})[finding.target] = finding.waiver_id

    @property
    def conflict_count(self) -> int:
        """Requirement-target pairs where two checkers disagree."""
        return sum(len(targets) for targets in self.conflicts.values())


def host_finding(
    ctx: EvaluationContext,
    cr: CompiledRequirement,
    target: Target,
    level: int,
    traits: frozenset[str],
    results: dict[str, list[Entry]],
) -> Finding:
    """One host requirement on one target (``results``: the target's results by requirement)."""
    rid = cr.id
    if not applies(cr.requirement, traits):
        return fixed_finding(
            rid, target.id, target.kind, level, "not_applicable", NOT_APPLICABLE_TRAIT
        )
    entries = results.get(rid)
    if entries:
        finding = finding_from_results(entries, rid, target.id, target.kind, level, ctx.role)
    else:
        detail = NO_RESULT if ctx.has_checker(rid) else NO_CHECKER
        finding = fixed_finding(rid, target.id, target.kind, level, "not_reviewed", detail)
    return ctx.apply_waiver(finding, target.systems, target.site, target.groups)


def evaluate_hosts(
    ctx: EvaluationContext, targets: Sequence[Target], membership: Membership, emit: Emit
) -> HostStatuses:
    """Evaluate every target that has a level; each finding is kept and passed to ``emit``."""
    statuses = HostStatuses()
    for target in targets:
        level = membership.level(target)
        if level is None:
            continue
        traits = membership.traits(target)
        results = ctx.results.of_target(target.id)
        for cr in ctx.host_requirements(level, target.kind):
            finding = host_finding(ctx, cr, target, level, traits, results)
            statuses.keep(finding)
            emit(finding)
    return statuses
