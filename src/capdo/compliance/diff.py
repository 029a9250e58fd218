"""What a system at a level must add to move from one regime to another."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from capdo.compliance.catalogue_model import Catalogue, Deadline, ParamValue
from capdo.compliance.compile import CompiledRequirement, ResolvedParameter, compile_level
from capdo.compliance.policy import compare

ParamChangeKind = Literal["stricter", "weaker", "new", "dropped", "changed", "now_set", "now_unset"]


@dataclass(frozen=True, slots=True)
class ParameterChange:
    requirement_id: str
    name: str
    kind: ParamChangeKind
    old: ParamValue | None
    new: ParamValue | None
    new_source: str | None
    new_confidence: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "requirement_id": self.requirement_id,
            "parameter": self.name,
            "change": self.kind,
            "from": self.old,
            "to": self.new,
            "source": self.new_source,
            "confidence": self.new_confidence,
        }


@dataclass(frozen=True, slots=True)
class RegimeDiff:
    level: int
    from_regime: str
    to_regime: str
    added: tuple[CompiledRequirement, ...]
    removed: tuple[CompiledRequirement, ...]
    parameters: tuple[ParameterChange, ...]
    changed_notes: tuple[tuple[str, str], ...]
    deadlines: tuple[Deadline, ...]

    @property
    def to_add_count(self) -> int:
        return len(self.added) + sum(
            1 for p in self.parameters if p.kind in ("stricter", "new", "now_set")
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "level": self.level,
            "from": self.from_regime,
            "to": self.to_regime,
            "added": [
                {**r.to_dict(), "change_from_legacy": r.requirement.change_from_legacy}
                for r in self.added
            ],
            "removed": [r.to_dict() for r in self.removed],
            "parameters": [p.to_dict() for p in self.parameters],
            "changed": [{"requirement_id": i, "note": n} for i, n in self.changed_notes],
            "deadlines": [d.model_dump(mode="json") for d in self.deadlines],
        }


def _param_change(
    cat: Catalogue,
    rid: str,
    name: str,
    old: ResolvedParameter | None,
    new: ResolvedParameter | None,
) -> ParameterChange | None:
    old_value = old.value if old else None
    new_value = new.value if new else None
    src = (new.source, new.confidence.value) if new else (None, None)
    kind: ParamChangeKind
    if old_value is None and new_value is None:
        return None
    if old is None:
        kind = "new"
    elif new is None:
        kind = "dropped"
    elif old_value == new_value:
        return None
    elif old_value is None:
        kind = "now_set"
    elif new_value is None:
        kind = "now_unset"
    else:
        order = compare(cat.parameters[name].stronger, old_value, new_value)
        kind = "stricter" if order > 0 else "weaker"
        if cat.parameters[name].stronger.value == "exact":
            kind = "changed"
    return ParameterChange(rid, name, kind, old_value, new_value, *src)


def diff_regimes(old: Catalogue, new: Catalogue, level: int) -> RegimeDiff:
    """Requirements and parameter values that change at ``level`` from ``old`` to ``new``."""
    before = compile_level(old, level)
    after = compile_level(new, level)
    before_ids = set(before.ids)
    after_ids = set(after.ids)
    added = tuple(r for r in after.requirements if r.id not in before_ids)
    removed = tuple(r for r in before.requirements if r.id not in after_ids)
    changes: list[ParameterChange] = []
    notes: list[tuple[str, str]] = []
    for item in after.requirements:
        previous = before.get(item.id)
        if previous is None:
            continue
        for name in sorted(set(item.parameters) | set(previous.parameters)):
            change = _param_change(
                new, item.id, name, previous.parameters.get(name), item.parameters.get(name)
            )
            if change is not None:
                changes.append(change)
        if item.requirement.change_from_legacy:
            notes.append((item.id, item.requirement.change_from_legacy))
    return RegimeDiff(
        level=level,
        from_regime=old.regime,
        to_regime=new.regime,
        added=added,
        removed=removed,
        parameters=tuple(changes),
        changed_notes=tuple(notes),
        deadlines=tuple(sorted(new.transition or old.transition, key=lambda d: d.date)),
    )
