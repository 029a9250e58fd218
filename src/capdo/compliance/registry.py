"""The checker registry (``checks/catalogue/registry.yml``): who decides each requirement.

Data beside the catalogue: per requirement the checker kinds (or ``kind:name`` checks) whose
results decide its status and those that only corroborate, with the reason. A result record
belongs to the kind whose ``record_prefix`` starts its ``checker``. Documentary requirements
(``check: manual``) are decided by the evidence register and are not listed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from capdo.compliance.catalogue_model import RequirementId
from capdo.compliance.yaml_source import load_model

REGISTRY_FILE = "registry.yml"
EVIDENCE = "evidence"
CheckerRef = Annotated[str, StringConstraints(pattern=r"^[a-z]+(:[a-z0-9_]+)?$")]
Role = Literal["decide", "corroborate"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckerKind(_Frozen):
    record_prefix: Annotated[str, Field(min_length=1)]
    content: str


class Entry(_Frozen):
    decide: list[CheckerRef] = Field(min_length=1)
    corroborate: list[CheckerRef] = Field(default_factory=list)
    reason: str | None = None

    def kinds(self, role: Role) -> frozenset[str]:
        refs = self.decide if role == "decide" else self.corroborate
        return frozenset(r.split(":", 1)[0] for r in refs)


class Registry(_Frozen):
    checkers: dict[str, CheckerKind]
    scap_reason: str | None = None
    requirements: dict[RequirementId, Entry] = Field(default_factory=dict)

    def kind_of(self, checker: str) -> str | None:
        """The kind of a record's ``checker`` (longest matching prefix)."""
        best: tuple[int, str] | None = None
        for kind, spec in self.checkers.items():
            prefix = spec.record_prefix
            if (checker == prefix or checker.startswith((prefix + ":", prefix + "."))) and (
                best is None or len(prefix) > best[0]
            ):
                best = (len(prefix), kind)
        return best[1] if best else None

    def role(self, requirement_id: str, checker: str) -> Role | None:
        """``decide``/``corroborate`` for a record's checker, or None when not registered."""
        entry = self.requirements.get(requirement_id)
        kind = self.kind_of(checker)
        if entry is None or kind is None:
            return None
        if kind in entry.kinds("decide"):
            return "decide"
        if kind in entry.kinds("corroborate"):
            return "corroborate"
        return None

    def reason(self, requirement_id: str) -> str | None:
        """Why the requirement's checkers have their roles (``scap_reason`` for a scap
        corroboration that gives none of its own)."""
        entry = self.requirements.get(requirement_id)
        if entry is None:
            return None
        if entry.reason is None and "scap" in entry.kinds("corroborate"):
            return self.scap_reason
        return entry.reason

    def decided_by_evidence(self, requirement_id: str) -> bool:
        entry = self.requirements.get(requirement_id)
        return entry is not None and EVIDENCE in entry.kinds("decide")


@cache
def load_registry(catalogue_dir: Path) -> Registry:
    """The registry beside the catalogue; raises ``DataFileError`` with located problems."""
    return load_model(catalogue_dir / REGISTRY_FILE, Registry)
