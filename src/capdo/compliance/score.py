"""The score step: weights and credits of outcomes, a system's scores and its verdict.

A system *meets* its level when no selected requirement is ``fail``, ``error``,
``missing_evidence`` or ``not_reviewed``. The score is ``100 * sum(weight * credit) /
sum(weight)`` over the outcomes that have a credit (``not_applicable`` has none), with the
catalogue's visible weights (a requirement's own weight, else its group's) and credits per
status; the technical score counts requirements checked by a machine, the documentary score
those decided by documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from capdo.compliance.catalogue_model import Catalogue, Requirement
from capdo.compliance.results import FAILING, STATUSES, Status
from capdo.compliance.targets import SystemRef
from capdo.compliance.verdicts import RequirementOutcome, SystemVerdict


class Scoring:
    """The catalogue's weights and credits."""

    __slots__ = ("_credits", "_weights")

    def __init__(self, catalogue: Catalogue) -> None:
        self._weights = catalogue.scoring.group_weights
        self._credits = catalogue.scoring.status_credit

    def weight(self, requirement: Requirement) -> float:
        if requirement.weight is not None:
            return requirement.weight
        return self._weights.get(requirement.group, 1.0)

    def credit(self, status: Status) -> float | None:
        """The credit of a status (None: not counted, for ``not_applicable``)."""
        return None if status == "not_applicable" else self._credits.get(status, 0.0)

    def summary(self) -> dict[str, object]:
        """How scores are computed, for the evaluation's readers."""
        return {
            "formula": "score = 100 * sum(weight * credit) / sum(weight), not_applicable excluded",
            "technical_score": "the same over requirements decided by checkers",
            "documentary_score": "the same over documentary requirements (evidence register)",
            "group_weights": {g.value: w for g, w in self._weights.items()},
            "status_credit": dict(self._credits),
        }


def score(outcomes: Iterable[RequirementOutcome]) -> float | None:
    """The weighted score in percent (None when nothing is scored)."""
    scored = [o for o in outcomes if o.credit is not None]
    denominator = sum(o.weight for o in scored)
    if not denominator:
        return None
    return round(100.0 * sum(o.weight * (o.credit or 0.0) for o in scored) / denominator, 2)


def _counts(statuses: Iterable[Status]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        counts[status] += 1
    return counts


def system_verdict(
    system: SystemRef, outcomes: tuple[RequirementOutcome, ...], finding_counts: Mapping[str, int]
) -> SystemVerdict:
    """The verdict of a system at its level from its requirement outcomes."""
    return SystemVerdict(
        system_id=system.id,
        level=system.level,
        meets=not any(o.status in FAILING for o in outcomes),
        counts=_counts(o.status for o in outcomes),
        finding_counts={s: finding_counts.get(s, 0) for s in STATUSES},
        score=score(outcomes),
        outcomes=outcomes,
        technical_score=score(o for o in outcomes if not o.documentary),
        documentary_score=score(o for o in outcomes if o.documentary),
    )
