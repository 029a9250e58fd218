"""One assessment run: estate checks + checker result files + registers → evaluations.

The same pipeline serves ``capdo evaluate`` and the reports: it loads the estate, decides what
the model alone can decide (estate checks), adds the result records of the other checkers,
reads the estate's waivers and manual-evidence register, and evaluates every information system
at its level under each regime in force.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from capdo.compliance.catalogue_loader import load_regime
from capdo.compliance.catalogue_model import Catalogue
from capdo.compliance.evaluate import Evaluation, ResultIndex, evaluate
from capdo.compliance.evidence import EvidenceIndex
from capdo.compliance.policy import PolicyIssue
from capdo.compliance.problems import LocatedProblem
from capdo.compliance.registers import load_evidence, load_waivers
from capdo.compliance.results import ResultRecord, iter_results_jsonl
from capdo.compliance.waivers import Waiver
from capdo.compliance.yaml_source import DataFileError
from capdo.estate_checks import EstateContext, run_estate_checks
from capdo.exports.baseline import catalogue_dir_for
from capdo.exports.compliance_view import compliance_systems, compliance_targets
from capdo.exports.policy import load_estate_policy, policy_issues
from capdo.inventory.index import EstateIndex
from capdo.inventory.model import Inventory

REGISTER_FILES = {
    "waivers": ("waivers.yml", "waivers.yaml"),
    "evidence": ("evidence.yml", "evidence.yaml"),
}


class AssessmentError(Exception):
    """The run cannot go on (an unreadable register, no catalogue): exit code 2."""

    def __init__(self, message: str, problems: list[LocatedProblem] | None = None) -> None:
        super().__init__(message)
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
    policy_issues: list[tuple[str, int, PolicyIssue]] = field(default_factory=list)
    """Organisation overrides per (regime, level): errors are weaker values without a waiver."""
    """Bad lines in result files: reported, skipped, the run goes on."""

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
    records = run_estate_checks(context)
    problems: list[LocatedProblem] = []
    for path in result_files:
        if not os.path.lexists(path):
            raise AssessmentError(f"result file not found: {path}")
        try:
            for item in iter_results_jsonl(path):
                if isinstance(item, ResultRecord):
                    records.append(item)
                else:
                    problems.append(item)
        except DataFileError as error:
            raise AssessmentError("results", error.problems) from None
    if problems and not lenient:
        raise AssessmentError("results (--lenient: skip bad lines)", problems)
    results = ResultIndex.from_records(records)
    systems = compliance_systems(index)
    targets = compliance_targets(index)
    catalogues: dict[str, Catalogue] = {
        regime: load_regime(regime, catalogue_dir) for regime in inventory.estate.regimes
    }
    evaluations: dict[str, Evaluation] = {
        regime: evaluate(
            catalogue,
            systems,
            targets,
            results,
            today=moment.date(),
            waivers=waivers,
            evidence=evidence,
        )
        for regime, catalogue in catalogues.items()
    }
    levels = {s.level.level for s in inventory.systems}
    issues = policy_issues(policy, catalogues, levels)
    return Assessment(
        run_id, moment, inventory, catalogues, records, evaluations, waivers, problems, issues
    )
