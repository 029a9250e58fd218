"""Level inheritance and parameter override semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

from capdo.compliance.catalogue_loader import load_catalogue
from capdo.compliance.catalogue_model import Catalogue
from capdo.compliance.compile import compile_level, lineage

from .conftest import MINI


def test_selection_by_first_level(mini: Catalogue) -> None:
    assert compile_level(mini, 1).ids == ("SRV.01", "GOV.01", "GOV.03")
    assert compile_level(mini, 2).ids == ("SRV.01", "GOV.01", "NET.01", "GOV.03")
    assert compile_level(mini, 3).ids == ("SRV.01", "SRV.02", "GOV.01", "NET.01", "GOV.03")


def test_informative_rows_are_never_selected(mini: Catalogue) -> None:
    for level in range(1, 5):
        assert "GOV.02" not in compile_level(mini, level).ids


@pytest.mark.parametrize(
    ("level", "value", "set_at"),
    [(1, 8, 1), (2, 8, 1), (3, 12, 3), (4, 12, 3)],
)
def test_higher_level_overrides_lower(mini: Catalogue, level: int, value: int, set_at: int) -> None:
    param = compile_level(mini, level).get("SRV.01").parameters["min_len"]  # type: ignore[union-attr]
    assert (param.value, param.set_at_level) == (value, set_at)
    assert param.source == ("DOC 3" if level >= 3 else "DOC 1")


def test_null_value_is_kept_until_overridden(mini: Catalogue) -> None:
    low = compile_level(mini, 3).get("GOV.01").parameters["review_months"]  # type: ignore[union-attr]
    high = compile_level(mini, 4).get("GOV.01").parameters["review_months"]  # type: ignore[union-attr]
    assert low.value is None
    assert low.note == "not found"
    assert high.value == 6


def test_parameter_missing_below_its_level(mini: Catalogue) -> None:
    assert compile_level(mini, 2).get("NET.01").parameters["zones"].value == ["dmz", "internal"]  # type: ignore[union-attr]
    assert compile_level(mini, 1).get("NET.01") is None


def test_unknown_level_raises(mini: Catalogue) -> None:
    with pytest.raises(KeyError):
        compile_level(mini, 9)


def test_lineage_of_a_dag(tmp_path: Path) -> None:
    text = MINI.replace(
        "  - {id: 4, title: {vi: Cấp 4, en: Level 4}, inherits_from: [3]}",
        "  - {id: 4, title: {vi: Cấp 4, en: Level 4}, inherits_from: [3, 1]}\n"
        "  - {id: 5, title: {vi: Cấp 5, en: Level 5}, inherits_from: [1]}",
    )
    path = tmp_path / "dag.yml"
    path.write_text(text, encoding="utf-8")
    cat = load_catalogue(path)
    assert lineage(cat, 4) == (4, 3, 2, 1)
    assert lineage(cat, 5) == (5, 1)
    # level 5 only inherits level 1: SRV.02 (first level 3) and NET.01 (2) are not selected
    assert compile_level(cat, 5).ids == ("SRV.01", "GOV.01", "GOV.03")
    assert compile_level(cat, 5).get("SRV.01").parameters["min_len"].value == 8  # type: ignore[union-attr]


def test_compiled_view_as_data(mini: Catalogue) -> None:
    data = compile_level(mini, 3).to_dict()
    assert data["level"] == 3
    assert data["lineage"] == [3, 2, 1]
    assert data["count"] == 5
    first = data["requirements"][0]  # type: ignore[index]
    assert first["parameters"]["min_len"]["value"] == 12
    assert first["parameters"]["min_len"]["set_at_level"] == 3
