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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from capdo.compliance.catalogue_model import Catalogue, CheckKind, ParamValue, Requirement
from capdo.compliance.compile import CompiledLevel, CompiledRequirement, compile_level
from capdo.compliance.evidence import EvidenceIndex
from capdo.compliance.intake import RejectedRecord
from capdo.compliance.registry import Registry
from capdo.compliance.results import FAILING, STATUSES, Evidence, ResultRecord, Status, worst
from capdo.compliance.targets import CHECK_TARGET_KIND, SystemRef, Target, TargetKind
from capdo.compliance.waivers import Waiver, WaiverBook, WaiverUse

NO_RESULT = "compliance.eval.no-result"
NO_CHECKER = "compliance.eval.no-checker"
CORROBORATION_ONLY = "compliance.eval.corroboration-only"
NOT_APPLICABLE_TRAIT = "compliance.eval.trait-na"
EVIDENCE_CHECKER = "evidence-register"

#: The parameters in force at a level: requirement id → parameter name → value.
Parameters = Callable[[int], Mapping[str, Mapping[str, ParamValue | None]]]


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

    def get(self, requirement_id: str, target: str) -> tuple[Status, ResultRecord | None] | None:
        """The worst result for the pair (every result deciding), or None."""
        found = self.entries(requirement_id, target)
        if not found:
            return None
        best = found[0]
        for entry in found[1:]:
            if worst(best[0], entry[0]) != best[0]:
                best = entry
        return best

    def __len__(self) -> int:
        return self._count


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
    by_checker: dict[str, Status] = {}
    for status, record in entries:
        name = record.checker if record is not None else ""
        old = by_checker.get(name)
        by_checker[name] = status if old is None else worst(old, status)
    return {"pass", "fail"} <= set(by_checker.values())


def decide(entries: Sequence[Entry], requirement_id: str, registry: Registry | None) -> Decision:
    """The status of one requirement on one target from all its results."""
    deciding: list[Entry] = []
    for status, record in entries:
        if (
            registry is None
            or record is None
            or registry.role(requirement_id, record.checker) == "decide"
        ):
            deciding.append((status, record))
    results = tuple(r for _, r in entries if r is not None)
    conflict = _conflict(entries)
    if not deciding:
        return Decision("not_reviewed", None, conflict, results, CORROBORATION_ONLY)
    best = deciding[0]
    for entry in deciding[1:]:
        if worst(best[0], entry[0]) != best[0]:
            best = entry
    return Decision(best[0], best[1], conflict, results)


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
            out["findings"] = [f.to_dict() for f in self.findings]
        return out


@dataclass
class _Context:
    catalogue: Catalogue
    results: ResultIndex
    waivers: WaiverBook
    evidence: EvidenceIndex
    today: date
    registry: Registry | None = None
    parameters: Parameters | None = None
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

    def documentary(self, requirement: Requirement) -> bool:
        return requirement.check is CheckKind.manual or (
            self.registry is not None and self.registry.decided_by_evidence(requirement.id)
        )

    def has_checker(self, requirement_id: str) -> bool:
        return self.registry is None or requirement_id in self.registry.requirements

    def interval(self, cr: CompiledRequirement, level: int) -> int | None:
        """The document validity in months (the policy's value first, then the catalogue's)."""
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
    entries = ctx.results.entries(cr.id, target)
    if not entries:
        detail = NO_RESULT if ctx.has_checker(cr.id) else NO_CHECKER
        return Finding(
            cr.id, target, kind, level, "not_reviewed", "not_reviewed", Evidence(detail=detail)
        )
    decision = decide(entries, cr.id, ctx.registry)
    record = decision.record
    evidence = record.evidence if record is not None else None
    if decision.detail is not None:
        evidence = Evidence(detail=decision.detail)
    return Finding(
        cr.id,
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


def _evidence_finding(ctx: _Context, system: SystemRef, cr: CompiledRequirement) -> Finding:
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
    if ctx.documentary(req) or (
        not ctx.results.entries(req.id, system.id) and ctx.evidence.has(req.id, system.id)
    ):
        finding = _evidence_finding(ctx, system, cr)
    else:
        finding = _from_result(ctx, cr, system.id, "system", system.level)
    _apply_waiver(ctx, finding, (system.id,), system.site, ())
    return finding


def _score(outcomes: Iterable[RequirementOutcome]) -> float | None:
    scored = [o for o in outcomes if o.credit is not None]
    denominator = sum(o.weight for o in scored)
    if not denominator:
        return None
    return round(100.0 * sum(o.weight * (o.credit or 0.0) for o in scored) / denominator, 2)


def evaluate(  # noqa: C901, PLR0912, PLR0915 -- being split into host, system and score steps (issue 17)
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
    ctx = _Context(
        catalogue, results, book, evidence or EvidenceIndex(), today, registry, parameters
    )
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
    host_conflicts: set[tuple[str, str]] = set()
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
            if finding.conflict:
                host_conflicts.add((cr.id, target.id))
            if finding.waiver_id is not None:
                host_waivers[(cr.id, target.id)] = finding.waiver_id
            total += 1
            if sink is not None:
                sink(finding)
            if keep_findings:
                kept.append(finding)

    verdicts: list[SystemVerdict] = []
    system_conflicts = 0
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
            conflicts = 0
            if kind == "system":
                finding = _system_finding(ctx, system, cr)
                total += 1
                if sink is not None:
                    sink(finding)
                if keep_findings:
                    kept.append(finding)
                status: Status = finding.status
                conflicts += finding.conflict
                system_conflicts += finding.conflict
                per_target[status] += 1
                if finding.waiver_id:
                    used_waivers.append(finding.waiver_id)
            else:
                statuses = host_status.get(req.id, {})
                status = "not_applicable"
                for host in members:
                    if host.kind != kind:
                        continue
                    member_status = statuses.get(host.id, "not_reviewed")
                    conflicts += (req.id, host.id) in host_conflicts
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
                    req.id,
                    status,
                    weight,
                    credit,
                    dict(per_target),
                    tuple(used_waivers),
                    ctx.documentary(req),
                    conflicts,
                )
            )
        counts = Counter(o.status for o in outcomes)
        verdicts.append(
            SystemVerdict(
                system_id=system.id,
                level=system.level,
                meets=not any(o.status in FAILING for o in outcomes),
                counts={s: counts.get(s, 0) for s in STATUSES},
                finding_counts={s: finding_counts.get(s, 0) for s in STATUSES},
                score=_score(outcomes),
                outcomes=tuple(outcomes),
                technical_score=_score(o for o in outcomes if not o.documentary),
                documentary_score=_score(o for o in outcomes if o.documentary),
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
            "technical_score": "the same over requirements decided by checkers",
            "documentary_score": "the same over documentary requirements (evidence register)",
            "group_weights": {g.value: w for g, w in weights.items()},
            "status_credit": dict(credits),
        },
        unknown_members=tuple(unknown),
        unassigned_targets=unassigned,
        finding_total=total,
        conflicts=len(host_conflicts) + system_conflicts,
        rejected=tuple(rejected),
        provenance=tuple(provenance),
    )
