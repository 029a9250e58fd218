"""OSCAL output parses back with compliance-trestle's models (NIST schemas)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog
from trestle.oscal.profile import Profile

from capdo.compliance.catalogue_model import Catalogue
from capdo.compliance.compile import compile_level
from capdo.compliance.evaluate import ResultIndex, evaluate
from capdo.compliance.oscal import (
    catalog_document,
    export_assessment_results,
    export_catalogue,
    validate_document,
)
from capdo.compliance.targets import SystemRef, Target
from capdo.compliance.waivers import Waiver, WaiverScope

MOMENT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, new: Catalogue) -> Path:
    out = tmp_path_factory.mktemp("oscal")
    export_catalogue(new, out, MOMENT)
    return out


def test_catalog_parses_back(exported: Path, new: Catalogue) -> None:
    catalog = Catalog.oscal_read(exported / "catalog-new.json")
    assert catalog is not None
    ids = {c.id for g in catalog.groups or [] for c in g.controls or []}
    assert ids == {r.id.lower() for r in new.requirements}


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_profiles_select_the_compiled_level(exported: Path, new: Catalogue, level: int) -> None:
    profile = Profile.oscal_read(exported / f"profile-new-level-{level}.json")
    assert profile is not None
    selected = profile.imports[0].include_controls[0].with_ids
    assert [str(i) for i in selected] == [i.lower() for i in compile_level(new, level).ids]


def test_profile_sets_resolved_parameters(exported: Path) -> None:
    data = json.loads((exported / "profile-new-level-4.json").read_text(encoding="utf-8"))
    values = {s["param-id"]: s["values"] for s in data["profile"]["modify"]["set-parameters"]}
    assert values["net.06_log_retention_months"] == ["6"]
    assert values["srv.03_password_min_length"] == ["14"]


def test_invalid_document_is_rejected(new: Catalogue) -> None:
    document = catalog_document(new, MOMENT)
    document["catalog"]["groups"][0]["controls"][0]["id"] = "1 bad id"
    with pytest.raises(Exception, match="id"):
        validate_document(document)
    document = catalog_document(new, MOMENT)
    document["catalog"]["unexpected"] = True
    with pytest.raises(Exception, match="unexpected"):
        validate_document(document)


def test_assessment_results_parse_back(tmp_path: Path, new: Catalogue) -> None:
    dc = SystemRef("dc", 3, ("srv1",))
    results = ResultIndex()
    results.add("SRV.03", "srv1", "fail")
    waiver = Waiver(
        id="W-1",
        requirement_id="SRV.03",
        scope=WaiverScope(hosts=["srv1"]),
        reason="legacy",
        approver="CISO",
        approved_on=date(2026, 1, 1),
        expires_on=date(2027, 1, 1),
    )
    ev = evaluate(
        new,
        (dc,),
        (Target("srv1", "server", systems=frozenset({"dc"})),),
        results,
        today=date(2026, 11, 21),
        waivers=(waiver,),
    )
    path = export_assessment_results(new, ev, tmp_path / "ar.json", MOMENT)
    parsed = AssessmentResults.oscal_read(path)
    assert parsed is not None
    result = json.loads(parsed.oscal_serialize_json())["assessment-results"]["results"][0]
    assert [r["status"] for r in result["risks"]] == ["deviation-approved"]
    states = {f["target"]["status"]["state"] for f in result["findings"]}
    assert states == {"satisfied", "not-satisfied"}
    waived = [f for f in result["findings"] if f.get("related-risks")]
    assert [f["title"].split()[0] for f in waived] == ["SRV.03"]
