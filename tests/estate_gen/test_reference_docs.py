"""The schema reference under docs/ is what the model generates; every field has a meaning;
every validation rule's valid example passes and its invalid example fails on the lab estate;
a site's only router may hold its VLAN gateway address (the renderer supports it)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from capdo.estate_gen.description import Description
from capdo.estate_gen.reference import (
    REGENERATE,
    file_rule_examples,
    meaning,
    reachable,
    rule_base,
    rule_examples,
    write_docs,
    write_estate,
)
from capdo.inventory.loader import COLLECTIONS
from capdo.inventory.model import Estate
from capdo.inventory.validate import load_estate
from capdo.network.model import NetworkContext
from capdo.network.render import Renderer
from tests.conftest import REPO


def test_docs_are_generated_from_the_model(tmp_path: Path) -> None:
    written = write_docs(REPO, tmp_path / "docs")
    stale = []
    for path in written:
        name = path.relative_to(tmp_path / "docs")
        committed = REPO / "docs" / name
        if not committed.is_file() or committed.read_text(encoding="utf-8") != path.read_text(
            encoding="utf-8"
        ):
            stale.append(str(name))
    assert not stale, f"docs/ is out of date for {stale}: run `{REGENERATE}` and commit"


def test_every_field_has_a_meaning() -> None:
    missing = [
        f"{model.__name__}.{name}"
        for model in reachable([Estate, *COLLECTIONS.values(), Description])
        for name in model.model_fields
        if not meaning(model, name)
    ]
    assert not missing, (
        f"fields without a meaning: {missing}; add a docstring under the field in the model or "
        f"a line in src/capdo/estate_gen/field_meanings.yml, then run `{REGENERATE}`"
    )


def _rule_ids() -> set[str]:
    ids: set[str] = set()
    for module in ("validate.py", "loader.py", "source.py"):
        text = (REPO / "src" / "capdo" / "inventory" / module).read_text(encoding="utf-8")
        ids |= set(re.findall(r'Finding\(\s*"([a-z-]+)"', text))
    return ids


EXAMPLES = {e["rule"]: e for e in rule_examples()}
FILE_EXAMPLES = {e["rule"]: e for e in file_rule_examples()}
WITHOUT_EXAMPLE = {"no-estate-dir", "unreadable-file"}
"""No directory at all, and bytes that are not UTF-8: explained by their messages alone."""


def test_every_rule_has_examples() -> None:
    missing = _rule_ids() - WITHOUT_EXAMPLE - set(EXAMPLES) - set(FILE_EXAMPLES)
    assert not missing, (
        f"rules without a valid and an invalid example: {sorted(missing)}; add them to "
        f"src/capdo/estate_gen/rule_examples.yml, then run `{REGENERATE}`"
    )
    assert "site-unreachable" in EXAMPLES  # the scan above found the rules


@pytest.mark.parametrize("rule", sorted(FILE_EXAMPLES))
def test_file_rule_example_both_ways(rule: str, tmp_path: Path) -> None:
    example = FILE_EXAMPLES[rule]
    for label in ("valid", "invalid"):
        root = _with({}, tmp_path / label)
        path = root / example["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if example[label] is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(example[label], encoding="utf-8")
        rules = [f.rule for f in load_estate(root).findings]
        assert (rules == []) if label == "valid" else (rule in rules), (label, rules)


def _with(objects: dict[str, list[dict[str, Any]]], target: Path) -> Path:
    base = rule_base()
    data = {k: v if k == "estate" else [*v, *objects.get(k, [])] for k, v in base.items()}
    data.update({k: v for k, v in objects.items() if k not in base})
    return write_estate(data, target)


def test_base_estate_is_valid(tmp_path: Path) -> None:
    assert load_estate(_with({}, tmp_path / "base")).findings == []


@pytest.mark.parametrize("rule", sorted(EXAMPLES))
def test_rule_example_both_ways(rule: str, tmp_path: Path) -> None:
    example = EXAMPLES[rule]
    valid = load_estate(_with(example["valid"], tmp_path / "valid"))
    assert [(f.rule, f.params) for f in valid.findings] == []
    invalid = load_estate(_with(example["invalid"], tmp_path / "invalid"))
    assert rule in {f.rule for f in invalid.findings}


def _render(root: Path, device: str) -> str:
    result = load_estate(root)
    assert result.inventory is not None
    ctx = NetworkContext(result.inventory, REPO / "checks" / "catalogue")
    renderer = Renderer(REPO / "network" / "templates")
    return renderer.render(ctx, next(d for d in result.inventory.devices if d.name == device))


def test_router_holding_the_gateway_validates_and_renders(tmp_path: Path) -> None:
    root = _with(EXAMPLES["duplicate-address"]["valid"], tmp_path / "estate")
    assert load_estate(root).findings == []
    config = _render(root, "ex-rtr01")
    assert "198.18.9.1 255.255.255.224" in config or "198.18.9.1 27" in config
    assert "vrrp" not in config


def test_two_gateway_devices_cannot_share_the_gateway(tmp_path: Path) -> None:
    objects = EXAMPLES["duplicate-address"]["valid"]
    second = {**objects["devices"][0], "name": "ex-rtr02", "address": "198.18.9.3"}
    root = _with({**objects, "devices": [*objects["devices"], second]}, tmp_path / "estate")
    rules = [f.rule for f in load_estate(root).findings]
    assert rules == ["duplicate-address"]
