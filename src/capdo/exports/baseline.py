"""What the catalogue asks of one target: requirement ids and parameter values at its level.

During the transition both regimes are in force; a parameter then takes the stricter of the
two values (by the parameter's ``stronger`` direction), and a requirement of either regime
applies. This is what roles and checks read (``capdo_params``, ``capdo_requirements``) instead
of hard-coding thresholds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from capdo.compliance import (
    CatalogueNotFoundError,
    CheckKind,
    ParamValue,
    ResolvedParameter,
    compare,
    compile_level,
    find_catalogue_dir,
    load_regime,
)
from capdo.errors import CapdoError
from capdo.exports.policy import EstatePolicy
from capdo.inventory import Regime, TargetKind

CHECKS_FOR: dict[TargetKind, frozenset[CheckKind]] = {
    "server": frozenset({CheckKind.server, CheckKind.scap}),
    "device": frozenset({CheckKind.network}),
    "endpoint": frozenset({CheckKind.endpoint}),
}


@dataclass(frozen=True)
class Baseline:
    requirements: tuple[str, ...] = ()
    """Requirement ids checked on this kind of target at this level."""
    params: dict[str, ParamValue | None] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    """Parameter → where its value comes from (regime, requirement, source)."""
    configured_defaults: dict[str, ParamValue] = field(default_factory=dict)
    """Parameter → the catalogue's ``configured_default`` (see :meth:`setting`)."""

    def setting(self, name: str) -> ParamValue:
        """The value to configure for ``name``: the level's (or the policy's) value, else the
        catalogue's configured default; neither is a clear error, never a number in code."""
        value = self.params.get(name)
        if value is None:
            value = self.configured_defaults.get(name)
        if value is None:
            raise CapdoError("baseline.error.no-setting", parameter=name)
        return value


def _stricter(current: ResolvedParameter | None, new: ResolvedParameter) -> bool:
    if current is None or current.value is None:
        return True
    if new.value is None:
        return False
    return compare(new.stronger, current.value, new.value) > 0


@cache
def baseline(
    kind: TargetKind,
    level: int,
    regimes: tuple[Regime, ...],
    catalogue_dir: Path,
    policy: EstatePolicy | None = None,
) -> Baseline:
    """Requirement ids and parameter values at ``level``; with the estate's ``policy``, the
    organisation's overrides replace the standard's values (stricter ones, or values the
    documents leave open; weaker ones only under a waiver, see :mod:`capdo.exports.policy`)."""
    chosen: dict[str, tuple[ResolvedParameter, str]] = {}
    requirements: set[str] = set()
    for regime in regimes:
        catalogue = load_regime(regime, catalogue_dir)
        compiled = compile_level(catalogue, level)
        effective = policy.effective(regime, catalogue, compiled) if policy else None
        for item in compiled.requirements:
            if item.requirement.check in CHECKS_FOR[kind]:
                requirements.add(item.id)
            for name, standard in item.parameters.items():
                parameter = standard
                if effective is not None:
                    value = effective.parameters.get(item.id, {}).get(name)
                    if value is not None and value.origin == "organisation":
                        parameter = dataclasses.replace(
                            standard, value=value.value, source=f"policy: {value.justification}"
                        )
                current = chosen.get(name)
                if _stricter(current[0] if current else None, parameter):
                    chosen[name] = (parameter, f"{regime}:{item.id}: {parameter.source}")
    defaults: dict[str, ParamValue] = {}
    for regime in regimes:
        for name, definition in load_regime(regime, catalogue_dir).parameters.items():
            if definition.configured_default is not None:
                defaults.setdefault(name, definition.configured_default)
    return Baseline(
        requirements=tuple(sorted(requirements)),
        params={name: p.value for name, (p, _) in sorted(chosen.items())},
        sources={name: where for name, (_, where) in sorted(chosen.items())},
        configured_defaults=dict(sorted(defaults.items())),
    )


def catalogue_dir_for(estate_root: Path) -> Path | None:
    """The catalogue that governs an estate: $CAPDO_CATALOGUE_DIR, else the repository's that
    holds the estate, else the one above the working directory."""
    for start in (estate_root, None):
        try:
            return find_catalogue_dir(start=start)
        except CatalogueNotFoundError:
            continue
    return None
