"""Organisation policy: parameter values the organisation sets on top of the standard.

An override may fill a value the documents do not give (``value: null`` in the
catalogue), or make a value stricter. A value *weaker* than the standard's (by the
parameter's ``stronger`` direction) is an error unless an active waiver for that
requirement (and parameter) covers it. Overrides are organisation-wide; ``levels``
limits one to some levels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from capdo.compliance.catalogue_model import (
    Catalogue,
    Direction,
    LevelId,
    ParamValue,
    RequirementId,
    Token,
)
from capdo.compliance.catalogue_semantics import value_matches_type
from capdo.compliance.compile import CompiledLevel, ResolvedParameter
from capdo.compliance.waivers import WaiverBook

NonEmpty = Annotated[str, Field(min_length=1)]
Severity = Literal["error", "warning", "info"]


class ParameterOverride(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    requirement_id: RequirementId
    parameter: Token
    value: ParamValue
    justification: NonEmpty
    levels: list[LevelId] = Field(default_factory=list)
    approved_by: str | None = None


class EvaluationRules(BaseModel):
    """How the evaluation trusts its inputs (the defaults are the organisation's defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    result_max_age_days: Annotated[int, Field(ge=1)] = 30
    """Result records older than this are stale and not counted."""
    waiver_max_months: Annotated[int, Field(ge=1)] = 36
    """No waiver may run longer than this from its approval."""


class OrganisationPolicy(BaseModel):
    """The policy file: who it belongs to, its regime, and its overrides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: NonEmpty
    regime: Literal["legacy", "new"]
    evaluation: EvaluationRules = EvaluationRules()
    overrides: list[ParameterOverride] = Field(default_factory=list)


def compare(direction: Direction, standard: ParamValue, value: ParamValue) -> int:
    """-1 if ``value`` is weaker than ``standard``, 0 if equal, 1 if stronger."""
    if value == standard:
        return 0
    if direction is Direction.exact:
        return -1
    if direction is Direction.superset:
        have = set(value) if isinstance(value, list) else {str(value)}
        need = set(standard) if isinstance(standard, list) else {str(standard)}
        return 1 if have >= need else -1
    if isinstance(value, str | list) or isinstance(standard, str | list):
        return -1
    bigger = float(value) > float(standard)
    return 1 if bigger == (direction is Direction.higher) else -1


@dataclass(frozen=True, slots=True)
class PolicyIssue:
    severity: Severity
    key: str
    index: int
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EffectiveParameter:
    """The value checkers should expect, and whether it is the standard's or the organisation's."""

    name: str
    value: ParamValue | None
    origin: Literal["standard", "organisation"]
    standard: ResolvedParameter | None
    justification: str | None = None
    waiver_id: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": self.value,
            "origin": self.origin,
            "standard_value": self.standard.value if self.standard else None,
            "standard_source": self.standard.source if self.standard else None,
            "justification": self.justification,
            "waiver_id": self.waiver_id,
        }


@dataclass(frozen=True, slots=True)
class EffectivePolicy:
    level: int
    parameters: Mapping[str, Mapping[str, EffectiveParameter]]
    issues: tuple[PolicyIssue, ...]

    @property
    def has_errors(self) -> bool:
        return any(i.severity == "error" for i in self.issues)

    def value(self, requirement_id: str, name: str) -> ParamValue | None:
        param = self.parameters.get(requirement_id, {}).get(name)
        return param.value if param else None


def apply_policy(
    catalogue: Catalogue,
    compiled: CompiledLevel,
    policy: OrganisationPolicy | None,
    waivers: WaiverBook | None = None,
) -> EffectivePolicy:
    """The parameters at ``compiled.level`` after the organisation's overrides."""
    params: dict[str, dict[str, EffectiveParameter]] = {
        item.id: {
            name: EffectiveParameter(name, rp.value, "standard", rp)
            for name, rp in item.parameters.items()
        }
        for item in compiled.requirements
    }
    issues: list[PolicyIssue] = []
    if policy is None:
        return EffectivePolicy(compiled.level, params, ())
    known = {r.id for r in catalogue.requirements}
    if policy.regime != catalogue.regime:
        issues.append(
            PolicyIssue(
                "error",
                "compliance.policy.regime",
                -1,
                {"policy": policy.regime, "catalogue": catalogue.regime},
            )
        )
    for index, ov in enumerate(policy.overrides):
        where = {"id": ov.requirement_id, "param": ov.parameter}
        definition = catalogue.parameters.get(ov.parameter)
        if ov.requirement_id not in known:
            issues.append(PolicyIssue("error", "compliance.policy.unknown-req", index, where))
            continue
        if definition is None:
            issues.append(PolicyIssue("error", "compliance.policy.unknown-param", index, where))
            continue
        if not value_matches_type(ov.value, definition.type):
            issues.append(
                PolicyIssue(
                    "error",
                    "compliance.policy.type",
                    index,
                    {**where, "type": definition.type.value},
                )
            )
            continue
        if ov.levels and compiled.level not in ov.levels:
            continue
        if ov.requirement_id not in params:
            issues.append(
                PolicyIssue(
                    "warning",
                    "compliance.policy.not-selected",
                    index,
                    {**where, "level": compiled.level},
                )
            )
            continue
        current = params[ov.requirement_id].get(ov.parameter)
        standard = current.standard if current else None
        if standard is None or standard.value is None:
            params[ov.requirement_id][ov.parameter] = EffectiveParameter(
                ov.parameter, ov.value, "organisation", standard, ov.justification
            )
            issues.append(
                PolicyIssue(
                    "info", "compliance.policy.defines", index, {**where, "value": ov.value}
                )
            )
            continue
        order = compare(definition.stronger, standard.value, ov.value)
        if order == 0:
            issues.append(PolicyIssue("info", "compliance.policy.same", index, where))
            continue
        waiver_id: str | None = None
        if order < 0:
            waiver = (
                waivers.covering_parameter(ov.requirement_id, ov.parameter) if waivers else None
            )
            if waiver is None:
                issues.append(
                    PolicyIssue(
                        "error",
                        "compliance.policy.weaker",
                        index,
                        {
                            **where,
                            "value": ov.value,
                            "standard": standard.value,
                            "source": standard.source,
                        },
                    )
                )
                continue
            waiver_id = waiver.id
            issues.append(
                PolicyIssue(
                    "warning",
                    "compliance.policy.weaker-waived",
                    index,
                    {**where, "waiver": waiver.id},
                )
            )
        params[ov.requirement_id][ov.parameter] = EffectiveParameter(
            ov.parameter, ov.value, "organisation", standard, ov.justification, waiver_id
        )
    return EffectivePolicy(compiled.level, params, tuple(issues))
