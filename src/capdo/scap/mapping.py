"""SSG rule ids → capdo requirement ids, and rule results → result records.

The mapping file (``checks/scap/ssg-debian-anssi.yml``) lists each SSG rule with the
requirement ids it is evidence for. Each pass / fail / error / notapplicable result of a
mapped rule becomes one :class:`ResultRecord` per requirement (several records for one
requirement combine to the worst in the evaluation). Results that say nothing about the
system (notchecked, notselected, informational) and rules without a mapping are returned as
informational entries, never as requirement results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Final

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from capdo.compliance import Evidence, RequirementId, ResultRecord, Status
from capdo.scap.arf import RuleResult, ScanResults
from capdo.scap.errors import ScapError

CHECKER = "capdo.scap"
DEFAULT_MAPPING = "ssg-debian-anssi.yml"
STATUS_OF: Final[dict[str, Status]] = {
    "pass": "pass",
    "fixed": "pass",
    "fail": "fail",
    "error": "error",
    "unknown": "error",
    "notapplicable": "not_applicable",
}


class RuleMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    requirements: Annotated[tuple[RequirementId, ...], Field(min_length=1)]
    note: Annotated[str, Field(min_length=1)]
    limit: str | None = None
    """A known content limit: why this rule cannot measure the level (its results stay
    informational, with this reason, and never corroborate or conflict)."""


class MappingFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    content: str
    rules: dict[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")], RuleMapping]

    def requirement_ids(self) -> set[str]:
        return {req for rule in self.rules.values() for req in rule.requirements}


def load_mapping(path: Path) -> MappingFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScapError("scap.error.config-unreadable", path=str(path), detail=str(exc)) from exc
    except yaml.YAMLError as exc:
        raise ScapError("scap.error.config-invalid", path=str(path), detail=str(exc)) from exc
    try:
        return MappingFile.model_validate(data)
    except ValidationError as exc:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise ScapError("scap.error.config-invalid", path=str(path), detail=detail) from exc


@dataclass(frozen=True, slots=True)
class Informational:
    """A rule result that is not a requirement result (unmapped, or a result with no verdict)."""

    target: str
    rule_id: str
    title: str
    severity: str
    result: str
    mapped: bool
    limit: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "target": self.target,
            "rule": self.rule_id,
            "title": self.title,
            "severity": self.severity,
            "result": self.result,
            "mapped": self.mapped,
            "limit": self.limit,
        }


@dataclass(frozen=True)
class ScanContext:
    """What every record of one scan shares."""

    target: str
    run_id: str
    time: datetime
    arf: str
    profile: str
    checker: str = CHECKER


def _evidence(rule: RuleResult, mapping: RuleMapping, ctx: ScanContext) -> Evidence:
    return Evidence(
        expected={"result": "pass", "note": mapping.note},
        actual={
            "rule": rule.rule_id,
            "title": rule.title,
            "severity": rule.severity,
            "result": rule.result,
            "profile": ctx.profile,
            "arf": ctx.arf,
        },
        detail=f"{rule.rule_id}: {rule.title}",
    )


def map_results(
    rules: Iterable[RuleResult], mapping: MappingFile, ctx: ScanContext
) -> tuple[list[ResultRecord], list[Informational]]:
    """Result records for mapped rules with a verdict; the rest as informational entries."""
    records: list[ResultRecord] = []
    info: list[Informational] = []
    for rule in rules:
        if rule.result == "notselected":
            continue
        entry = mapping.rules.get(rule.rule_id)
        status = STATUS_OF.get(rule.result)
        if entry is None or status is None or entry.limit is not None:
            info.append(
                Informational(
                    ctx.target,
                    rule.rule_id,
                    rule.title,
                    rule.severity,
                    rule.result,
                    entry is not None,
                    entry.limit if entry is not None else None,
                )
            )
            continue
        evidence = _evidence(rule, entry, ctx)
        for requirement in entry.requirements:
            records.append(
                ResultRecord(
                    requirement_id=requirement,
                    target=ctx.target,
                    target_kind="server",
                    status=status,
                    evidence=evidence,
                    checker=ctx.checker,
                    time=ctx.time,
                    run_id=ctx.run_id,
                )
            )
    return records, info


def summary_record(
    results: ScanResults,
    requirement: str,
    min_score: float,
    ctx: ScanContext,
    *,
    excluded: int = 0,
) -> ResultRecord:
    """The profile as a whole (e.g. SRV.14): pass when the XCCDF score reaches ``min_score``.
    ``excluded`` counts the rules the tailoring left out, each with its reason in the scan
    summary (checks/scap/profiles.yml)."""
    score = results.score
    status: Status = "pass" if score is not None and score >= min_score else "fail"
    return ResultRecord(
        requirement_id=requirement,
        target=ctx.target,
        target_kind="server",
        status=status,
        evidence=Evidence(
            expected={"min_score": min_score, "profile": ctx.profile, "excluded_rules": excluded},
            actual={"score": score, "counts": results.counts(), "arf": ctx.arf},
            detail="scap.summary",
        ),
        checker=ctx.checker,
        time=ctx.time,
        run_id=ctx.run_id,
    )


def error_record(requirement: str, ctx: ScanContext, message: str) -> ResultRecord:
    """The record a scan that could not run leaves behind (the run goes on with others)."""
    return ResultRecord(
        requirement_id=requirement,
        target=ctx.target,
        target_kind="server",
        status="error",
        evidence=Evidence(expected={"profile": ctx.profile}, actual=None, detail=message),
        checker=ctx.checker,
        time=ctx.time,
        run_id=ctx.run_id,
    )
