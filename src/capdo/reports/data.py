"""The report data model: everything a renderer needs, as plain frozen data.

Built once by :func:`capdo.reports.build.build_report` from result records, the estate, the
catalogues, waivers and evidence; every renderer (HTML, PDF, XLSX, JSON, JUnit, DOCX) reads
only this. Texts from the inventory and the catalogue keep both languages (:class:`Text`);
renderers pick one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from capdo.compliance import FAILING as RESULT_FAILING
from capdo.compliance import Deadline, Finding, Regime, RegimeDiff, SystemVerdict, WaiverUse
from capdo.reports.text import Text

FAILING = RESULT_FAILING
_QUIET = frozenset({"pass", "not_applicable"})


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """An information system as the inventory describes it."""

    id: str
    name: Text
    owner: Text
    operator: Text
    level: int
    level_status: str
    """approved or proposed."""
    decision: str | None = None
    decision_date: date | None = None
    type: str = "other"
    scope: str = "agency"
    information: tuple[str, ...] = ()
    users: int = 0
    data_subjects: int = 0
    description: Text | None = None
    members: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name.to_dict(),
            "owner": self.owner.to_dict(),
            "operator": self.operator.to_dict(),
            "level": self.level,
            "level_status": self.level_status,
            "decision": self.decision,
            "decision_date": self.decision_date.isoformat() if self.decision_date else None,
            "type": self.type,
            "scope": self.scope,
            "information": list(self.information),
            "users": self.users,
            "members": list(self.members),
        }


@dataclass(frozen=True, slots=True)
class TargetInfo:
    """A checked host: server, network device or video-conference endpoint."""

    id: str
    kind: str
    site: str | None = None
    site_name: Text | None = None
    zone: str | None = None
    address: str | None = None
    description: str | None = None
    """Operating system, platform and model, or vendor, model and firmware."""
    systems: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "site": self.site,
            "zone": self.zone,
            "address": self.address,
            "description": self.description,
            "systems": list(self.systems),
        }


@dataclass(frozen=True, slots=True)
class RequirementInfo:
    """A catalogue requirement, as shown next to its results."""

    id: str
    title: Text
    group: str
    check: str
    first_level: int
    weight: float
    sources: tuple[str, ...] = ()
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class RequirementRow:
    """One selected requirement of one system: status, weight and the findings behind it."""

    requirement_id: str
    status: str
    weight: float
    credit: float | None
    counts: dict[str, int]
    waivers: tuple[str, ...]
    parameters: tuple[tuple[str, str], ...]
    """(parameter name, value with unit) at the system's level."""
    findings: tuple[Finding, ...]
    category: str = ""
    """The officer's category (capdo.reports.status): fail, missing_evidence, not_reviewed…"""
    documentary: bool = False
    """Met by a document (a management requirement) rather than a technical check."""

    @property
    def problems(self) -> list[Finding]:
        """Findings that are neither pass nor not applicable (failing, waived)."""
        return [f for f in self.findings if f.status not in _QUIET]

    @property
    def passing_targets(self) -> list[str]:
        return [f.target for f in self.findings if f.status == "pass"]


@dataclass(frozen=True, slots=True)
class SystemReport:
    info: SystemInfo
    verdict: SystemVerdict
    rows: tuple[RequirementRow, ...]

    @property
    def failing(self) -> tuple[RequirementRow, ...]:
        return tuple(r for r in self.rows if r.status in FAILING)

    def score(self, documentary: bool) -> float | None:
        """Technical or documentary score (0-100) over the rows of that kind.

        The evaluation's own split scores are used when it provides them.
        """
        own = getattr(self.verdict, "documentary_score" if documentary else "technical_score", None)
        if isinstance(own, int | float):
            return float(own)
        rows = [r for r in self.rows if r.documentary is documentary and r.credit is not None]
        total = sum(r.weight for r in rows)
        if not total:
            return None
        return 100.0 * sum(r.weight * (r.credit or 0.0) for r in rows) / total

    @property
    def management(self) -> tuple[RequirementRow, ...]:
        """Requirements checked on the system itself (documents, inventory, people)."""
        return tuple(r for r in self.rows if r.findings and r.findings[0].target_kind == "system")


@dataclass(frozen=True, slots=True)
class HostReport:
    info: TargetInfo
    level: int
    counts: dict[str, int]
    findings: tuple[Finding, ...]

    @property
    def failing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status in FAILING)


@dataclass(frozen=True, slots=True)
class RegimeReport:
    """The evaluation of the estate under one regime's catalogue."""

    regime: str
    catalogue_id: str
    title: Text
    version: str
    requirements: dict[str, RequirementInfo]
    systems: tuple[SystemReport, ...]
    hosts: tuple[HostReport, ...]
    waivers: tuple[WaiverUse, ...]
    scoring: dict[str, object]
    unknown_members: tuple[str, ...] = ()
    unassigned_targets: tuple[str, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    """The catalogue's transition milestones."""

    def waiver(self, waiver_id: str | None) -> WaiverUse | None:
        if waiver_id is None:
            return None
        for use in self.waivers:
            if use.waiver.id == waiver_id:
                return use
        return None

    def counts(self) -> dict[str, int]:
        """Findings by status over every host and system."""
        total: dict[str, int] = {}
        for host in self.hosts:
            for status, n in host.counts.items():
                total[status] = total.get(status, 0) + n
        for system in self.systems:
            for row in system.management:
                for status, n in row.counts.items():
                    total[status] = total.get(status, 0) + n
        return total


@dataclass(frozen=True, slots=True)
class TransitionGap:
    """What systems at one level must add to move from the legacy to the new regime."""

    level: int
    systems: tuple[str, ...]
    diff: RegimeDiff
    failing_new: dict[str, int]
    """System id → requirements of the new regime it does not meet today."""


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One stored run, for the trend chart: per system its score and verdict per regime."""

    run_key: str
    created_at: datetime
    counts: dict[str, int]
    scores: dict[str, float | None]
    """'<regime>/<system>' → score."""


@dataclass(frozen=True, slots=True)
class DiffItem:
    regime: str
    requirement_id: str
    target: str
    status: str
    previous: str | None


@dataclass(frozen=True, slots=True)
class RunDiff:
    previous_key: str
    current_key: str
    new_failures: tuple[DiffItem, ...]
    fixed: tuple[DiffItem, ...]
    still_failing: tuple[DiffItem, ...]

    def to_dict(self) -> dict[str, object]:
        def items(rows: tuple[DiffItem, ...]) -> list[dict[str, object]]:
            return [
                {
                    "regime": r.regime,
                    "requirement_id": r.requirement_id,
                    "target": r.target,
                    "status": r.status,
                    "previous": r.previous,
                }
                for r in rows
            ]

        return {
            "previous": self.previous_key,
            "current": self.current_key,
            "new_failures": items(self.new_failures),
            "fixed": items(self.fixed),
            "still_failing": items(self.still_failing),
        }


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A result record the intake rejected: what it claimed and why it was not counted."""

    reason: str
    requirement_id: str
    target: str
    checker: str
    status: str
    source: str


@dataclass(frozen=True, slots=True)
class CheckerResult:
    """One checker's result for a requirement on a target (several may disagree)."""

    checker: str
    status: str
    expected: object = None
    actual: object = None
    detail: str | None = None
    conflict: bool = False
    """The evaluation marked the finding as a conflict (its checkers disagree)."""


@dataclass(frozen=True, slots=True)
class Action:
    """One thing to do: a requirement a system does not meet (under one or more regimes)."""

    system_id: str
    requirement_id: str
    title: Text
    category: str
    severity: str
    weight: float
    regimes: tuple[str, ...]
    sources: tuple[str, ...]
    responsible: Text
    responsible_role: str
    """owner, operator or security (the estate's designated security unit)."""
    deadline: date | None
    deadline_reason: str
    """Message key saying where the deadline comes from."""
    remediation: Text
    targets: tuple[str, ...] = ()
    waiver_id: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "system": self.system_id,
            "requirement": self.requirement_id,
            "category": self.category,
            "severity": self.severity,
            "regimes": list(self.regimes),
            "sources": list(self.sources),
            "responsible": self.responsible.to_dict(),
            "responsible_role": self.responsible_role,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_reason": self.deadline_reason,
            "targets": list(self.targets),
        }


@dataclass(frozen=True, slots=True)
class ReportData:
    estate_id: str
    organisation: Text
    security_unit: Text | None
    generated_at: datetime
    today: date
    run_key: str
    regimes_in_force: tuple[Regime, ...]
    regimes: tuple[RegimeReport, ...]
    systems: dict[str, SystemInfo]
    targets: dict[str, TargetInfo]
    gaps: tuple[TransitionGap, ...] = ()
    inputs: tuple[str, ...] = ()
    record_count: int = 0
    history: tuple[RunSummary, ...] = ()
    diff: RunDiff | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    rejected: tuple[RejectedRow, ...] = ()
    """Result records the evaluation's intake did not count, with the reason."""
    digests: tuple[tuple[str, str], ...] = ()
    """(input file name, SHA-256) of every result file read (provenance)."""
    """Localized lines about the inputs (bad result lines, unknown targets, policy issues)."""
    actions: tuple[Action, ...] = ()
    """What is to be done, one item per system and requirement (capdo.reports.actions)."""
    checker_results: dict[tuple[str, str], tuple[CheckerResult, ...]] = field(default_factory=dict)
    place: Text | None = None
    """Where the documents are signed: the province's name ("Phú Thọ"), from its site."""
    """(requirement, target) → every checker's result, where more than one checker reported."""

    def regime(self, regime: str) -> RegimeReport:
        for item in self.regimes:
            if item.regime == regime:
                return item
        raise KeyError(regime)
