"""Result intake: which result records the evaluation may count, and why others are rejected.

A results file comes from another machine and is written with less authority than the
operator's, so each record is screened before it reaches the evaluation. A rejected record
never changes a verdict; it is reported with the reason:

- ``unknown-requirement``: no catalogue in force has its requirement id;
- ``unknown-system`` / ``unknown-target``: the estate has no such system or target (of that kind);
- ``future`` / ``stale``: dated after the run, or older than the policy's maximum age;
- ``claims-waiver``: ``waived`` or a waiver id (waivers come from the waiver register only);
- ``claims-evidence``: ``missing_evidence`` (documents come from the evidence register only);
- ``documentary``: a result for a documentary requirement (decided by the evidence register);
- ``unregistered-checker``: the registry names no such checker for the requirement;
- ``na-without-reason``: ``not_applicable`` without a reason.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from capdo.compliance.registry import Registry
from capdo.compliance.results import ResultRecord

#: Clock skew tolerated between the checker's machine and this one.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """A record the evaluation did not count, with the reason's message key."""

    reason: str
    record: ResultRecord
    source: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "reason": self.reason,
            "key": f"compliance.intake.{self.reason}",
            "requirement_id": self.record.requirement_id,
            "target": self.record.target,
            "target_kind": self.record.target_kind,
            "status": self.record.status,
            "checker": self.record.checker,
            "time": self.record.time.isoformat(),
            "run_id": self.record.run_id,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Intake:
    """What the evaluation may trust: known ids, the registry and the clock."""

    requirements: Collection[str]
    documentary: Collection[str]
    systems: Collection[str]
    targets: Mapping[str, str]
    """target id → kind (server, network, endpoint)."""
    registry: Registry
    moment: datetime
    max_age: timedelta

    def reason(self, record: ResultRecord) -> str | None:
        """Why ``record`` must not be counted, or None."""
        if record.requirement_id not in self.requirements:
            return "unknown-requirement"
        if record.target_kind == "system":
            if record.target not in self.systems:
                return "unknown-system"
        elif self.targets.get(record.target) != record.target_kind:
            return "unknown-target"
        if record.time > self.moment + CLOCK_SKEW:
            return "future"
        if record.time < self.moment - self.max_age:
            return "stale"
        if record.status == "waived" or record.waiver_id is not None:
            return "claims-waiver"
        if record.status == "missing_evidence":
            return "claims-evidence"
        if record.requirement_id in self.documentary:
            return "documentary"
        if self.registry.role(record.requirement_id, record.checker) is None:
            return "unregistered-checker"
        if record.status == "not_applicable" and not (record.evidence.detail or "").strip():
            return "na-without-reason"
        return None

    def screen(
        self, records: Iterable[ResultRecord], source: str | None = None
    ) -> tuple[list[ResultRecord], list[RejectedRecord]]:
        accepted: list[ResultRecord] = []
        rejected: list[RejectedRecord] = []
        for record in records:
            why = self.reason(record)
            if why is None:
                accepted.append(record)
            else:
                rejected.append(RejectedRecord(why, record, source))
        return accepted, rejected
