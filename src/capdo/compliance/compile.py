"""The compiled view: what a regime selects at one level, with resolved parameter values.

Semantics (ComplianceAsCode ``controls``): a level's *lineage* is the level itself then its
ancestors, depth-first through ``inherits_from`` without repeats. A requirement is
selected when its ``first_level`` is in the lineage and its status is ``applies``. A
parameter takes the value set by the first level of the lineage that sets it, so a
higher level overrides a lower one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from capdo.compliance.catalogue_model import (
    Catalogue,
    Confidence,
    Direction,
    ParamValue,
    Requirement,
    RequirementStatus,
)


@dataclass(frozen=True, slots=True)
class ResolvedParameter:
    """A parameter's value at a level, the level that set it, and where it comes from."""

    name: str
    value: ParamValue | None
    set_at_level: int
    source: str
    confidence: Confidence
    stronger: Direction
    unit: str | None
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "stronger": self.stronger.value,
            "set_at_level": self.set_at_level,
            "source": self.source,
            "confidence": self.confidence.value,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class CompiledRequirement:
    requirement: Requirement
    parameters: Mapping[str, ResolvedParameter]

    @property
    def id(self) -> str:
        return self.requirement.id

    def to_dict(self) -> dict[str, object]:
        req = self.requirement
        return {
            "id": req.id,
            "title": req.title.model_dump(),
            "group": req.group.value,
            "first_level": req.first_level,
            "check": req.check.value,
            "confidence": req.confidence.value,
            "sources": [s.model_dump(mode="json") for s in req.sources],
            "applies_when": list(req.applies_when),
            "parameters": {k: v.to_dict() for k, v in sorted(self.parameters.items())},
            "notes": req.notes,
        }


@dataclass(frozen=True, slots=True)
class CompiledLevel:
    """Exactly the requirements a regime selects at ``level``."""

    catalogue_id: str
    regime: str
    version: str
    level: int
    lineage: tuple[int, ...]
    requirements: tuple[CompiledRequirement, ...]

    def get(self, requirement_id: str) -> CompiledRequirement | None:
        for item in self.requirements:
            if item.id == requirement_id:
                return item
        return None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.requirements)

    def to_dict(self) -> dict[str, object]:
        return {
            "catalogue": self.catalogue_id,
            "regime": self.regime,
            "version": self.version,
            "level": self.level,
            "lineage": list(self.lineage),
            "count": len(self.requirements),
            "requirements": [r.to_dict() for r in self.requirements],
        }


def lineage(catalogue: Catalogue, level: int) -> tuple[int, ...]:
    """``level`` then its ancestors, depth-first, without repeats (raises KeyError if unknown)."""
    parents = {lvl.id: lvl.inherits_from for lvl in catalogue.levels}
    if level not in parents:
        raise KeyError(level)
    order: list[int] = []
    stack = [level]
    while stack:
        current = stack.pop()
        if current in order:
            continue
        order.append(current)
        stack.extend(reversed(parents.get(current, [])))
    return tuple(order)


def resolve_parameters(
    catalogue: Catalogue, requirement: Requirement, levels: tuple[int, ...]
) -> dict[str, ResolvedParameter]:
    """Parameter values for ``requirement`` along ``levels`` (first setter wins)."""
    resolved: dict[str, ResolvedParameter] = {}
    for level in levels:
        for name, setting in requirement.parameters.get(level, {}).items():
            if name in resolved:
                continue
            definition = catalogue.parameters[name]
            resolved[name] = ResolvedParameter(
                name=name,
                value=setting.value,
                set_at_level=level,
                source=setting.source,
                confidence=setting.confidence,
                stronger=definition.stronger,
                unit=definition.unit,
                note=setting.note,
            )
    return resolved


def is_selected(requirement: Requirement, levels: tuple[int, ...]) -> bool:
    return requirement.status is RequirementStatus.applies and requirement.first_level in levels


def compile_level(catalogue: Catalogue, level: int) -> CompiledLevel:
    """The compiled view of ``catalogue`` at ``level`` (raises KeyError for an unknown level)."""
    levels = lineage(catalogue, level)
    selected = tuple(
        CompiledRequirement(req, resolve_parameters(catalogue, req, levels))
        for req in catalogue.requirements
        if is_selected(req, levels)
    )
    return CompiledLevel(
        catalogue_id=catalogue.id,
        regime=catalogue.regime,
        version=catalogue.version,
        level=level,
        lineage=levels,
        requirements=selected,
    )
