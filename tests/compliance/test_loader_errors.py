"""Every schema or reference problem is reported as file:line:column, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from capdo.compliance.catalogue_loader import load_catalogue
from capdo.compliance.yaml_source import DataFileError

from .conftest import MINI


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "broken.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_catalogue(path, display="broken.yml")
    return [p.render("en") for p in info.value.problems]


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(needle)


def test_mini_is_valid(mini_path: Path) -> None:
    assert load_catalogue(mini_path).id == "mini"


def test_extra_key_and_wrong_type_are_both_reported(tmp_path: Path) -> None:
    text = MINI.replace("    group: network\n", "    group: network\n    colour: red\n").replace(
        "first_level: 3", "first_level: three"
    )
    problems = _problems(tmp_path, text)
    assert len(problems) == 2
    extra = _line_of(text, "colour: red")
    level = _line_of(text, "first_level: three")
    assert problems[0].startswith(f"broken.yml:{level}:5: requirements[1].first_level")
    assert problems[1].startswith(f"broken.yml:{extra}:5: requirements[3].colour")
    assert "Extra inputs are not permitted" in problems[1]


def test_missing_field_points_at_the_parent(tmp_path: Path) -> None:
    text = MINI.replace("    check: inventory\n", "")
    problems = _problems(tmp_path, text)
    assert len(problems) == 1
    line = _line_of(text, "  - id: GOV.03")
    assert problems[0].startswith(f"broken.yml:{line}:5: requirements[5].check")
    assert "Field required" in problems[0]


def test_semantic_problems_are_located(tmp_path: Path) -> None:
    text = (
        MINI.replace("applies_when: [web_application]", "applies_when: [mobile_app]")
        .replace("min_len: {value: 12,", "max_len: {value: 12,")
        .replace("  - id: GOV.03", "  - id: GOV.01")
    )
    problems = _problems(tmp_path, text)
    assert len(problems) == 3
    assert problems[0].startswith(f"broken.yml:{_line_of(text, 'max_len')}:9: ")
    assert "Parameter max_len is not defined" in problems[0]
    assert problems[1].startswith(f"broken.yml:{_line_of(text, 'mobile_app')}:20: ")
    assert "Trait mobile_app" in problems[1]
    assert problems[2].startswith(f"broken.yml:{_line_of(text, '- id: GOV.01', 2)}:5: ")
    assert "duplicated" in problems[2]


def test_value_type_and_null_without_note(tmp_path: Path) -> None:
    text = MINI.replace("min_len: {value: 8,", 'min_len: {value: "eight",').replace(
        "value: null, source: DOC 4, confidence: legal_text, note: not found",
        "value: null, source: DOC 4, confidence: legal_text",
    )
    problems = _problems(tmp_path, text)
    assert len(problems) == 2
    line = _line_of(text, '"eight"')
    assert f":{line}:" in problems[0]
    assert "must be of type integer" in problems[0]
    assert "needs a note" in problems[1]


def test_level_cycle_and_unknown_parent(tmp_path: Path) -> None:
    text = MINI.replace("inherits_from: []}", "inherits_from: [2]}").replace(
        "inherits_from: [3]}", "inherits_from: [7]}"
    )
    problems = _problems(tmp_path, text)
    assert any("Level 7 is not defined" in p for p in problems)
    assert any("cycle" in p for p in problems)


def test_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    text = MINI.replace('version: "1"', "version: [1")
    problems = _problems(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].startswith("broken.yml:")
    assert "YAML syntax error" in problems[0]


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    text = MINI.replace('version: "1"\n', 'version: "1"\nversion: "2"\n')
    problems = _problems(tmp_path, text)
    assert len(problems) == 1
    line = _line_of(text, 'version: "2"')
    assert problems[0].startswith(f"broken.yml:{line}:")


def test_not_a_mapping(tmp_path: Path) -> None:
    assert _problems(tmp_path, "- 1\n- 2\n") == ["broken.yml:1:1: The file must be a YAML mapping"]


def test_missing_file() -> None:
    with pytest.raises(DataFileError) as info:
        load_catalogue(Path("no-such-catalogue.yml"))
    rendered = info.value.problems[0].render("vi")
    assert rendered.startswith("no-such-catalogue.yml:1:1: tệp không tồn tại")


def test_messages_in_vietnamese(tmp_path: Path) -> None:
    text = MINI.replace("applies_when: [web_application]", "applies_when: [mobile_app]")
    path = tmp_path / "broken.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_catalogue(path, display="broken.yml")
    assert "Đặc điểm mobile_app không được khai báo" in info.value.problems[0].render("vi")
