"""The lowest level an information system's own description allows, per regime.

An application of the level criteria (Decree 85/2016 Art. 7–11; Decree 331/2026 Art. 11–15)
to what the inventory says of a system: type, scope, information types, counts. It decides
only the cases the model can decide; anything that needs a judgement (industrial-control
grades, harm to national security) is left to the approver.
"""

from __future__ import annotations

from dataclasses import dataclass

from capdo.inventory.model import InformationSystem, Regime

DECREE = {"legacy": "85/2016/NĐ-CP", "new": "331/2026/NĐ-CP"}

LEGACY_USER_THRESHOLD = 10_000
NEW_BASIC_SUBJECT_THRESHOLD = 100_000
NEW_SENSITIVE_SUBJECT_THRESHOLD = 10_000


@dataclass(frozen=True, slots=True)
class MinimumLevel:
    level: int
    regime: Regime
    article: str

    @property
    def decree(self) -> str:
        return DECREE[self.regime]


_SCOPE_LEVEL = {"agency": 2, "sector": 3, "province": 3, "multi-province": 3, "national": 4}
_SCOPE_ARTICLE = {
    "legacy": {2: "8.3", 3: "9.3", 4: "10.3"},
    "new": {2: "12.3", 3: "13.3", 4: "14.2"},
}


def minimum_level(system: InformationSystem, regime: Regime) -> MinimumLevel:
    """The level the criteria require at least, with the article that says so."""
    candidates = [MinimumLevel(1, regime, "7" if regime == "legacy" else "11")]
    info = set(system.information)
    if "state-secret" in info:
        candidates.append(MinimumLevel(3, regime, "9.1" if regime == "legacy" else "13.1"))
    non_public = bool(info - {"public"})
    if system.type == "shared-infrastructure":
        level = _SCOPE_LEVEL[system.scope]
        candidates.append(MinimumLevel(level, regime, _SCOPE_ARTICLE[regime][level]))
    elif system.type == "citizen-service":
        candidates.append(MinimumLevel(2, regime, "8.2" if regime == "legacy" else "12.2"))
        candidates.extend(_citizen_service_level3(system, regime, non_public))
    elif system.type == "internal" and non_public:
        candidates.append(MinimumLevel(2, regime, "8.1" if regime == "legacy" else "12.1"))
    return max(candidates, key=lambda m: m.level)


def _citizen_service_level3(
    system: InformationSystem, regime: Regime, non_public: bool
) -> list[MinimumLevel]:
    found = []
    if regime == "legacy":
        if (system.public_service_level or 0) >= 3:
            found.append(MinimumLevel(3, regime, "9.2.a"))
        if non_public and max(system.users, system.data_subjects) >= LEGACY_USER_THRESHOLD:
            found.append(MinimumLevel(3, regime, "9.2.c"))
    else:
        if system.administrative_procedures:
            found.append(MinimumLevel(3, regime, "13.2.b"))
        sensitive = "sensitive-personal" in system.information
        if system.data_subjects >= NEW_BASIC_SUBJECT_THRESHOLD or (
            sensitive and system.data_subjects >= NEW_SENSITIVE_SUBJECT_THRESHOLD
        ):
            found.append(MinimumLevel(3, regime, "13.2.c"))
    return found
