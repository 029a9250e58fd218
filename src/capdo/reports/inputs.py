"""Load what a report is built from, through the shared assessment pipeline.

:func:`capdo.assessment.assess` reads the estate, runs the estate checks (what the inventory
alone decides), adds the result records of the checkers (JSONL files), reads the waiver and
manual-evidence registers and the organisation policy, and evaluates every system under each
regime in force. Reports never run host checks. Problems become a :class:`ReportInputError`
(one localized line per problem, exit code 2); bad lines in result files are kept as notes,
as ``capdo evaluate`` does.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from capdo.assessment import Assessment, AssessmentError, assess
from capdo.compliance import Catalogue, Evaluation, Regime, ResultRecord
from capdo.errors import CapdoError
from capdo.i18n import Lang, t
from capdo.inventory import EstateIndex, Inventory, load_estate
from capdo.reports.data import RejectedRow, SystemInfo, TargetInfo
from capdo.reports.estate import system_infos, target_infos, text
from capdo.reports.text import Text


class ReportInputError(CapdoError):
    """Inputs that cannot make a report; ``lines`` are ready to print (exit code 2)."""

    handled_apart = True

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("reports.error.inputs", lines="\n".join(lines))
        self.args = ("\n".join(lines),)  # as before the key
        self.lines = list(lines)


@dataclass
class ReportInputs:
    """Everything a report is built from: evaluations per regime and what the estate says."""

    estate_id: str
    organisation: Text
    security_unit: Text | None
    regimes: tuple[Regime, ...]
    catalogues: dict[str, Catalogue]
    evaluations: dict[str, Evaluation]
    systems: dict[str, SystemInfo]
    targets: dict[str, TargetInfo]
    record_count: int = 0
    record_run_ids: tuple[str, ...] = ()
    """Run ids of the checkers' records (the estate checks' own run id excluded)."""
    inputs: tuple[str, ...] = ()
    inventory: Inventory | None = None
    records: list[ResultRecord] = field(default_factory=list)
    rejected: tuple[RejectedRow, ...] = ()
    digests: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    """Localized lines about the inputs (bad result lines, unknown targets, policy issues)."""


def _notes(run: Assessment, known: set[str], lang: Lang) -> tuple[str, ...]:
    notes = [p.render(lang) for p in run.input_problems]
    unknown = sorted({r.target for r in run.records} - known)
    notes.extend(t("report.note.unknown-target", lang, target=name) for name in unknown)
    for regime, level, issue in run.policy_issues:
        notes.append(f"policy/{regime}.yml ({level}): {t(issue.key, lang, **issue.params)}")
    return tuple(notes)


def load_inputs(
    estate_dir: Path,
    result_files: Sequence[Path],
    lang: Lang,
    moment: datetime,
    lenient: bool = False,
) -> ReportInputs:
    """Assess the estate at ``moment``; raises :class:`ReportInputError` on any problem."""
    loaded = load_estate(estate_dir)
    if loaded.inventory is None or not loaded.ok:
        lines = [
            f"{f.origin.file}: {f.message(lang)}" for f in loaded.findings if f.severity == "error"
        ]
        raise ReportInputError([t("report.error.estate", lang, path=str(estate_dir)), *lines])
    inventory = loaded.inventory
    for path in result_files:
        if not os.path.lexists(path):
            raise ReportInputError([t("report.error.results-missing", lang, path=str(path))])
    try:
        run = assess(estate_dir, inventory, list(result_files), moment=moment, lenient=lenient)
    except AssessmentError as exc:
        raise ReportInputError([str(exc), *(p.render(lang) for p in exc.problems)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        detail = t("report.error.results-unreadable", lang, path="", detail=exc)
        raise ReportInputError([detail]) from None
    index = EstateIndex(inventory)
    systems = system_infos(inventory, index)
    targets = target_infos(index)
    estate = inventory.estate
    file_runs = {r.run_id for r in run.records if r.run_id != run.run_id}
    return ReportInputs(
        estate_id=estate.id,
        organisation=Text(estate.organisation.vi, estate.organisation.en),
        security_unit=text(estate.security_unit),
        regimes=tuple(estate.regimes),
        catalogues=run.catalogues,
        evaluations=run.evaluations,
        systems=systems,
        targets=targets,
        record_count=len(run.records),
        record_run_ids=tuple(sorted(file_runs)) or (run.run_id,),
        inputs=tuple(p.name for p in result_files),
        inventory=inventory,
        records=run.records,
        notes=_notes(run, set(systems) | set(targets), lang),
        rejected=tuple(
            RejectedRow(
                reason=r.reason,
                requirement_id=r.record.requirement_id,
                target=r.record.target,
                checker=r.record.checker or "",
                status=r.record.status,
                source=Path(r.source).name if r.source else "",
            )
            for r in run.rejected
        ),
        digests=tuple(
            (Path(str(p["source"])).name, str(p["sha256"]))
            for p in run.provenance
            if p.get("sha256")
        ),
    )
