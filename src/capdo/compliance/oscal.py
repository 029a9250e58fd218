"""OSCAL export: the catalogue as an OSCAL catalog, one profile per level, and evaluation
results as OSCAL assessment-results.

Documents are built as OSCAL JSON and validated by parsing them with compliance-trestle's
models (generated from NIST's OSCAL schemas) before they are written. UUIDs are derived
from stable names (uuid5) so a re-export of the same data gives the same document.
Non-NIST properties use the ``capdo`` namespace :data:`NS`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from trestle.oscal import OSCAL_VERSION
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog
from trestle.oscal.profile import Profile

from capdo.compliance.catalogue_model import Catalogue, Requirement
from capdo.compliance.compile import compile_level
from capdo.compliance.evaluate import Evaluation
from capdo.safeio import write_atomic

NS = "https://capdo.invalid/ns/oscal"
_UUID_NS = uuid.UUID("6f1d3c1e-7a43-5b0e-9a51-3c1f0d2b8e11")


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(_UUID_NS, "/".join(str(p) for p in parts)))


def _prop(name: str, value: object) -> dict[str, str]:
    return {"name": name, "ns": NS, "value": str(value)}


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _metadata(
    title: str, version: str, moment: datetime, remarks: str | None = None
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "title": title,
        "last-modified": _stamp(moment),
        "version": version,
        "oscal-version": OSCAL_VERSION,
    }
    if remarks:
        meta["remarks"] = remarks
    return meta


def param_id(requirement_id: str, name: str) -> str:
    return f"{requirement_id.lower()}_{name}"


def control_id(requirement_id: str) -> str:
    return requirement_id.lower()


def _control(cat: Catalogue, req: Requirement) -> dict[str, Any]:
    names = sorted({n for settings in req.parameters.values() for n in settings})
    control: dict[str, Any] = {
        "id": control_id(req.id),
        "class": "requirement",
        "title": req.title.en,
        "props": [
            {"name": "label", "value": req.id},
            _prop("title-vi", req.title.vi),
            _prop("first-level", req.first_level),
            _prop("status", req.status.value),
            _prop("check", req.check.value),
            _prop("confidence", req.confidence.value),
            *(_prop("source", f"{s.ref} [{s.confidence.value}]") for s in req.sources),
            *(_prop("applies-when", trait) for trait in req.applies_when),
        ],
        "parts": [
            {"id": f"{control_id(req.id)}_smt", "name": "statement", "prose": req.title.en},
        ],
    }
    if names:
        control["params"] = [
            {
                "id": param_id(req.id, name),
                "label": cat.parameters[name].title.en,
                "props": [
                    _prop("unit", cat.parameters[name].unit or "-"),
                    _prop("stronger", cat.parameters[name].stronger.value),
                ],
            }
            for name in names
        ]
    if req.notes:
        control["parts"].append(
            {"id": f"{control_id(req.id)}_gdn", "name": "guidance", "prose": req.notes}
        )
    return control


def catalog_document(cat: Catalogue, moment: datetime) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for req in cat.requirements:
        groups.setdefault(req.group.value, []).append(_control(cat, req))
    return {
        "catalog": {
            "uuid": _uuid("catalog", cat.id, cat.version),
            "metadata": _metadata(cat.title.en, cat.version, moment, cat.title.vi),
            "groups": [
                {"id": name, "class": "group", "title": name, "controls": controls}
                for name, controls in groups.items()
            ],
        }
    }


def _value_text(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value] or ["-"]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]


def profile_document(
    cat: Catalogue, level: int, catalog_href: str, moment: datetime
) -> dict[str, Any]:
    compiled = compile_level(cat, level)
    set_parameters: list[dict[str, Any]] = []
    for item in compiled.requirements:
        for name, rp in sorted(item.parameters.items()):
            if rp.value is None:
                continue
            set_parameters.append(
                {
                    "param-id": param_id(item.id, name),
                    "values": _value_text(rp.value),
                    "props": [
                        _prop("set-at-level", rp.set_at_level),
                        _prop("source", rp.source),
                        _prop("confidence", rp.confidence.value),
                    ],
                }
            )
    profile: dict[str, Any] = {
        "uuid": _uuid("profile", cat.id, cat.version, level),
        "metadata": _metadata(
            f"{cat.title.en} - level {level}",
            cat.version,
            moment,
            f"{cat.title.vi} - cấp độ {level}",
        ),
        "imports": [
            {
                "href": catalog_href,
                "include-controls": [{"with-ids": [control_id(i) for i in compiled.ids]}],
            }
        ],
        "merge": {"as-is": True},
    }
    if set_parameters:
        profile["modify"] = {"set-parameters": set_parameters}
    return {"profile": profile}


def _status_state(status: str) -> str:
    return "satisfied" if status in ("pass", "waived") else "not-satisfied"


def assessment_results_document(
    cat: Catalogue,
    evaluation: Evaluation,
    moment: datetime,
    plan_href: str = "assessment-plan.json",
) -> dict[str, Any]:
    start = datetime.combine(evaluation.today, time(0, 0), tzinfo=UTC)
    observations: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    risks: list[dict[str, Any]] = []
    waivers = {w.waiver.id: w.waiver for w in evaluation.waivers}
    for verdict in evaluation.systems:
        for outcome in verdict.outcomes:
            if outcome.status == "not_applicable":
                continue
            req = cat.requirement(outcome.requirement_id)
            obs_uuid = _uuid("obs", verdict.system_id, req.id, evaluation.today)
            counts = ", ".join(f"{k}: {v}" for k, v in sorted(outcome.targets.items()))
            observations.append(
                {
                    "uuid": obs_uuid,
                    "title": f"{req.id} on {verdict.system_id}",
                    "description": f"Results by target status: {counts or 'none'}.",
                    "methods": [
                        "EXAMINE" if req.check.value in ("manual", "inventory") else "TEST"
                    ],
                    "props": [_prop("system", verdict.system_id), _prop("status", outcome.status)],
                    "collected": _stamp(start),
                }
            )
            finding: dict[str, Any] = {
                "uuid": _uuid("finding", verdict.system_id, req.id, evaluation.today),
                "title": f"{req.id} {req.title.en}",
                "description": (
                    f"System {verdict.system_id} (level {verdict.level}): {outcome.status}."
                ),
                "props": [
                    _prop("system", verdict.system_id),
                    _prop("level", verdict.level),
                    _prop("status", outcome.status),
                ],
                "target": {
                    "type": "statement-id",
                    "target-id": f"{control_id(req.id)}_smt",
                    "status": {"state": _status_state(outcome.status)},
                },
                "related-observations": [{"observation-uuid": obs_uuid}],
            }
            related_risks: list[dict[str, str]] = []
            for waiver_id in outcome.waivers:
                waiver = waivers.get(waiver_id)
                if waiver is None:
                    continue
                risk_uuid = _uuid("risk", verdict.system_id, req.id, waiver_id)
                risks.append(
                    {
                        "uuid": risk_uuid,
                        "title": f"Waiver {waiver_id} for {req.id}",
                        "description": waiver.reason,
                        "statement": waiver.compensating_control or waiver.reason,
                        "status": "deviation-approved",
                        "deadline": _stamp(
                            datetime.combine(waiver.expires_on, time(23, 59), tzinfo=UTC)
                        ),
                        "props": [_prop("approver", waiver.approver), _prop("waiver", waiver_id)],
                    }
                )
                related_risks.append({"risk-uuid": risk_uuid})
            if related_risks:
                finding["related-risks"] = related_risks
            findings.append(finding)
    result: dict[str, Any] = {
        "uuid": _uuid("result", cat.id, evaluation.today),
        "title": f"{cat.title.en} - evaluation {evaluation.today.isoformat()}",
        "description": "Verdicts: "
        + "; ".join(
            f"{v.system_id} level {v.level}: {'meets' if v.meets else 'does not meet'}"
            for v in evaluation.systems
        ),
        "start": _stamp(start),
        "reviewed-controls": {"control-selections": [{"include-all": {}}]},
        "props": [_prop("regime", cat.regime)],
    }
    if observations:
        result["observations"] = observations
    if risks:
        result["risks"] = risks
    if findings:
        result["findings"] = findings
    return {
        "assessment-results": {
            "uuid": _uuid("ar", cat.id, evaluation.today),
            "metadata": _metadata(f"Assessment results - {cat.title.en}", cat.version, moment),
            "import-ap": {"href": plan_href},
            "results": [result],
        }
    }


def validate_document(document: Mapping[str, Any]) -> str:
    """Parse ``document`` with trestle's OSCAL models; return the model kind or raise."""
    models: dict[str, Any] = {
        "catalog": Catalog,
        "profile": Profile,
        "assessment-results": AssessmentResults,
    }
    ((kind, body),) = document.items()
    models[kind].parse_obj(body)
    return kind


def write_document(path: Path, document: Mapping[str, Any]) -> Path:
    validate_document(document)
    write_atomic(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


def export_catalogue(cat: Catalogue, out_dir: Path, moment: datetime) -> list[Path]:
    """Write ``catalog-<regime>.json`` and ``profile-<regime>-level-N.json`` (validated)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    catalog_name = f"catalog-{cat.regime}.json"
    written = [write_document(out_dir / catalog_name, catalog_document(cat, moment))]
    for level in cat.levels:
        document = profile_document(cat, level.id, catalog_name, moment)
        written.append(
            write_document(out_dir / f"profile-{cat.regime}-level-{level.id}.json", document)
        )
    return written


def export_assessment_results(
    cat: Catalogue, evaluation: Evaluation, path: Path, moment: datetime
) -> Path:
    return write_document(path, assessment_results_document(cat, evaluation, moment))


__all__ = [
    "NS",
    "OSCAL_VERSION",
    "assessment_results_document",
    "catalog_document",
    "export_assessment_results",
    "export_catalogue",
    "profile_document",
    "validate_document",
]
