"""Level-based compliance: requirement catalogues, compiled levels, policy, waivers,
manual evidence, result records, evaluation and OSCAL export.

The inventory side feeds :func:`capdo.compliance.evaluate.evaluate` with
:class:`~capdo.compliance.targets.Target` and :class:`~capdo.compliance.targets.SystemRef`
objects and a :class:`~capdo.compliance.evaluate.ResultIndex`; nothing here imports
``capdo.inventory``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capdo.lazy import lazy_exports

if TYPE_CHECKING:
    from capdo.compliance.catalogue_loader import (
        REGIMES,
        CatalogueNotFoundError,
        Regime,
        find_catalogue_dir,
        load_catalogue,
        load_catalogue_cached,
        load_regime,
        regime_file,
    )
    from capdo.compliance.catalogue_model import (
        Catalogue,
        CheckKind,
        Confidence,
        Deadline,
        Group,
        LocalText,
        ParamValue,
        RequirementId,
    )
    from capdo.compliance.compile import CompiledLevel, ResolvedParameter, compile_level
    from capdo.compliance.diff import RegimeDiff, diff_regimes
    from capdo.compliance.evaluate import Evaluation, Finding, ResultIndex, SystemVerdict
    from capdo.compliance.evidence import EvidenceIndex
    from capdo.compliance.intake import Intake, RejectedRecord
    from capdo.compliance.oscal import export_assessment_results, export_catalogue
    from capdo.compliance.policy import (
        EffectivePolicy,
        EvaluationRules,
        OrganisationPolicy,
        PolicyIssue,
        apply_policy,
        compare,
    )
    from capdo.compliance.problems import LocatedProblem, Problem
    from capdo.compliance.registers import load_evidence, load_policy, load_waivers
    from capdo.compliance.registry import load_registry
    from capdo.compliance.render import print_compiled, print_diff, print_evaluation
    from capdo.compliance.results import (
        FAILING,
        STATUS_PRECEDENCE,
        STATUSES,
        Evidence,
        ResultRecord,
        Status,
        iter_results_jsonl,
        read_results_jsonl,
        write_results_jsonl,
    )
    from capdo.compliance.targets import TARGET_KINDS, SystemRef, Target, TargetKind
    from capdo.compliance.waivers import Waiver, WaiverBook, WaiverUse
    from capdo.compliance.yaml_source import DataFileError

_WHERE = {
    "REGIMES": "catalogue_loader",
    "CatalogueNotFoundError": "catalogue_loader",
    "Regime": "catalogue_loader",
    "find_catalogue_dir": "catalogue_loader",
    "load_catalogue": "catalogue_loader",
    "load_catalogue_cached": "catalogue_loader",
    "load_regime": "catalogue_loader",
    "regime_file": "catalogue_loader",
    "Catalogue": "catalogue_model",
    "CheckKind": "catalogue_model",
    "Confidence": "catalogue_model",
    "Deadline": "catalogue_model",
    "Group": "catalogue_model",
    "LocalText": "catalogue_model",
    "ParamValue": "catalogue_model",
    "RequirementId": "catalogue_model",
    "CompiledLevel": "compile",
    "ResolvedParameter": "compile",
    "compile_level": "compile",
    "RegimeDiff": "diff",
    "diff_regimes": "diff",
    "Evaluation": "evaluate",
    "Finding": "evaluate",
    "ResultIndex": "evaluate",
    "SystemVerdict": "evaluate",
    "EvidenceIndex": "evidence",
    "Intake": "intake",
    "RejectedRecord": "intake",
    "export_assessment_results": "oscal",
    "export_catalogue": "oscal",
    "EffectivePolicy": "policy",
    "EvaluationRules": "policy",
    "OrganisationPolicy": "policy",
    "PolicyIssue": "policy",
    "apply_policy": "policy",
    "compare": "policy",
    "LocatedProblem": "problems",
    "Problem": "problems",
    "load_evidence": "registers",
    "load_policy": "registers",
    "load_waivers": "registers",
    "load_registry": "registry",
    "print_compiled": "render",
    "print_diff": "render",
    "print_evaluation": "render",
    "FAILING": "results",
    "STATUSES": "results",
    "STATUS_PRECEDENCE": "results",
    "Evidence": "results",
    "ResultRecord": "results",
    "Status": "results",
    "iter_results_jsonl": "results",
    "read_results_jsonl": "results",
    "write_results_jsonl": "results",
    "TARGET_KINDS": "targets",
    "SystemRef": "targets",
    "Target": "targets",
    "TargetKind": "targets",
    "Waiver": "waivers",
    "WaiverBook": "waivers",
    "WaiverUse": "waivers",
    "DataFileError": "yaml_source",
}


__getattr__ = lazy_exports(__name__, _WHERE)


# Names that are also the names of submodules are imported now (last, once the lazy
# names above work): a submodule, once loaded, would otherwise shadow them.
from capdo.compliance.evaluate import evaluate  # noqa: E402

__all__ = [
    "FAILING",
    "REGIMES",
    "STATUSES",
    "STATUS_PRECEDENCE",
    "TARGET_KINDS",
    "Catalogue",
    "CatalogueNotFoundError",
    "CheckKind",
    "CompiledLevel",
    "Confidence",
    "DataFileError",
    "Deadline",
    "EffectivePolicy",
    "Evaluation",
    "EvaluationRules",
    "Evidence",
    "EvidenceIndex",
    "Finding",
    "Group",
    "Intake",
    "LocalText",
    "LocatedProblem",
    "OrganisationPolicy",
    "ParamValue",
    "PolicyIssue",
    "Problem",
    "Regime",
    "RegimeDiff",
    "RejectedRecord",
    "RequirementId",
    "ResolvedParameter",
    "ResultIndex",
    "ResultRecord",
    "Status",
    "SystemRef",
    "SystemVerdict",
    "Target",
    "TargetKind",
    "Waiver",
    "WaiverBook",
    "WaiverUse",
    "apply_policy",
    "compare",
    "compile_level",
    "diff_regimes",
    "evaluate",
    "export_assessment_results",
    "export_catalogue",
    "find_catalogue_dir",
    "iter_results_jsonl",
    "load_catalogue",
    "load_catalogue_cached",
    "load_evidence",
    "load_policy",
    "load_regime",
    "load_registry",
    "load_waivers",
    "print_compiled",
    "print_diff",
    "print_evaluation",
    "read_results_jsonl",
    "regime_file",
    "write_results_jsonl",
]
