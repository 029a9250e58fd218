"""Evaluation: per requirement per target, and per information system a verdict at its level.

Inputs are plain data: the catalogue, :class:`~capdo.compliance.targets.SystemRef` and
:class:`~capdo.compliance.targets.Target` objects, a :class:`ResultIndex` built from result
records, waivers and the manual evidence register. ``today`` is injected.

- Host requirements (check kind server/scap/network/endpoint) are evaluated once per
  target of the matching kind, at the target's effective level (the highest of its own
  level and its systems' levels). A missing result is ``error``.
- System requirements (inventory/manual) are evaluated on the system. Manual ones use
  the evidence register (missing or overdue → ``fail``), else a result record.
- A requirement with ``applies_when`` applies only if the system or target has one of
  the traits; otherwise ``not_applicable``.
- ``fail``/``error``/``manual`` under an active waiver become ``waived``; the original
  status and the waiver id are kept. Expired waivers do not apply and are reported.
- A system *meets* its level when no selected requirement is ``fail``, ``error`` or
  ``manual``. Its score uses the catalogue's visible ``scoring`` weights.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from capdo.compliance.catalogue_model import Catalogue, CheckKind, Requirement
from capdo.compliance.compile import CompiledLevel, CompiledRequirement, compile_level
from capdo.compliance.evidence import EvidenceIndex
from capdo.compliance.results import STATUSES, Evidence, ResultRecord, Status, worst
from capdo.compliance.targets import CHECK_TARGET_KIND, SystemRef, Target, TargetKind
from capdo.compliance.waivers import Waiver, WaiverBook, WaiverUse

FAILING: frozenset[str] = frozenset({"fail", "error", "manual"})
NO_RESULT = "compliance.eval.no-result"
NOT_APPLICABLE_TRAIT = "compliance.eval.trait-na"


class ResultIndex:
    """Results by target id then requirement id; several results for one pair combine to the worst.

    Stored as nested dicts (no tuple key per result) so millions of results stay small.
    """

    __slots__ = ("_count", "_data")

    def __init__(self) -> None:
        self._data: dict[str, dict[str, Status | tuple[Status, ResultRecord]]] = {}
        self._count = 0

    def add(
        self, requirement_id: str, target: str, status: Status, record: ResultRecord | None = None
    ) -> None:
        per_target = self._data.get(target)
        if per_target is None:
            per_target = self._data[target] = {}
        old = per_target.get(requirement_id)
        if old is None:
            self._count += 1
        else:
            old_status = old if isinstance(old, str) else old[0]
            if worst(old_status, status) == old_status:
                return
        per_target[requirement_id] = status if record is None else (status, record)

    def add_record(self, record: ResultRecord) -> None:
        self.add(record.requirement_id, record.target, record.status, record)

    @classmethod
    def from_records(cls, records: Iterable[ResultRecord]) -> ResultIndex:
        index = cls()
        for record in records:
            index.add_record(record)
        return index

    def get(self, requirement_id: str, target: str) -> tuple[Status, ResultRecord | None] | None:
        per_target = self._data.get(target)
        if per_target is None:
            return None
        found = per_target.get(requirement_id)
        if found is None:
            return None
        if isinstance(found, str):
            return found, None
        return found

    def __len__(self) -> int:
        return self._count


@dataclass(slots=True)
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
        }


@dataclass(frozen=True, slots=True)
class RequirementOutcome:
    """One selected requirement for one system: its combined status and per-target counts."""

    requirement_id: str
    status: Status
    weight: float
    credit: float | None
    targets: dict[str, int]
    waivers: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "requirement_id": self.requirement_id,
            "status": self.status,
            "weight": self.weight,
            "credit": self.credit,
            "targets": dict(self.targets),
            "waivers": list(self.waivers),
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

    def to_dict(self) -> dict[str, object]:
        return {
            "system": self.system_id,
            "level": self.level,
            "verdict": "meets" if self.meets else "does_not_meet",
            "counts": dict(self.counts),
            "finding_counts": dict(self.finding_counts),
            "score": self.score,
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

    def system(self, system_id: str) -> SystemVerdict:
        for verdict in self.systems:
            if verdict.system_id == system_id:
                return verdict
        raise KeyError(system_id)

    def to_dict(self, include_findings: bool = True) -> dict[str, object]:
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
        }
        if include_findings:
            out["findings"] = [f.to_dict() for f in self.findings]
        return out


@dataclass
class _Context:
    catalogue: Catalogue
    results: ResultIndex
    waivers: WaiverBook
    evidence: EvidenceIndex
    today: date
    compiled: dict[int, CompiledLevel] = field(default_factory=dict)
    by_kind: dict[tuple[int, TargetKind], tuple[CompiledRequirement, ...]] = field(
        default_factory=dict
    )

    def level(self, level: int) -> CompiledLevel:
        if level not in self.compiled:
            self.compiled[level] = compile_level(self.catalogue, level)
        return self.compiled[level]

    def host_requirements(self, level: int, kind: TargetKind) -> tuple[CompiledRequirement, ...]:
        key = (level, kind)
        if key not in self.by_kind:
            self.by_kind[key] = tuple(
                cr
                for cr in self.level(level).requirements
                if CHECK_TARGET_KIND[cr.requirement.check] == kind
            )
        return self.by_kind[key]


def _applies(requirement: Requirement, traits: frozenset[str]) -> bool:
    return not requirement.applies_when or not traits.isdisjoint(requirement.applies_when)


def _apply_waiver(
    ctx: _Context, finding: Finding, systems: Iterable[str], site: str | None, groups: Iterable[str]
) -> None:
    if finding.status not in FAILING or not ctx.waivers.has_any(finding.requirement_id):
        return
    match = ctx.waivers.match(finding.requirement_id, finding.target, systems, site, groups)
    if match.active is not None:
        ctx.waivers.mark_applied(match.active)
        finding.status = "waived"
        finding.waiver_id = match.active.id
    elif match.expired is not None:
        finding.expired_waiver_id = match.expired.id


def _from_result(
    ctx: _Context, cr: CompiledRequirement, target: str, kind: TargetKind, level: int
) -> Finding:
    found = ctx.results.get(cr.id, target)
    if found is None:
        return Finding(cr.id, target, kind, level, "error", "error", Evidence(detail=NO_RESULT))
    status, record = found
    if record is None:
        return Finding(cr.id, target, kind, level, status, status)
    return Finding(cr.id, target, kind, level, status, status, record.evidence, record.checker)


def _system_finding(ctx: _Context, system: SystemRef, cr: CompiledRequirement) -> Finding:
    req = cr.requirement
    if not _applies(req, system.traits):
        return Finding(
            req.id,
            system.id,
            "system",
            system.level,
            "not_applicable",
            "not_applicable",
            Evidence(detail=NOT_APPLICABLE_TRAIT),
        )
    if req.check is CheckKind.manual and (
        ctx.evidence.has(req.id, system.id) or ctx.results.get(req.id, system.id) is None
    ):
        months: int | None = None
        if req.evidence_validity is not None:
            param = cr.parameters.get(req.evidence_validity)
            if (
                param is not None
                and isinstance(param.value, int)
                and not isinstance(param.value, bool)
            ):
                months = param.value
        verdict = ctx.evidence.assess(req.id, system.id, months, ctx.today)
        finding = Finding(
            req.id,
            system.id,
            "system",
            system.level,
            verdict.status,
            verdict.status,
            verdict.evidence,
            "evidence-register",
        )
    else:
        finding = _from_result(ctx, cr, system.id, "system", system.level)
    _apply_waiver(ctx, finding, (system.id,), system.site, ())
    return finding


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
) -> Evaluation:
    """Evaluate ``systems`` and their member ``targets`` against ``catalogue``.

    With ``keep_findings=False`` the per-target findings are not kept in memory (pass a
    ``sink`` to stream them, e.g. to a JSONL writer); verdicts, counts and scores are
    the same.
    """
    book = WaiverBook(tuple(waivers), today)
    ctx = _Context(catalogue, results, book, evidence or EvidenceIndex(), today)
    target_by_id = {t.id: t for t in targets}
    system_levels: dict[str, list[int]] = {}
    unknown: list[str] = []
    for system in systems:
        for member in system.members:
            if member in target_by_id:
                system_levels.setdefault(member, []).append(system.level)
            else:
                unknown.append(f"{system.id}:{member}")
    traits_of_system = {s.id: s.traits for s in systems}

    kept: list[Finding] = []
    total = 0
    # requirement id -> target id -> status, for every evaluated host target
    host_status: dict[str, dict[str, Status]] = {}
    host_waivers: dict[tuple[str, str], str] = {}
    for target in targets:
        levels = system_levels.get(target.id)
        if not levels and target.level is None:
            continue
        level = max([*(levels or []), target.level or 0])
        traits = target.traits.union(
            *(traits_of_system.get(s, frozenset()) for s in target.systems)
        )
        for cr in ctx.host_requirements(level, target.kind):
            if _applies(cr.requirement, traits):
                finding = _from_result(ctx, cr, target.id, target.kind, level)
                _apply_waiver(ctx, finding, target.systems, target.site, target.groups)
            else:
                finding = Finding(
                    cr.id,
                    target.id,
                    target.kind,
                    level,
                    "not_applicable",
                    "not_applicable",
                    Evidence(detail=NOT_APPLICABLE_TRAIT),
                )
            host_status.setdefault(cr.id, {})[target.id] = finding.status
            if finding.waiver_id is not None:
                host_waivers[(cr.id, target.id)] = finding.waiver_id
            total += 1
            if sink is not None:
                sink(finding)
            if keep_findings:
                kept.append(finding)

    verdicts: list[SystemVerdict] = []
    weights = catalogue.scoring.group_weights
    credits = catalogue.scoring.status_credit
    for system in systems:
        outcomes: list[RequirementOutcome] = []
        finding_counts: Counter[str] = Counter()
        members = [target_by_id[m] for m in system.members if m in target_by_id]
        for cr in ctx.level(system.level).requirements:
            req = cr.requirement
            kind = CHECK_TARGET_KIND[req.check]
            per_target: Counter[str] = Counter()
            used_waivers: list[str] = []
            if kind == "system":
                finding = _system_finding(ctx, system, cr)
                total += 1
                if sink is not None:
                    sink(finding)
                if keep_findings:
                    kept.append(finding)
                status: Status = finding.status
                per_target[status] += 1
                if finding.waiver_id:
                    used_waivers.append(finding.waiver_id)
            else:
                statuses = host_status.get(req.id, {})
                status = "not_applicable"
                for host in members:
                    if host.kind != kind:
                        continue
                    member_status = statuses.get(host.id, "error")
                    per_target[member_status] += 1
                    status = worst(status, member_status)
                    waiver_id = host_waivers.get((req.id, host.id))
                    if waiver_id and waiver_id not in used_waivers:
                        used_waivers.append(waiver_id)
            finding_counts.update(per_target)
            weight = req.weight if req.weight is not None else weights.get(req.group, 1.0)
            credit = None if status == "not_applicable" else credits.get(status, 0.0)
            outcomes.append(
                RequirementOutcome(
                    req.id, status, weight, credit, dict(per_target), tuple(used_waivers)
                )
            )
        counts = Counter(o.status for o in outcomes)
        scored = [o for o in outcomes if o.credit is not None]
        denominator = sum(o.weight for o in scored)
        score = (
            round(100.0 * sum(o.weight * (o.credit or 0.0) for o in scored) / denominator, 2)
            if denominator
            else None
        )
        verdicts.append(
            SystemVerdict(
                system_id=system.id,
                level=system.level,
                meets=not any(o.status in FAILING for o in outcomes),
                counts={s: counts.get(s, 0) for s in STATUSES},
                finding_counts={s: finding_counts.get(s, 0) for s in STATUSES},
                score=score,
                outcomes=tuple(outcomes),
            )
        )
    assigned = set(system_levels)
    unassigned = tuple(t.id for t in targets if t.id not in assigned and t.level is None)
    return Evaluation(
        catalogue_id=catalogue.id,
        regime=catalogue.regime,
        today=today,
        systems=tuple(verdicts),
        findings=tuple(kept),
        waivers=tuple(book.report()),
        scoring={
            "formula": "score = 100 * sum(weight * credit) / sum(weight), not_applicable excluded",
            "group_weights": {g.value: w for g, w in weights.items()},
            "status_credit": dict(credits),
        },
        unknown_members=tuple(unknown),
        unassigned_targets=unassigned,
        finding_total=total,
    )
