"""The committed catalogues: load, cover every id of the domain reference, stay consistent."""

from __future__ import annotations

import json

from capdo.compliance.catalogue_model import Catalogue, CheckKind, RequirementStatus
from capdo.compliance.compile import compile_level
from capdo.compliance.schema_files import expected_files

from .conftest import REPO

# Row counts per prefix in section 3 of the domain reference (regulations.md): 150 rows.
ROWS = {
    "GOV": 27, "ARC": 19, "NET": 18, "SRV": 25, "APP": 8, "DAT": 5, "MON": 12,
    "INC": 6, "AUD": 9, "DOS": 3, "WAN": 4, "VC": 11, "PDP": 3,
}  # fmt: skip
EXPECTED_IDS = {f"{p}.{i:02d}" for p, n in ROWS.items() for i in range(1, n + 1)}
# Rows that exist only in TCVN 14423:2026 / Decree 331.
NEW_ONLY = {
    "NET.16", "NET.18", "SRV.23", "SRV.25", "APP.07", "APP.08", "DAT.05",
    "MON.11", "MON.12", "AUD.08", "INC.04",
}  # fmt: skip


def test_expected_ids_are_150() -> None:
    assert len(EXPECTED_IDS) == 150


def test_both_catalogues_cover_every_id(legacy: Catalogue, new: Catalogue) -> None:
    for cat in (legacy, new):
        ids = [r.id for r in cat.requirements]
        assert len(ids) == len(set(ids))
        assert set(ids) == EXPECTED_IDS


def test_regimes_are_labelled(legacy: Catalogue, new: Catalogue) -> None:
    assert (legacy.regime, new.regime) == ("legacy", "new")
    assert {d.id for d in legacy.documents} >= {"ND85", "TT12", "TCVN11930"}
    assert {d.id for d in new.documents} >= {"L116", "ND331", "T14423"}
    assert not legacy.transition
    dates = {d.id: d.date.isoformat() for d in new.transition}
    assert dates["decree_331_in_force"] == "2026-08-19"
    assert dates["law_116_in_force"] == "2026-07-01"


def test_rows_of_the_new_regime_only(legacy: Catalogue, new: Catalogue) -> None:
    not_in_legacy = {
        r.id for r in legacy.requirements if r.status is RequirementStatus.not_in_regime
    }
    assert not_in_legacy == NEW_ONLY
    assert not any(r.status is RequirementStatus.not_in_regime for r in new.requirements)
    for rid in NEW_ONLY:
        assert new.requirement(rid).change_from_legacy


def test_parameter_definitions_identical(legacy: Catalogue, new: Catalogue) -> None:
    assert legacy.parameters == new.parameters
    assert legacy.traits == new.traits


def test_manual_requirements_have_notes(legacy: Catalogue, new: Catalogue) -> None:
    for cat in (legacy, new):
        for req in cat.requirements:
            if req.check is CheckKind.manual:
                assert req.notes, req.id


def test_every_threshold_has_source_and_confidence(new: Catalogue) -> None:
    count = 0
    for req in new.requirements:
        for settings in req.parameters.values():
            for setting in settings.values():
                assert setting.source
                assert setting.confidence
                count += 1
    assert count > 40


def test_levels_select_more_as_they_rise(legacy: Catalogue, new: Catalogue) -> None:
    for cat in (legacy, new):
        counts = [len(compile_level(cat, lvl).requirements) for lvl in range(1, 6)]
        assert counts == sorted(counts)
        assert counts[0] < counts[4]


def test_known_thresholds(legacy: Catalogue, new: Catalogue) -> None:
    retention = {lvl: compile_level(new, lvl).get("NET.06") for lvl in range(1, 6)}
    assert retention[1] is None  # starts at level 2 in TCVN 14423
    values = [retention[lvl].parameters["log_retention_months"].value for lvl in (2, 3, 4, 5)]  # type: ignore[union-attr]
    assert values == [1, 3, 6, 12]
    legacy_l3 = compile_level(legacy, 3).get("NET.06")
    assert legacy_l3 is not None
    assert legacy_l3.parameters["log_retention_months"].value == 3
    assert legacy_l3.parameters["log_retention_months"].confidence.value == "secondary"
    audit = compile_level(legacy, 5).get("AUD.01")
    assert audit is not None
    assert audit.parameters["assessment_interval_months"].value == 6
    new_audit = compile_level(new, 5).get("AUD.01")
    assert new_audit is not None
    assert new_audit.parameters["assessment_interval_months"].value is None


def test_schema_files_are_current() -> None:
    for relative, text in expected_files().items():
        committed = (REPO / relative).read_text(encoding="utf-8")
        assert json.loads(committed) == json.loads(text), f"regenerate {relative}"
