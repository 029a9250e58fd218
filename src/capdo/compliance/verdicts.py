"""What an evaluation says: per requirement per system an outcome, per system a verdict, and
the whole :class:`Evaluation` with its findings, waivers and inputs (and their JSON form)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from capdo.compliance.findings import Finding, compact_findings
from capdo.compliance.intake import RejectedRecord
from capdo.compliance.results import Status
from capdo.compliance.waivers import WaiverUse
from capdo.gcpause import paused_gc


@dataclass(frozen=True, slots=True)
class RequirementOutcome:
    """One selected requirement for one system: its combined status and per-target counts."""

    requirement_id: str
    status: Status
    weight: float
    credit: float | None
    targets: dict[str, int]
    waivers: tuple[str, ...]
    documentary: bool = False
    conflicts: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "requirement_id": self.requirement_id,
            "status": self.status,
            "category": "documentary" if self.documentary else "technical",
            "weight": self.weight,
            "credit": self.credit,
            "targets": dict(self.targets),
            "waivers": list(self.waivers),
            "conflicts": self.conflicts,
        }


@dataclass(frozen=True, slots=True)
class SystemVerdict:
    system_id: str
    level: int
    meets: bool
    counts: dict[str, int]
    finding_counts: dict[str, int]
    score: float | None
    outcomes: tuple[RequirementOutcome, ...]
    technical_score: float | None = None
    documentary_score: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "system": self.system_id,
            "level": self.level,
            "verdict": "meets" if self.meets else "does_not_meet",
            "counts": dict(self.counts),
            "finding_counts": dict(self.finding_counts),
            "score": self.score,
            "technical_score": self.technical_score,
            "documentary_score": self.documentary_score,
            "requirements": [o.to_dict() for o in self.outcomes],
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    catalogue_id: str
    regime: str
    today: date
    systems: tuple[SystemVerdict, ...]
    findings: tuple[Finding, ...]
    waivers: tuple[WaiverUse, ...]
    scoring: dict[str, object]
    unknown_members: tuple[str, ...] = ()
    unassigned_targets: tuple[str, ...] = ()
    finding_total: int = 0
    conflicts: int = 0
    rejected: tuple[RejectedRecord, ...] = ()
    provenance: tuple[Mapping[str, object], ...] = ()

    def system(self, system_id: str) -> SystemVerdict:
        for verdict in self.systems:
            if verdict.system_id == system_id:
                return verdict
        raise KeyError(system_id)

    def to_dict(self, include_findings: bool = True) -> dict[str, object]:
        """The JSON form; findings (when included) are keyed by target then requirement id
        (see :func:`~capdo.compliance.findings.compact_findings`)."""
        with paused_gc():  # a national estate: millions of small dicts, no cycles
            return self._to_dict(include_findings)

    def _to_dict(self, include_findings: bool) -> dict[str, object]:
        out: dict[str, object] = {
            "catalogue": self.catalogue_id,
            "regime": self.regime,
            "date": self.today.isoformat(),
            "scoring": self.scoring,
            "systems": [s.to_dict() for s in self.systems],
            "waivers": [w.to_dict() for w in self.waivers],
            "unknown_members": list(self.unknown_members),
            "unassigned_targets": list(self.unassigned_targets),
            "finding_total": self.finding_total,
            "conflicts": self.conflicts,
            "rejected_records": [r.to_dict() for r in self.rejected],
            "provenance": [dict(p) for p in self.provenance],
        }
        if include_findings:
            out["findings"] = compact_findings(self.findings)
        return out
