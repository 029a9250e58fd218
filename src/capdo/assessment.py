"""One assessment run: estate checks + checker result files + registers → evaluations.

The same pipeline serves ``capdo evaluate`` and the reports: it loads the estate, decides what
the model alone can decide (estate checks), adds the result records of the other checkers,
reads the estate's waivers and manual-evidence register, and evaluates every information system
at its level under each regime in force.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from capdo.compliance import (
    Catalogue,
    CheckKind,
    DataFileError,
    Evaluation,
    EvidenceIndex,
    Intake,
    LocatedProblem,
    ParamValue,
    PolicyIssue,
    RejectedRecord,
    ResultIndex,
    ResultRecord,
    Waiver,
    compile_level,
    evaluate,
    iter_results_jsonl,
    load_evidence,
    load_regime,
    load_registry,
    load_waivers,
)
from capdo.errors import CapdoError
from capdo.estate_checks import EstateContext, run_estate_checks
from capdo.exports import (
    EstatePolicy,
    catalogue_dir_for,
    compliance_systems,
    compliance_targets,
    load_estate_policy,
    policy_issues,
)
from capdo.inventory import EstateIndex, Inventory

REGISTER_FILES = {
    "waivers": ("waivers.yml", "waivers.yaml"),
    "evidence": ("evidence.yml", "evidence.yaml"),
}


class AssessmentError(CapdoError):
    """The run cannot go on (an unreadable register, no catalogue): exit code 2."""

    handled_apart = True

    def __init__(self, message: str, problems: list[LocatedProblem] | None = None) -> None:
        super().__init__("compliance.error.assessment", detail=message)
        self.args = (message,)  # as before the key
        self.problems = problems or []


@dataclass
class Assessment:
    run_id: str
    time: datetime
    inventory: Inventory
    catalogues: dict[str, Catalogue]
    records: list[ResultRecord]
    evaluations: dict[str, Evaluation]
    waivers: list[Waiver]
    input_problems: list[LocatedProblem] = field(default_factory=list)
    """Bad lines in result files: reported, skipped, the run goes on."""
    policy_issues: list[tuple[str, int, PolicyIssue]] = field(default_factory=list)
    """Organisation overrides per (regime, level): errors are weaker values without a waiver."""
    rejected: list[RejectedRecord] = field(default_factory=list)
    """Result records not counted (forged, stale, unknown ids...), each with its reason."""
    provenance: list[dict[str, object]] = field(default_factory=list)
    """Each input: file, SHA-256, records, checkers and run ids."""

    @property
    def today(self) -> date:
        return self.time.date()


def _register(root: Path, kind: str) -> Path | None:
    for name in REGISTER_FILES[kind]:
        if os.path.lexists(root / name):  # a FIFO or a dangling link is reported, not skipped
            return root / name
    return None


def load_registers(root: Path) -> tuple[list[Waiver], EvidenceIndex]:
    problems: list[LocatedProblem] = []
    waivers: list[Waiver] = []
    evidence = EvidenceIndex()
    try:
        path = _register(root, "waivers")
        if path is not None:
            waivers = list(load_waivers(path, root).waivers)
    except DataFileError as error:
        problems.extend(error.problems)
    try:
        path = _register(root, "evidence")
        if path is not None:
            evidence = EvidenceIndex(load_evidence(path, root).evidence)
    except DataFileError as error:
        problems.extend(error.problems)
    if problems:
        raise AssessmentError("registers", problems)
    return waivers, evidence


def assess(
    root: Path,
    inventory: Inventory,
    result_files: list[Path],
    *,
    moment: datetime | None = None,
    run_id: str | None = None,
    lenient: bool = False,
) -> Assessment:
    """Raises :class:`AssessmentError` on any unreadable input; bad lines of result files too,
    unless ``lenient`` (then they are kept in ``input_problems`` and the run goes on)."""
    moment = moment or datetime.now(UTC)
    run_id = run_id or f"{moment:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    catalogue_dir = catalogue_dir_for(root)
    if catalogue_dir is None:
        raise AssessmentError("no requirement catalogue (checks/catalogue or $CAPDO_CATALOGUE_DIR)")
    index = EstateIndex(inventory)
    waivers, evidence = load_registers(root)
    try:
        policy = load_estate_policy(root, moment.date())
    except DataFileError as error:
        raise AssessmentError("policy", error.problems) from None
    context = EstateContext(index, catalogue_dir, run_id, moment, evidence, policy)
    estate_records = run_estate_checks(context)
    systems = compliance_systems(index)
    targets = compliance_targets(index)
    catalogues: dict[str, Catalogue] = {
        regime: load_regime(regime, catalogue_dir) for regime in inventory.estate.regimes
    }
    try:
        registry = load_registry(catalogue_dir)
    except DataFileError as error:
        raise AssessmentError("registry", error.problems) from None
    rules = policy.rules
    intake = Intake(
        requirements={r.id for c in catalogues.values() for r in c.requirements},
        documentary={
            r.id
            for r in next(iter(catalogues.values())).requirements
            if all(c.requirement(r.id).check is CheckKind.manual for c in catalogues.values())
        }
        if catalogues
        else set(),
        systems={s.id for s in systems},
        targets={t.id: t.kind for t in targets},
        registry=registry,
        moment=moment,
        max_age=timedelta(days=rules.result_max_age_days),
    )
    records, rejected = intake.screen(estate_records, "estate-checks")
    provenance: list[dict[str, object]] = [_provenance("estate-checks", None, estate_records)]
    problems: list[LocatedProblem] = []
    for path in result_files:
        if not os.path.lexists(path):
            raise AssessmentError(f"result file not found: {path}")
        read: list[ResultRecord] = []
        try:
            for item in iter_results_jsonl(path):
                if isinstance(item, ResultRecord):
                    read.append(item)
                else:
                    problems.append(item)
        except DataFileError as error:
            raise AssessmentError("results", error.problems) from None
        accepted, refused = intake.screen(read, str(path))
        records.extend(accepted)
        rejected.extend(refused)
        provenance.append(_provenance(str(path), _sha256(path), read))
    if problems and not lenient:
        raise AssessmentError("results (--lenient: skip bad lines)", problems)
    results = ResultIndex.from_records(records)
    evaluations: dict[str, Evaluation] = {
        regime: evaluate(
            catalogue,
            systems,
            targets,
            results,
            today=moment.date(),
            waivers=waivers,
            evidence=evidence,
            registry=registry,
            parameters=_parameters(policy, regime, catalogue),
            waiver_max_months=rules.waiver_max_months,
            rejected=rejected,
            provenance=provenance,
        )
        for regime, catalogue in catalogues.items()
    }
    levels = {s.level.level for s in inventory.systems}
    issues = policy_issues(policy, catalogues, levels)
    return Assessment(
        run_id,
        moment,
        inventory,
        catalogues,
        records,
        evaluations,
        waivers,
        problems,
        issues,
        rejected,
        provenance,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as src:
        for block in iter(lambda: src.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _provenance(source: str, sha256: str | None, records: list[ResultRecord]) -> dict[str, object]:
    return {
        "source": source,
        "sha256": sha256,
        "records": len(records),
        "checkers": sorted({r.checker for r in records}),
        "run_ids": sorted({r.run_id for r in records}),
    }


def _parameters(
    policy: EstatePolicy, regime: str, catalogue: Catalogue
) -> Callable[[int], Mapping[str, Mapping[str, ParamValue | None]]]:
    """The parameters in force per level after the organisation's policy (cached)."""
    cache: dict[int, dict[str, dict[str, ParamValue | None]]] = {}

    def at(level: int) -> Mapping[str, Mapping[str, ParamValue | None]]:
        if level not in cache:
            effective = policy.effective(regime, catalogue, compile_level(catalogue, level))
            cache[level] = {
                rid: {name: p.value for name, p in params.items()}
                for rid, params in effective.parameters.items()
            }
        return cache[level]

    return at
