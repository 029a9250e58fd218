"""Build the report data model from loaded inputs: evaluate each regime, then arrange.

Nothing here formats text; see the renderers. The evaluation is
:func:`capdo.compliance.evaluate.evaluate` (no check is run).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from capdo.compliance import (
    STATUSES,
    Catalogue,
    CompiledLevel,
    Evaluation,
    Finding,
    compile_level,
    diff_regimes,
)
from capdo.inventory import Inventory
from capdo.reports.actions import build_actions
from capdo.reports.data import (
    CheckerResult,
    HostReport,
    RegimeReport,
    ReportData,
    RequirementInfo,
    RequirementRow,
    RunDiff,
    RunSummary,
    SystemInfo,
    SystemReport,
    TargetInfo,
    TransitionGap,
)
from capdo.reports.guidance import default_guidance
from capdo.reports.inputs import ReportInputs
from capdo.reports.status import Category, finding_status, worst
from capdo.reports.text import Text, value_text


def requirement_infos(catalogue: Catalogue) -> dict[str, RequirementInfo]:
    weights = catalogue.scoring.group_weights
    return {
        r.id: RequirementInfo(
            id=r.id,
            title=Text(r.title.vi, r.title.en),
            group=r.group.value,
            check=r.check.value,
            first_level=r.first_level,
            weight=r.weight if r.weight is not None else weights.get(r.group, 1.0),
            sources=tuple(s.ref for s in r.sources),
            notes=r.notes,
        )
        for r in catalogue.requirements
    }


def _parameters(compiled: CompiledLevel, requirement_id: str) -> tuple[tuple[str, str], ...]:
    item = compiled.get(requirement_id)
    if item is None:
        return ()
    out = []
    for name, param in sorted(item.parameters.items()):
        # the unit is part of the name (password_min_length, policy_review_months): renderers
        # show the name's localized label, which carries the unit in the reader's language
        out.append((name, value_text(param.value) if param.value is not None else "—"))
    return tuple(out)


def _counts(findings: list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for finding in findings:
        counts[finding.status] += 1
    return counts


def regime_report(
    catalogue: Catalogue,
    evaluation: Evaluation,
    systems: dict[str, SystemInfo],
    targets: dict[str, TargetInfo],
) -> RegimeReport:
    by_target: dict[str, list[Finding]] = defaultdict(list)
    for finding in evaluation.findings:
        by_target[finding.target].append(finding)
    by_pair = {(f.requirement_id, f.target): f for f in evaluation.findings}
    compiled: dict[int, CompiledLevel] = {}
    catalogue_checks = {r.id: r.check.value for r in catalogue.requirements}
    system_reports: list[SystemReport] = []
    for verdict in evaluation.systems:
        info = systems[verdict.system_id]
        if verdict.level not in compiled:
            compiled[verdict.level] = compile_level(catalogue, verdict.level)
        level = compiled[verdict.level]
        rows = []
        for outcome in verdict.outcomes:
            rid = outcome.requirement_id
            own = by_pair.get((rid, info.id))
            found = (
                (own,)
                if own is not None
                else tuple(f for m in info.members if (f := by_pair.get((rid, m))) is not None)
            )
            check = catalogue_checks.get(rid, "")
            rows.append(
                RequirementRow(
                    requirement_id=rid,
                    status=outcome.status,
                    weight=outcome.weight,
                    credit=outcome.credit,
                    counts=dict(outcome.targets),
                    waivers=outcome.waivers,
                    parameters=_parameters(level, rid),
                    findings=found,
                    category=row_category(outcome.status, found, check),
                    documentary=check == "manual",
                )
            )
        system_reports.append(SystemReport(info, verdict, tuple(rows)))
    hosts = []
    for target_id, target in targets.items():
        found_list = by_target.get(target_id)
        if not found_list:
            continue
        hosts.append(
            HostReport(
                target, max(f.level for f in found_list), _counts(found_list), tuple(found_list)
            )
        )
    return RegimeReport(
        regime=catalogue.regime,
        catalogue_id=catalogue.id,
        title=Text(catalogue.title.vi, catalogue.title.en),
        version=catalogue.version,
        requirements=requirement_infos(catalogue),
        systems=tuple(system_reports),
        hosts=tuple(hosts),
        waivers=evaluation.waivers,
        scoring=evaluation.scoring,
        unknown_members=evaluation.unknown_members,
        unassigned_targets=evaluation.unassigned_targets,
        deadlines=tuple(catalogue.transition),
    )


def row_category(status: str, findings: tuple[Finding, ...], check: str) -> Category:
    """The officer's category of one requirement row: the most urgent of its results."""
    if findings:
        return worst(
            [
                finding_status(
                    f.status, f.checker, f.evidence.detail if f.evidence else None, check
                )
                for f in findings
            ]
        )
    return finding_status(status, None, None, check)


def checker_results(
    evaluations: Iterable[Evaluation],
) -> dict[tuple[str, str], tuple[CheckerResult, ...]]:
    """Every checker's result where several checkers reported on one requirement and target,
    as the evaluation counted them (its findings' ``results``; rejected records are not here)."""
    seen: dict[tuple[str, str], dict[str, CheckerResult]] = defaultdict(dict)
    for evaluation in evaluations:
        for finding in evaluation.findings:
            for record in finding.results:
                evidence = record.evidence
                seen[(finding.requirement_id, finding.target)][record.checker or ""] = (
                    CheckerResult(
                        checker=record.checker or "",
                        status=record.status,
                        expected=evidence.expected if evidence else None,
                        actual=evidence.actual if evidence else None,
                        detail=evidence.detail if evidence else None,
                        conflict=finding.conflict,
                    )
                )
    return {key: tuple(found.values()) for key, found in seen.items() if len(found) > 1}


def transition_gaps(
    catalogues: dict[str, Catalogue], regimes: tuple[RegimeReport, ...]
) -> tuple[TransitionGap, ...]:
    """During the transition (both regimes in force): per level, what the new regime adds."""
    if "legacy" not in catalogues or "new" not in catalogues:
        return ()
    new = next((r for r in regimes if r.regime == "new"), None)
    if new is None:
        return ()
    by_level: dict[int, list[SystemReport]] = defaultdict(list)
    for system in new.systems:
        by_level[system.info.level].append(system)
    gaps = []
    for level in sorted(by_level):
        members = by_level[level]
        gaps.append(
            TransitionGap(
                level=level,
                systems=tuple(s.info.id for s in members),
                diff=diff_regimes(catalogues["legacy"], catalogues["new"], level),
                failing_new={s.info.id: len(s.failing) for s in members},
            )
        )
    return tuple(gaps)


def build_report(
    inputs: ReportInputs,
    *,
    today: date,
    generated_at: datetime,
    run_key: str,
    history: tuple[RunSummary, ...] = (),
    diff: RunDiff | None = None,
) -> ReportData:
    regimes = [
        regime_report(
            inputs.catalogues[regime],
            inputs.evaluations[regime],
            inputs.systems,
            inputs.targets,
        )
        for regime in inputs.regimes
        if regime in inputs.evaluations
    ]
    actions = build_actions(
        regimes, inputs.systems, inputs.security_unit, default_guidance(), today
    )
    return ReportData(
        estate_id=inputs.estate_id,
        organisation=inputs.organisation,
        security_unit=inputs.security_unit,
        generated_at=generated_at,
        today=today,
        run_key=run_key,
        regimes_in_force=inputs.regimes,
        regimes=tuple(regimes),
        systems=inputs.systems,
        targets=inputs.targets,
        gaps=transition_gaps(inputs.catalogues, tuple(regimes)),
        inputs=inputs.inputs,
        record_count=inputs.record_count,
        history=history,
        diff=diff,
        notes=inputs.notes,
        rejected=inputs.rejected,
        digests=inputs.digests,
        actions=actions,
        checker_results=checker_results(inputs.evaluations.values()),
        place=province_place(inputs.inventory),
    )


PLACE_PREFIXES = ("tỉnh ", "thành phố ")
"""Words of a province site's name that the place line of a document leaves out."""


def province_place(inventory: Inventory | None) -> Text | None:
    """The province's name as the place line of an official document writes it ("Tỉnh Phú
    Thọ" → "Phú Thọ"), or None when the estate has no province site."""
    site = next((s for s in inventory.sites if s.kind == "province"), None) if inventory else None
    if site is None:
        return None
    vi = site.name.vi
    for prefix in PLACE_PREFIXES:
        if vi.casefold().startswith(prefix):
            vi = vi[len(prefix) :]
            break
    return Text(vi[:1].upper() + vi[1:], site.name.en)
