"""The organisation's parameter policy of an estate: ``policy/<regime>.yml`` in the estate
directory, one file per regime in force (``organisation``, ``regime``, ``overrides``).

An override may set a value the documents leave open or a stricter one; a weaker one is an
error unless a waiver in the estate's ``waivers.yml`` covers that requirement and parameter.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from capdo.compliance import (
    Catalogue,
    CompiledLevel,
    EffectivePolicy,
    EvaluationRules,
    OrganisationPolicy,
    PolicyIssue,
    Waiver,
    WaiverBook,
    apply_policy,
    load_policy,
    load_waivers,
)

POLICY_DIR = "policy"


@dataclass(frozen=True, eq=False)
class EstatePolicy:
    """The policies of one estate, with the waivers that may excuse weaker values.

    Hashable by identity so that it can key cached baselines.
    """

    policies: dict[str, OrganisationPolicy] = field(default_factory=dict)
    waivers: tuple[Waiver, ...] = ()
    today: date = field(default_factory=date.today)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def rules(self) -> EvaluationRules:
        """The evaluation rules; with one policy per regime, the stricter of each value."""
        found = [p.evaluation for p in self.policies.values()]
        if not found:
            return EvaluationRules()
        return EvaluationRules(
            result_max_age_days=min(r.result_max_age_days for r in found),
            waiver_max_months=min(r.waiver_max_months for r in found),
        )

    def effective(
        self, regime: str, catalogue: Catalogue, compiled: CompiledLevel
    ) -> EffectivePolicy:
        book = WaiverBook(self.waivers, self.today, self.rules.waiver_max_months)
        return apply_policy(catalogue, compiled, self.policies.get(regime), book)


def load_estate_policy(root: Path, today: date | None = None) -> EstatePolicy:
    """Read ``policy/<regime>.yml`` and ``waivers.yml``; raises ``DataFileError`` on bad files."""
    policies: dict[str, OrganisationPolicy] = {}
    files: dict[str, Path] = {}
    for regime in ("legacy", "new"):
        path = root / POLICY_DIR / f"{regime}.yml"
        if os.path.lexists(path):
            policies[regime] = load_policy(path, root)
            files[regime] = path
    waivers: tuple[Waiver, ...] = ()
    if os.path.lexists(root / "waivers.yml"):
        waivers = tuple(load_waivers(root / "waivers.yml", root).waivers)
    return EstatePolicy(policies, waivers, today or date.today(), files)


def policy_issues(
    policy: EstatePolicy, catalogues: dict[str, Catalogue], levels: set[int]
) -> list[tuple[str, int, PolicyIssue]]:
    """(regime, level, issue) for every level the estate uses; errors are weaker overrides
    without a waiver, unknown requirements or parameters, wrong types."""
    from capdo.compliance import compile_level  # noqa: PLC0415 (keep imports light)

    found: list[tuple[str, int, PolicyIssue]] = []
    seen: set[tuple[str, str, int]] = set()
    for regime, catalogue in catalogues.items():
        if regime not in policy.policies:
            continue
        for level in sorted(levels):
            for issue in policy.effective(
                regime, catalogue, compile_level(catalogue, level)
            ).issues:
                key = (regime, issue.key, issue.index)
                if issue.severity == "info" or key in seen:
                    continue
                seen.add(key)
                found.append((regime, level, issue))
    return found
