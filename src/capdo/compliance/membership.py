"""Which systems each target belongs to: its effective level and traits, and the ids that do
not resolve (members the estate does not have, targets in no system and with no level)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from capdo.compliance.targets import SystemRef, Target


@dataclass(frozen=True, slots=True)
class Membership:
    targets: dict[str, Target]
    """Every target by id."""
    levels: dict[str, list[int]]
    """Target id → the levels of the systems it belongs to."""
    traits_of_system: dict[str, frozenset[str]]
    unknown_members: tuple[str, ...]
    """``system:member`` for members that are no target."""

    @classmethod
    def of(cls, systems: Sequence[SystemRef], targets: Sequence[Target]) -> Membership:
        by_id = {t.id: t for t in targets}
        levels: dict[str, list[int]] = {}
        unknown: list[str] = []
        for system in systems:
            for member in system.members:
                if member in by_id:
                    levels.setdefault(member, []).append(system.level)
                else:
                    unknown.append(f"{system.id}:{member}")
        traits = {s.id: s.traits for s in systems}
        return cls(by_id, levels, traits, tuple(unknown))

    def level(self, target: Target) -> int | None:
        """The highest of the target's own level and its systems' levels (None: not evaluated)."""
        levels = self.levels.get(target.id)
        if not levels and target.level is None:
            return None
        return max([*(levels or []), target.level or 0])

    def traits(self, target: Target) -> frozenset[str]:
        """The target's traits and those of its systems."""
        return target.traits.union(
            *(self.traits_of_system.get(s, frozenset()) for s in target.systems)
        )

    def members(self, system: SystemRef) -> list[Target]:
        """The system's members that are targets, in the system's order."""
        return [self.targets[m] for m in system.members if m in self.targets]

    def unassigned(self, targets: Sequence[Target]) -> tuple[str, ...]:
        """Targets in no system and without a level of their own (not evaluated)."""
        return tuple(t.id for t in targets if t.id not in self.levels and t.level is None)
