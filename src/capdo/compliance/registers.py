"""Load the organisation's YAML registers (policy overrides, waivers, manual evidence).

Like the catalogue, every problem is reported as ``file:line:column`` and all problems
are collected (:class:`~capdo.compliance.yaml_source.DataFileError`).
"""

from __future__ import annotations

from pathlib import Path

from capdo.compliance.evidence import EvidenceRegister
from capdo.compliance.policy import OrganisationPolicy
from capdo.compliance.problems import Problem
from capdo.compliance.waivers import WaiverFile, check_waiver_file
from capdo.compliance.yaml_source import load_model


def load_waivers(path: Path, root: Path | None = None) -> WaiverFile:
    """``waivers: [{id, requirement_id, scope, reason, approver, approved_on, expires_on}]``."""
    return load_model(path, WaiverFile, check_waiver_file, root=root)


def load_policy(path: Path, root: Path | None = None) -> OrganisationPolicy:
    """``organisation``, ``regime`` and ``overrides: [{requirement_id, parameter, value, ...}]``."""
    return load_model(path, OrganisationPolicy, root=root)


def _check_evidence(data: EvidenceRegister) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    for index, entry in enumerate(data.evidence):
        key = (entry.requirement_id, entry.scope_text, entry.document_ref)
        if key in seen:
            problems.append(
                Problem(("evidence", index), "compliance.evidence.dup", {"ref": entry.document_ref})
            )
        seen.add(key)
    return problems


def load_evidence(path: Path, root: Path | None = None) -> EvidenceRegister:
    """``evidence: [{requirement_id, system|systems|owner|estate, document_ref, dated}]``."""
    return load_model(path, EvidenceRegister, _check_evidence, root=root)
