"""Level-based compliance: requirement catalogues, compiled levels, policy, waivers,
manual evidence, result records, evaluation and OSCAL export.

The inventory side feeds :func:`evaluate` with :class:`Target` and :class:`SystemRef`
objects and a :class:`ResultIndex`; nothing here imports ``capdo.inventory``.
"""

from __future__ import annotations

from capdo.compliance.catalogue_loader import (
    CatalogueNotFoundError,
    find_catalogue_dir,
    load_catalogue,
    load_regime,
)
from capdo.compliance.catalogue_model import Catalogue, CheckKind, Requirement
from capdo.compliance.compile import CompiledLevel, CompiledRequirement, compile_level
from capdo.compliance.diff import diff_regimes
from capdo.compliance.evaluate import Evaluation, Finding, ResultIndex, SystemVerdict, evaluate
from capdo.compliance.evidence import EvidenceEntry, EvidenceIndex, EvidenceRegister
from capdo.compliance.oscal import (
    assessment_results_document,
    export_assessment_results,
    export_catalogue,
)
from capdo.compliance.policy import (
    EffectivePolicy,
    OrganisationPolicy,
    ParameterOverride,
    apply_policy,
)
from capdo.compliance.registers import load_evidence, load_policy, load_waivers
from capdo.compliance.results import (
    Evidence,
    ResultRecord,
    Status,
    read_results_jsonl,
    write_results_jsonl,
)
from capdo.compliance.targets import CHECK_TARGET_KIND, SystemRef, Target, TargetKind
from capdo.compliance.waivers import Waiver, WaiverScope
from capdo.compliance.yaml_source import DataFileError

__all__ = [
    "CHECK_TARGET_KIND",
    "Catalogue",
    "CatalogueNotFoundError",
    "CheckKind",
    "CompiledLevel",
    "CompiledRequirement",
    "DataFileError",
    "EffectivePolicy",
    "Evaluation",
    "Evidence",
    "EvidenceEntry",
    "EvidenceIndex",
    "EvidenceRegister",
    "Finding",
    "OrganisationPolicy",
    "ParameterOverride",
    "Requirement",
    "ResultIndex",
    "ResultRecord",
    "Status",
    "SystemRef",
    "SystemVerdict",
    "Target",
    "TargetKind",
    "Waiver",
    "WaiverScope",
    "apply_policy",
    "assessment_results_document",
    "compile_level",
    "diff_regimes",
    "evaluate",
    "export_assessment_results",
    "export_catalogue",
    "find_catalogue_dir",
    "load_catalogue",
    "load_evidence",
    "load_policy",
    "load_regime",
    "load_waivers",
    "read_results_jsonl",
    "write_results_jsonl",
]
