"""Cross-reference checks of a catalogue that the pydantic models cannot express.

All problems are collected (never only the first) and carry a path into the document so
the loader can give their line and column.
"""

from __future__ import annotations

from collections import Counter

from capdo.compliance.catalogue_model import (
    Catalogue,
    ParameterDef,
    ParameterSetting,
    ParameterType,
    RequirementStatus,
)
from capdo.compliance.problems import Path, Problem


def value_matches_type(value: object, kind: ParameterType) -> bool:
    """Whether a parameter value has the type its definition declares."""
    if kind is ParameterType.boolean:
        return isinstance(value, bool)
    if kind is ParameterType.integer:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is ParameterType.number:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is ParameterType.string:
        return isinstance(value, str)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _check_levels(cat: Catalogue) -> list[Problem]:
    problems: list[Problem] = []
    ids = [lvl.id for lvl in cat.levels]
    for index, lvl in enumerate(cat.levels):
        if ids.count(lvl.id) > 1 and ids.index(lvl.id) != index:
            problems.append(
                Problem(("levels", index, "id"), "compliance.cat.level-dup", {"level": lvl.id})
            )
        for pos, parent in enumerate(lvl.inherits_from):
            path: Path = ("levels", index, "inherits_from", pos)
            if parent not in ids:
                problems.append(Problem(path, "compliance.cat.level-unknown", {"level": parent}))
            elif parent == lvl.id:
                problems.append(Problem(path, "compliance.cat.level-cycle", {"level": lvl.id}))
    parents = {lvl.id: lvl.inherits_from for lvl in cat.levels}
    for index, lvl in enumerate(cat.levels):
        seen: set[int] = set()
        stack = [p for p in lvl.inherits_from if p != lvl.id]
        while stack:
            current = stack.pop()
            if current == lvl.id:
                problems.append(
                    Problem(
                        ("levels", index, "inherits_from"),
                        "compliance.cat.level-cycle",
                        {"level": lvl.id},
                    )
                )
                break
            if current in seen:
                continue
            seen.add(current)
            stack.extend(parents.get(current, []))
    return problems


def _check_setting(
    cat: Catalogue, path: Path, name: str, setting: ParameterSetting
) -> list[Problem]:
    definition: ParameterDef | None = cat.parameters.get(name)
    if definition is None:
        return [Problem(path, "compliance.cat.param-unknown", {"param": name})]
    if setting.value is None:
        if not setting.note:
            return [Problem(path, "compliance.cat.param-null-note", {"param": name})]
        return []
    if not value_matches_type(setting.value, definition.type):
        return [
            Problem(
                (*path, "value"),
                "compliance.cat.param-type",
                {"param": name, "type": definition.type.value, "value": setting.value},
            )
        ]
    return []


def check_semantics(cat: Catalogue) -> list[Problem]:
    """Every cross-reference problem of ``cat``."""
    problems = _check_levels(cat)
    level_ids = {lvl.id for lvl in cat.levels}
    counts = Counter(req.id for req in cat.requirements)
    req_ids = set(counts)
    seen: set[str] = set()
    for index, req in enumerate(cat.requirements):
        base: Path = ("requirements", index)
        if counts[req.id] > 1 and req.id in seen:
            problems.append(Problem((*base, "id"), "compliance.cat.req-dup", {"id": req.id}))
        seen.add(req.id)
        if req.first_level not in level_ids:
            problems.append(
                Problem(
                    (*base, "first_level"),
                    "compliance.cat.level-unknown",
                    {"level": req.first_level},
                )
            )
        if req.group not in cat.scoring.group_weights:
            problems.append(
                Problem((*base, "group"), "compliance.cat.group-weight", {"group": req.group.value})
            )
        for pos, trait in enumerate(req.applies_when):
            if trait not in cat.traits:
                problems.append(
                    Problem(
                        (*base, "applies_when", pos),
                        "compliance.cat.trait-unknown",
                        {"trait": trait},
                    )
                )
        for pos, other in enumerate(req.maps_to):
            if other not in req_ids:
                problems.append(
                    Problem((*base, "maps_to", pos), "compliance.cat.req-unknown", {"id": other})
                )
        used: set[str] = set()
        for level_id, settings in req.parameters.items():
            lpath: Path = (*base, "parameters", level_id)
            if level_id not in level_ids:
                problems.append(Problem(lpath, "compliance.cat.level-unknown", {"level": level_id}))
            elif level_id < req.first_level and req.status is RequirementStatus.applies:
                problems.append(
                    Problem(
                        lpath,
                        "compliance.cat.param-below-first",
                        {"level": level_id, "first": req.first_level},
                    )
                )
            for name, setting in settings.items():
                used.add(name)
                problems.extend(_check_setting(cat, (*lpath, name), name, setting))
        if req.evidence_validity is not None and req.evidence_validity not in used:
            problems.append(
                Problem(
                    (*base, "evidence_validity"),
                    "compliance.cat.validity-param",
                    {"param": req.evidence_validity},
                )
            )
        if req.check.value == "manual" and not req.notes:
            problems.append(
                Problem((*base, "check"), "compliance.cat.manual-notes", {"id": req.id})
            )
    return problems
