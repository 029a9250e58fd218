"""Findings: the outcome of one requirement on one target, decided from its results.

- :class:`ResultIndex` keeps every counted result per target and requirement (for conflicts);
- :func:`decide` picks the deciding result (registry roles, the stricter wins) and marks a
  pass/fail disagreement between checkers as a conflict;
- :class:`Finding` is what the evaluation says about the pair, with its evidence.

The fixed evidences (no result, no checker, not applicable) are shared frozen objects: an
estate has hundreds of thousands of findings and most of them carry one of these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from capdo.compliance.registry import Registry, Role
from capdo.compliance.results import Evidence, ResultRecord, Status, worst
from capdo.compliance.targets import TargetKind

NO_RESULT = "compliance.eval.no-result"
NO_CHECKER = "compliance.eval.no-checker"
CORROBORATION_ONLY = "compliance.eval.corroboration-only"
NOT_APPLICABLE_TRAIT = "compliance.eval.trait-na"
EVIDENCE_CHECKER = "evidence-register"

#: One shared evidence per fixed detail (``Evidence`` is frozen).
FIXED_EVIDENCE: Final[dict[str, Evidence]] = {
    detail: Evidence(detail=detail)
    for detail in (NO_RESULT, NO_CHECKER, CORROBORATION_ONLY, NOT_APPLICABLE_TRAIT)
}

Entry = tuple[Status, ResultRecord | None]


class ResultIndex:
    """Results by target id then requirement id, every result kept (for conflicts).

    Stored as nested dicts (no tuple key per result) so millions of results stay small.
    """

    __slots__ = ("_count", "_data")

    def __init__(self) -> None:
        self._data: dict[str, dict[str, list[Entry]]] = {}
        self._count = 0

    def add(
        self, requirement_id: str, target: str, status: Status, record: ResultRecord | None = None
    ) -> None:
        per_target = self._data.get(target)
        if per_target is None:
            per_target = self._data[target] = {}
        entries = per_target.get(requirement_id)
        if entries is None:
            self._count += 1
            per_target[requirement_id] = [(status, record)]
        else:
            entries.append((status, record))

    def add_record(self, record: ResultRecord) -> None:
        self.add(record.requirement_id, record.target, record.status, record)

    @classmethod
    def from_records(cls, records: Iterable[ResultRecord]) -> ResultIndex:
        index = cls()
        for record in records:
            index.add_record(record)
        return index

    def entries(self, requirement_id: str, target: str) -> list[Entry]:
        per_target = self._data.get(target)
        if per_target is None:
            return []
        return per_target.get(requirement_id) or []

    def of_target(self, target: str) -> dict[str, list[Entry]]:
        """Every result of one target, by requirement id (empty when it has none)."""
        return self._data.get(target) or {}

    def get(self, requirement_id: str, target: str) -> tuple[Status, ResultRecord | None] | None:
        """The worst result for the pair (every result deciding), or None."""
        found = self.entries(requirement_id, target)
        if not found:
            return None
        return _worst_entry(found)

    def __len__(self) -> int:
        return self._count


def _worst_entry(entries: Sequence[Entry]) -> Entry:
    best = entries[0]
    for entry in entries[1:]:
        if worst(best[0], entry[0]) != best[0]:
            best = entry
    return best


@dataclass(frozen=True, slots=True)
class Decision:
    status: Status
    record: ResultRecord | None
    conflict: bool
    results: tuple[ResultRecord, ...]
    detail: str | None = None


def _conflict(entries: Sequence[Entry]) -> bool:
    """Whether two checkers disagree (pass against fail).

    Several results of one checker are parts of one check (each sub-check of a requirement)
    and combine to the worst; they are not a conflict among themselves.
    """
    if len(entries) < 2:
        return False
    by_checker: dict[str, Status] = {}
    for status, record in entries:
        name = record.checker if record is not None else ""
        old = by_checker.get(name)
        by_checker[name] = status if old is None else worst(old, status)
    return {"pass", "fail"} <= set(by_checker.values())


#: The role of a record's checker for a requirement: ``(requirement id, checker) → role``.
RoleOf = Callable[[str, str], Role | None]


def decide(entries: Sequence[Entry], requirement_id: str, registry: Registry | None) -> Decision:
    """The status of one requirement on one target from all its results."""
    return decide_by_role(entries, requirement_id, registry.role if registry else None)


def decide_by_role(entries: Sequence[Entry], requirement_id: str, role: RoleOf | None) -> Decision:
    """:func:`decide` with the registry's roles looked up by ``role`` (None: every result
    decides)."""
    deciding = [
        (status, record)
        for status, record in entries
        if role is None or record is None or role(requirement_id, record.checker) == "decide"
    ]
    results = tuple(r for _, r in entries if r is not None)
    conflict = _conflict(entries)
    if not deciding:
        return Decision("not_reviewed", None, conflict, results, CORROBORATION_ONLY)
    status, record = _worst_entry(deciding)
    return Decision(status, record, conflict, results)


@dataclass(frozen=True, slots=True)
class Finding:
    """The outcome of one requirement on one target (a host, or the system itself)."""

    requirement_id: str
    target: str
    target_kind: TargetKind
    level: int
    status: Status
    original_status: Status
    evidence: Evidence | None = None
    checker: str | None = None
    waiver_id: str | None = None
    expired_waiver_id: str | None = None
    conflict: bool = False
    results: tuple[ResultRecord, ...] = ()
    """Every counted result for this pair (deciding and corroborating), with its evidence."""

    def to_record(
        self, run_id: str, time: datetime, checker: str = "capdo.evaluate"
    ) -> ResultRecord:
        """The finding as a result record (status after waivers, with the waiver id)."""
        return ResultRecord(
            requirement_id=self.requirement_id,
            target=self.target,
            target_kind=self.target_kind,
            status=self.status,
            evidence=self.evidence or Evidence(),
            checker=self.checker or checker,
            time=time,
            run_id=run_id,
            waiver_id=self.waiver_id,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "requirement_id": self.requirement_id,
            "target": self.target,
            "target_kind": self.target_kind,
            "level": self.level,
            "status": self.status,
            "original_status": self.original_status,
            "evidence": self.evidence.model_dump(mode="json") if self.evidence else None,
            "checker": self.checker,
            "waiver_id": self.waiver_id,
            "expired_waiver_id": self.expired_waiver_id,
            "conflict": self.conflict,
            "results": [r.model_dump(mode="json", exclude_none=True) for r in self.results]
            if len(self.results) > 1
            else [],
        }


def fixed_finding(
    requirement_id: str, target: str, kind: TargetKind, level: int, status: Status, detail: str
) -> Finding:
    """A finding decided without any result (not applicable, nobody checks it...)."""
    return Finding(requirement_id, target, kind, level, status, status, FIXED_EVIDENCE[detail])


def finding_from_results(
    entries: Sequence[Entry],
    requirement_id: str,
    target: str,
    kind: TargetKind,
    level: int,
    role: RoleOf | None,
) -> Finding:
    """The finding for a pair that has results (``entries`` not empty)."""
    decision = decide_by_role(entries, requirement_id, role)
    record = decision.record
    evidence = record.evidence if record is not None else None
    if decision.detail is not None:
        evidence = FIXED_EVIDENCE[decision.detail]
    return Finding(
        requirement_id,
        target,
        kind,
        level,
        decision.status,
        decision.status,
        evidence,
        record.checker if record is not None else None,
        conflict=decision.conflict,
        results=decision.results,
    )


def _evidence_json(evidence: Evidence) -> dict[str, object]:
    """``evidence.model_dump(mode="json", exclude_none=True)`` without the serializer: its
    fields hold JSON values already."""
    out: dict[str, object] = {}
    if evidence.expected is not None:
        out["expected"] = evidence.expected
    if evidence.actual is not None:
        out["actual"] = evidence.actual
    if evidence.detail is not None:
        out["detail"] = evidence.detail
    return out


def _compact(finding: Finding, evidence: dict[int, object]) -> dict[str, object]:
    """One finding without what its place says (target, kind, level, requirement id) and
    without defaults; ``evidence`` caches the JSON of shared evidence objects."""
    out: dict[str, object] = {"status": finding.status}
    if finding.original_status != finding.status:
        out["original_status"] = finding.original_status
    if finding.evidence is not None:
        key = id(finding.evidence)
        dumped = evidence.get(key)
        if dumped is None:
            dumped = evidence[key] = _evidence_json(finding.evidence)
        out["evidence"] = dumped
    for name in ("checker", "waiver_id", "expired_waiver_id"):
        value = getattr(finding, name)
        if value is not None:
            out[name] = value
    if finding.conflict:
        out["conflict"] = True
    if len(finding.results) > 1:
        out["results"] = [r.model_dump(mode="json", exclude_none=True) for r in finding.results]
    return out


def compact_findings(findings: Iterable[Finding]) -> dict[str, dict[str, dict[str, object]]]:
    """Findings keyed by target kind, target, then requirement id: ``{kind: {target: {"level",
    "requirements": {requirement id: {"status", ...}}}}}``, default values left out
    (``original_status`` equal to ``status``, null fields, no conflict, at most one result; a
    finding's ``level`` only where it differs from its target's). :func:`expand_findings`
    gives back every field."""
    out: dict[str, dict[str, dict[str, object]]] = {}
    blocks: dict[tuple[str, str], tuple[int, dict[str, object]]] = {}
    evidence: dict[int, object] = {}
    for finding in findings:
        key = (finding.target_kind, finding.target)
        block = blocks.get(key)
        if block is None:
            block = blocks[key] = (finding.level, {})
            out.setdefault(finding.target_kind, {})[finding.target] = {
                "level": finding.level,
                "requirements": block[1],
            }
        item = _compact(finding, evidence)
        if finding.level != block[0]:
            item["level"] = finding.level
        block[1][finding.requirement_id] = item
    return out


def expand_findings(
    compact: Mapping[str, Mapping[str, Mapping[str, object]]],
) -> list[dict[str, object]]:
    """The findings of :func:`compact_findings` with every field (as ``Finding.to_dict``)."""
    expanded: list[dict[str, object]] = []
    for kind, targets in compact.items():
        for target, block in targets.items():
            requirements = block["requirements"]
            assert isinstance(requirements, Mapping)
            for requirement_id, item in requirements.items():
                expanded.append(_expand(kind, target, block["level"], requirement_id, item))
    return expanded


def _expand(
    kind: str, target: str, level: object, requirement_id: str, item: Mapping[str, object]
) -> dict[str, object]:
    return {
        "requirement_id": requirement_id,
        "target": target,
        "target_kind": kind,
        "level": item.get("level", level),
        "status": item["status"],
        "original_status": item.get("original_status", item["status"]),
        "evidence": _full_evidence(item.get("evidence")),
        "checker": item.get("checker"),
        "waiver_id": item.get("waiver_id"),
        "expired_waiver_id": item.get("expired_waiver_id"),
        "conflict": item.get("conflict", False),
        "results": item.get("results", []),
    }


def _full_evidence(evidence: object) -> object:
    if not isinstance(evidence, Mapping):
        return None
    return {"expected": None, "actual": None, "detail": None, **evidence}
