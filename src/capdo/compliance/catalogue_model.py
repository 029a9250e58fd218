"""Pydantic models of a requirement catalogue (``checks/catalogue/<regime>.yml``).

The format follows the ComplianceAsCode *controls file*: ordered ``levels`` that inherit
from each other, and ``requirements`` that start at a level and carry per-level
``parameters`` (a higher level overrides a value set by a lower one). Every threshold
keeps its ``source`` and ``confidence`` so an auditor can see where a number comes from.

These models check one file's *shape*; cross-references (unknown level, parameter or
trait, duplicate ids, inheritance cycles) are checked by
:func:`capdo.compliance.catalogue_semantics.check_semantics` so that every problem is
reported with its line, not only the first one.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

RequirementId = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,4}\.[0-9]{2}$")]
Token = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
LevelId = Annotated[int, Field(ge=1, le=9)]
ParamValue = bool | int | float | str | list[str]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalText(_Frozen):
    """A text in Vietnamese and English."""

    vi: Annotated[str, StringConstraints(min_length=1)]
    en: Annotated[str, StringConstraints(min_length=1)]

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


class Confidence(enum.StrEnum):
    """How solid a statement is (regulations.md tags [S] / [S2] / [I])."""

    legal_text = "legal_text"
    secondary = "secondary"
    inference = "inference"


class Group(enum.StrEnum):
    management = "management"
    design = "design"
    network = "network"
    server = "server"
    application = "application"
    data = "data"
    monitoring = "monitoring"
    incidents = "incidents"
    assessment = "assessment"
    dossier = "dossier"


class CheckKind(enum.StrEnum):
    """Who produces the result: a checker per host kind, SCAP, the inventory, or a person."""

    server = "server"
    network = "network"
    endpoint = "endpoint"
    scap = "scap"
    inventory = "inventory"
    manual = "manual"


class RequirementStatus(enum.StrEnum):
    """Whether a row is a requirement of this regime.

    ``applies``: selected by the levels. ``informative``: kept for reference, never
    selected. ``not_in_regime``: the row exists in the other regime only.
    """

    applies = "applies"
    informative = "informative"
    not_in_regime = "not_in_regime"


class Direction(enum.Enum):
    """Which way a parameter value is *stronger*.

    ``higher``: a larger number (or ``true``) is stronger, e.g. password length.
    ``lower``: a smaller number is stronger, e.g. lockout attempts or a review interval.
    ``superset``: a list that contains more items is stronger, e.g. required zones.
    ``exact``: no order; any other value is a deviation, e.g. a report deadline.
    """

    higher = "higher"
    lower = "lower"
    superset = "superset"
    exact = "exact"


class ParameterType(enum.StrEnum):
    integer = "integer"
    number = "number"
    boolean = "boolean"
    string = "string"
    string_list = "string_list"


class ParameterDef(_Frozen):
    """Definition of a parameter name used by requirements."""

    title: LocalText
    type: ParameterType
    unit: str | None = None
    stronger: Direction
    configured_default: ParamValue | None = None
    """What capdo configures on a device or endpoint when neither the level nor the
    organisation's policy sets a value (the documents leave it open). It only fills a
    configuration line; it never decides compliance, which still asks the policy for a value."""


class Source(_Frozen):
    """A document reference (article, annex, section) and how solid it is."""

    ref: Annotated[str, StringConstraints(min_length=1)]
    confidence: Confidence


class ParameterSetting(_Frozen):
    """A threshold value set at one level, with its source.

    ``value: null`` records that the documents give no number (``NOT FOUND``); a ``note``
    is then required and the organisation must define the value in its policy.
    """

    value: ParamValue | None
    source: Annotated[str, StringConstraints(min_length=1)]
    confidence: Confidence
    note: str | None = None


class Level(_Frozen):
    id: LevelId
    title: LocalText
    inherits_from: list[LevelId] = Field(default_factory=list)


class Trait(_Frozen):
    """A property of a system or target that makes a conditional requirement apply."""

    title: LocalText


class Document(_Frozen):
    """A legal document or standard the catalogue is built from."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_]*$")]
    title: LocalText
    in_force: date | None = None
    note: str | None = None


class Deadline(_Frozen):
    """A transition date (regulations.md §0.1)."""

    id: Token
    date: date
    title: LocalText
    source: str
    confidence: Confidence


class Scoring(_Frozen):
    """Visible weights of the score: per group, and the credit each status earns.

    score = sum(weight x credit) / sum(weight) over applicable requirements; statuses
    without a credit entry (``not_applicable``) are left out of both sums.
    """

    group_weights: dict[Group, float]
    status_credit: dict[
        Literal["pass", "fail", "missing_evidence", "not_reviewed", "error", "waived"],
        Annotated[float, Field(ge=0, le=1)],
    ]


class Requirement(_Frozen):
    id: RequirementId
    title: LocalText
    group: Group
    first_level: LevelId
    status: RequirementStatus = RequirementStatus.applies
    check: CheckKind
    sources: list[Source] = Field(min_length=1)
    confidence: Confidence
    applies_when: list[Token] = Field(default_factory=list)
    parameters: dict[LevelId, dict[Token, ParameterSetting]] = Field(default_factory=dict)
    evidence_validity: Token | None = None
    weight: Annotated[float, Field(gt=0)] | None = None
    maps_to: list[RequirementId] = Field(default_factory=list)
    change_from_legacy: str | None = None
    notes: str | None = None


class Catalogue(_Frozen):
    """One regime's catalogue file."""

    id: Token
    regime: Literal["legacy", "new"]
    title: LocalText
    version: str
    documents: list[Document] = Field(min_length=1)
    levels: list[Level] = Field(min_length=1)
    parameters: dict[Token, ParameterDef] = Field(default_factory=dict)
    traits: dict[Token, Trait] = Field(default_factory=dict)
    transition: list[Deadline] = Field(default_factory=list)
    scoring: Scoring
    requirements: list[Requirement] = Field(min_length=1)

    def requirement(self, requirement_id: str) -> Requirement:
        for item in self.requirements:
            if item.id == requirement_id:
                return item
        raise KeyError(requirement_id)

    def level(self, level_id: int) -> Level:
        for item in self.levels:
            if item.id == level_id:
                return item
        raise KeyError(level_id)
