"""Manual evidence register: a document per requirement and system, valid for some months.

The newest entry counts. No entry → ``fail`` (missing); an entry older than its validity
→ ``fail`` (overdue); an entry dated in the future → ``error``. The validity is the
entry's own ``valid_months``, else the requirement's ``evidence_validity`` parameter at
the system's level, else the evidence does not expire.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from capdo.compliance.catalogue_model import RequirementId
from capdo.compliance.dates import add_months
from capdo.compliance.results import Evidence, Status

NonEmpty = Annotated[str, Field(min_length=1)]


class EvidenceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    requirement_id: RequirementId
    system: NonEmpty
    document_ref: NonEmpty
    dated: date
    valid_months: Annotated[int, Field(ge=1)] | None = None
    title: str | None = None


class EvidenceRegister(BaseModel):
    """The register file (``evidence:`` list)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    evidence: list[EvidenceEntry] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EvidenceVerdict:
    status: Status
    evidence: Evidence


class EvidenceIndex:
    """Entries grouped by (requirement id, system id), newest first."""

    def __init__(self, entries: list[EvidenceEntry] | tuple[EvidenceEntry, ...] = ()) -> None:
        grouped: dict[tuple[str, str], list[EvidenceEntry]] = defaultdict(list)
        for entry in entries:
            grouped[(entry.requirement_id, entry.system)].append(entry)
        self._entries = {
            k: sorted(v, key=lambda e: e.dated, reverse=True) for k, v in grouped.items()
        }

    def has(self, requirement_id: str, system_id: str) -> bool:
        return (requirement_id, system_id) in self._entries

    def assess(
        self, requirement_id: str, system_id: str, default_months: int | None, today: date
    ) -> EvidenceVerdict:
        entries = self._entries.get((requirement_id, system_id))
        if not entries:
            return EvidenceVerdict(
                "fail",
                Evidence(expected="document", actual=None, detail="compliance.evidence.missing"),
            )
        entry = entries[0]
        months = entry.valid_months if entry.valid_months is not None else default_months
        valid_until = add_months(entry.dated, months) if months is not None else None
        actual: dict[str, str | None] = {
            "document_ref": entry.document_ref,
            "dated": entry.dated.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        }
        expected = {"valid_months": months}
        if entry.dated > today:
            return EvidenceVerdict(
                "error",
                Evidence(expected=expected, actual=actual, detail="compliance.evidence.future"),
            )
        if valid_until is not None and valid_until < today:
            return EvidenceVerdict(
                "fail",
                Evidence(expected=expected, actual=actual, detail="compliance.evidence.overdue"),
            )
        return EvidenceVerdict(
            "pass", Evidence(expected=expected, actual=actual, detail="compliance.evidence.valid")
        )
