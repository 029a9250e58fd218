"""Evidence register: documents that decide documentary requirements, each with a scope.

An entry covers one requirement for a scope: one ``system``, a list of ``systems`` (one
provincial decision naming several systems), every system of an ``owner``, or the whole
``estate``. The newest entry that covers a system counts:

- no entry → ``missing_evidence`` (a document is missing);
- an entry older than its validity → ``missing_evidence`` (overdue);
- an entry dated in the future → ``missing_evidence`` (not yet a document; reported).

The validity is the requirement's interval (its ``evidence_validity`` parameter at the
system's level, after the organisation's policy). An entry's own ``valid_months`` may only
shorten it: a document never stays valid longer than the requirement's interval.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

from capdo.compliance.catalogue_model import RequirementId
from capdo.compliance.dates import add_months
from capdo.compliance.results import Evidence, Status

NonEmpty = Annotated[str, Field(min_length=1)]


class EvidenceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    requirement_id: RequirementId
    system: NonEmpty | None = None
    systems: list[NonEmpty] = Field(default_factory=list)
    owner: NonEmpty | None = None
    """Every system of this owner (the owner's Vietnamese name as in the inventory)."""
    estate: bool = False
    """The whole estate (an organisation-wide document such as the security policy)."""
    document_ref: NonEmpty
    dated: date
    valid_months: Annotated[int, Field(ge=1)] | None = None
    title: str | None = None
    sample: bool = False
    """A sample document of a demo or lab estate (shown as such in reports)."""

    @model_validator(mode="after")
    def _one_scope(self) -> EvidenceEntry:
        given = sum((self.system is not None, bool(self.systems), self.owner is not None))
        if given + self.estate != 1:
            raise ValueError("give exactly one scope: system, systems, owner or estate: true")
        return self

    def covers(self, system_id: str, owner: str | None) -> bool:
        return (
            self.estate
            or self.system == system_id
            or system_id in self.systems
            or (owner is not None and self.owner == owner)
        )

    @property
    def scope_text(self) -> str:
        if self.estate:
            return "estate"
        if self.owner is not None:
            return f"owner:{self.owner}"
        return ",".join(self.systems) if self.systems else str(self.system)


class EvidenceRegister(BaseModel):
    """The register file (``evidence:`` list)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    evidence: list[EvidenceEntry] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EvidenceVerdict:
    status: Status
    evidence: Evidence


#: The verdict for a requirement without any document (shared: ``Evidence`` is frozen).
_MISSING = EvidenceVerdict(
    "missing_evidence",
    Evidence(expected="document", actual=None, detail="compliance.evidence.missing"),
)


@dataclass(slots=True)
class _Scoped:
    """One requirement's entries, newest first, by what they cover."""

    order: dict[int, int] = field(default_factory=dict)
    """id(entry) → its place newest first (to merge the scopes back in that order)."""
    systems: dict[str, list[EvidenceEntry]] = field(default_factory=dict)
    owners: dict[str, list[EvidenceEntry]] = field(default_factory=dict)
    estate: list[EvidenceEntry] = field(default_factory=list)

    def add(self, entry: EvidenceEntry) -> None:
        self.order[id(entry)] = len(self.order)
        if entry.estate:
            self.estate.append(entry)
        if entry.owner is not None:
            self.owners.setdefault(entry.owner, []).append(entry)
        named = [entry.system] if entry.system is not None else []
        for system_id in dict.fromkeys([*named, *entry.systems]):
            self.systems.setdefault(system_id, []).append(entry)

    def covering(self, system_id: str, owner: str | None) -> list[EvidenceEntry]:
        parts = [self.systems.get(system_id, ()), self.estate]
        if owner is not None:
            parts.append(self.owners.get(owner, ()))
        found = {id(e): e for part in parts for e in part}
        return sorted(found.values(), key=lambda e: self.order[id(e)])


class EvidenceIndex:
    """Entries grouped by requirement id, newest first, and by the systems they cover."""

    def __init__(self, entries: list[EvidenceEntry] | tuple[EvidenceEntry, ...] = ()) -> None:
        grouped: dict[str, list[EvidenceEntry]] = defaultdict(list)
        for entry in entries:
            grouped[entry.requirement_id].append(entry)
        self._entries: dict[str, _Scoped] = {}
        for requirement_id, found in grouped.items():
            scoped = self._entries[requirement_id] = _Scoped()
            for entry in sorted(found, key=lambda e: e.dated, reverse=True):
                scoped.add(entry)

    def _covering(
        self, requirement_id: str, system_id: str, owner: str | None
    ) -> list[EvidenceEntry]:
        scoped = self._entries.get(requirement_id)
        return [] if scoped is None else scoped.covering(system_id, owner)

    def has(self, requirement_id: str, system_id: str, owner: str | None = None) -> bool:
        return bool(self._covering(requirement_id, system_id, owner))

    def assess(
        self,
        requirement_id: str,
        system_id: str,
        interval_months: int | None,
        today: date,
        owner: str | None = None,
    ) -> EvidenceVerdict:
        entries = self._covering(requirement_id, system_id, owner)
        if not entries:
            return _MISSING
        current = [e for e in entries if e.dated <= today]
        entry = current[0] if current else entries[-1]
        months = interval_months
        if entry.valid_months is not None:
            months = entry.valid_months if months is None else min(months, entry.valid_months)
        valid_until = add_months(entry.dated, months) if months is not None else None
        actual: dict[str, JsonValue] = {
            "document_ref": entry.document_ref,
            "dated": entry.dated.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
            "scope": entry.scope_text,
        }
        if entry.sample:
            actual["sample"] = True
        expected: dict[str, JsonValue] = {"valid_months": months}
        if entry.dated > today:
            return EvidenceVerdict(
                "missing_evidence",
                _evidence(expected, actual, "compliance.evidence.future"),
            )
        if valid_until is not None and valid_until < today:
            return EvidenceVerdict(
                "missing_evidence",
                _evidence(expected, actual, "compliance.evidence.overdue"),
            )
        return EvidenceVerdict("pass", _evidence(expected, actual, "compliance.evidence.valid"))


def _evidence(
    expected: dict[str, JsonValue], actual: dict[str, JsonValue], detail: str
) -> Evidence:
    """Evidence built from a validated register entry (JSON values only): not validated again."""
    return Evidence.model_construct(expected=expected, actual=actual, detail=detail)
