"""Evaluation: per requirement per target, and per information system a verdict at its level.

Inputs are plain data: the catalogue, :class:`~capdo.compliance.targets.SystemRef` and
:class:`~capdo.compliance.targets.Target` objects, a :class:`ResultIndex` built from result
records, waivers and the manual evidence register. ``today`` is injected.

- Host requirements (check kind server/scap/network/endpoint) are evaluated once per
  target of the matching kind, at the target's effective level (the highest of its own
  level and its systems' levels). No result → ``not_reviewed`` (nobody decided it).
- Several results for one requirement and target: the registry's deciding checkers decide
  (the stricter result wins between deciders); corroborating results are kept beside the
  decision, and a pass/fail disagreement between any two results is marked as a conflict.
  Without a registry every result decides.
- System requirements (inventory/manual) are evaluated on the system. Documentary ones
  (``check: manual``, or registered to the evidence register) are decided by the evidence
  register only (missing, overdue or future-dated → ``missing_evidence``); inventory ones
  by the estate checks' results.
- A requirement with ``applies_when`` applies only if the system or target has one of
  the traits; otherwise ``not_applicable``.
- ``fail``/``error``/``missing_evidence``/``not_reviewed`` under an active waiver become
  ``waived``; the original status and the waiver id are kept. Expired and invalid waivers
  do not apply and are reported.
- A system *meets* its level when no selected requirement is ``fail``, ``error``,
  ``missing_evidence`` or ``not_reviewed``. A technical score (requirements checked by a
  machine) and a documentary score (documents) use the catalogue's visible weights.

The work is done in steps, each in its own module: :mod:`~capdo.compliance.host_step` (every
target), :mod:`~capdo.compliance.system_step` (every system's requirements, combining its
members), :mod:`~capdo.compliance.score` (scores and verdicts); :mod:`~capdo.compliance.findings`
decides one requirement on one target. This module runs them in order and keeps the names
callers import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from capdo.compliance.catalogue_model import Catalogue
from capdo.compliance.evaluation_context import EvaluationContext, Parameters
from capdo.compliance.evidence import EvidenceIndex
from capdo.compliance.findings import (
    CORROBORATION_ONLY,
    EVIDENCE_CHECKER,
    NO_CHECKER,
    NO_RESULT,
    NOT_APPLICABLE_TRAIT,
    Decision,
    Entry,
    Finding,
    ResultIndex,
    decide,
)
from capdo.compliance.host_step import evaluate_hosts
from capdo.compliance.intake import RejectedRecord
from capdo.compliance.membership import Membership
from capdo.compliance.registry import Registry
from capdo.compliance.score import Scoring, system_verdict
from capdo.compliance.system_step import SystemStep
from capdo.compliance.targets import SystemRef, Target
from capdo.compliance.verdicts import Evaluation, RequirementOutcome, SystemVerdict
from capdo.compliance.waivers import Waiver, WaiverBook
from capdo.gcpause import paused_gc

__all__ = [
    "CORROBORATION_ONLY",
    "EVIDENCE_CHECKER",
    "NOT_APPLICABLE_TRAIT",
    "NO_CHECKER",
    "NO_RESULT",
    "Decision",
    "Entry",
    "Evaluation",
    "Finding",
    "Parameters",
    "RequirementOutcome",
    "ResultIndex",
    "SystemVerdict",
    "decide",
    "evaluate",
]


class _Emitter:
    """Counts the findings, keeps them when asked and passes them to the caller's sink."""

    __slots__ = ("_keep", "_sink", "count", "kept")

    def __init__(self, keep: bool, sink: Callable[[Finding], None] | None) -> None:
        self.count = 0
        self.kept: list[Finding] = []
        self._keep = keep
        self._sink = sink

    def __call__(self, finding: Finding) -> None:
        self.count += 1
        if self._sink is not None:
            self._sink(finding)
        if self._keep:
            self.kept.append(finding)


def evaluate(
    catalogue: Catalogue,
    systems: Sequence[SystemRef],
    targets: Sequence[Target],
    results: ResultIndex,
    *,
    today: date,
    waivers: Sequence[Waiver] = (),
    evidence: EvidenceIndex | None = None,
    keep_findings: bool = True,
    sink: Callable[[Finding], None] | None = None,
    registry: Registry | None = None,
    parameters: Parameters | None = None,
    waiver_max_months: int | None = None,
    rejected: Sequence[RejectedRecord] = (),
    provenance: Sequence[Mapping[str, object]] = (),
) -> Evaluation:
    """Evaluate ``systems`` and their member ``targets`` against ``catalogue``.

    With ``keep_findings=False`` the per-target findings are not kept in memory (pass a
    ``sink`` to stream them, e.g. to a JSONL writer); verdicts, counts and scores are
    the same.
    """
    book = WaiverBook(tuple(waivers), today, waiver_max_months)
    ctx = EvaluationContext(
        catalogue, results, book, evidence or EvidenceIndex(), today, registry, parameters
    )
    scoring = Scoring(catalogue)
    emit = _Emitter(keep_findings, sink)
    verdicts: list[SystemVerdict] = []
    with paused_gc():  # millions of small acyclic objects: see capdo.gcpause
        membership = Membership.of(systems, targets)
        hosts = evaluate_hosts(ctx, targets, membership, emit)
        conflicts = hosts.conflict_count
        system_step = SystemStep(ctx, hosts, scoring, emit)
        for system in systems:
            step = system_step.evaluate(system, membership.members(system))
            conflicts += step.conflicts
            verdicts.append(system_verdict(system, step.outcomes, step.finding_counts))
    return Evaluation(
        catalogue_id=catalogue.id,
        regime=catalogue.regime,
        today=today,
        systems=tuple(verdicts),
        findings=tuple(emit.kept),
        waivers=tuple(book.report()),
        scoring=scoring.summary(),
        unknown_members=membership.unknown_members,
        unassigned_targets=membership.unassigned(targets),
        finding_total=emit.count,
        conflicts=conflicts,
        rejected=tuple(rejected),
        provenance=tuple(provenance),
    )
