"""The checker registry beside the catalogue: coverage both ways.

Every requirement a machine is meant to decide (``check`` other than ``manual``) has a
deciding checker in ``checks/catalogue/registry.yml``; every checker's requirement exists in
the catalogue and is registered for that checker's kind.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capdo.checks.contract import requirements_of
from capdo.compliance.catalogue_loader import load_regime
from capdo.compliance.catalogue_model import Catalogue, CheckKind, RequirementStatus
from capdo.compliance.registry import Registry, load_registry
from capdo.endpoints.checks import endpoint_checks
from capdo.estate_checks.registry import estate_checks
from capdo.scap.mapping import load_mapping
from tests.conftest import REPO

CATALOGUE = REPO / "checks" / "catalogue"
MARK = re.compile(r"requirement\(([^)]*)\)\s*\n(?:@.*\n)*def (\w+)")
ID = re.compile(r"[A-Z]{2,4}\.\d\d")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(CATALOGUE)


@pytest.fixture(scope="module")
def catalogues() -> dict[str, Catalogue]:
    return {r: load_regime(r, CATALOGUE) for r in ("legacy", "new")}


def _marked(folder: Path) -> dict[str, set[str]]:
    """check function name → requirement ids, from the content's requirement marks."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.py")):
        for match in MARK.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(2), set()).update(ID.findall(match.group(1)))
    return found


def checkers_by_kind() -> dict[str, set[str]]:
    """kind → requirement ids some checker of that kind produces results for."""
    mapping = load_mapping(REPO / "checks" / "scap" / "ssg-debian-anssi.yml")
    profiles = (REPO / "checks" / "scap" / "profiles.yml").read_text(encoding="utf-8")
    summary = re.search(r"summary:\s*\n\s*requirement: (\S+)", profiles)
    assert summary is not None
    return {
        "server": {i for ids in _marked(REPO / "checks" / "server").values() for i in ids},
        "network": {i for ids in _marked(REPO / "checks" / "network").values() for i in ids},
        "estate": {i for check in estate_checks(CATALOGUE) for i in requirements_of(check)},
        "scap": mapping.requirement_ids() | {summary.group(1)},
        "endpoint": set(endpoint_checks(REPO / "checks" / "endpoints")),
    }


def test_every_automatable_requirement_has_a_deciding_checker(
    registry: Registry, catalogues: dict[str, Catalogue]
) -> None:
    missing = sorted(
        {
            r.id
            for c in catalogues.values()
            for r in c.requirements
            if r.status is RequirementStatus.applies
            and r.check is not CheckKind.manual
            and (r.id not in registry.requirements or not registry.requirements[r.id].decide)
        }
    )
    assert missing == []


def test_every_registered_decider_exists(registry: Registry) -> None:
    produced = checkers_by_kind()
    produced["evidence"] = set(registry.requirements)  # the evidence register decides any
    absent = []
    for rid, entry in registry.requirements.items():
        for ref in entry.decide:
            kind = ref.split(":", 1)[0]
            if rid not in produced[kind]:
                absent.append(f"{rid} {ref}")
    assert absent == []


def test_every_checker_requirement_exists_and_is_registered(
    registry: Registry, catalogues: dict[str, Catalogue]
) -> None:
    known = {r.id for c in catalogues.values() for r in c.requirements}
    problems = []
    for kind, ids in checkers_by_kind().items():
        for rid in sorted(ids):
            if rid not in known:
                problems.append(f"{kind}: {rid} is not in the catalogue")
            entry = registry.requirements.get(rid)
            if entry is None or kind not in entry.kinds("decide") | entry.kinds("corroborate"):
                problems.append(f"{kind}: {rid} is not registered for this kind")
    assert problems == []


def test_registry_names_only_known_requirements_and_kinds(
    registry: Registry, catalogues: dict[str, Catalogue]
) -> None:
    documentary_everywhere = {
        r.id
        for r in catalogues["new"].requirements
        if all(c.requirement(r.id).check is CheckKind.manual for c in catalogues.values())
    }
    for rid, entry in registry.requirements.items():
        assert any(rid in {r.id for r in c.requirements} for c in catalogues.values()), rid
        assert rid not in documentary_everywhere or entry.kinds("decide") == {"evidence"}, rid
        for ref in (*entry.decide, *entry.corroborate):
            assert ref.split(":", 1)[0] in registry.checkers, (rid, ref)
        if entry.corroborate:
            assert registry.reason(rid), f"{rid}: say why a checker only corroborates"


def test_record_checker_names_map_to_kinds(registry: Registry) -> None:
    assert registry.kind_of("capdo.checks.server") == "server"
    assert registry.kind_of("capdo.network.audit:test_ntp") == "network"
    assert registry.kind_of("capdo.scap") == "scap"
    assert registry.kind_of("capdo.scapx") is None
    assert registry.role("SRV.02", "capdo.scap") == "corroborate"
    assert registry.role("SRV.02", "capdo.checks.server") == "decide"
    assert registry.role("SRV.02", "capdo.endpoints") is None


TARGET_OF_CHECK = {
    CheckKind.server: {"server", "scap", "estate"},
    CheckKind.scap: {"server", "scap", "estate"},
    CheckKind.network: {"network", "estate"},
    CheckKind.endpoint: {"endpoint", "estate"},
    CheckKind.inventory: {"estate", "evidence"},
    CheckKind.manual: {"evidence"},
}


def test_deciders_produce_results_where_the_catalogue_evaluates(
    registry: Registry, catalogues: dict[str, Catalogue]
) -> None:
    """A server checker cannot decide a requirement the catalogue evaluates on the system."""
    wrong = [
        f"{regime} {r.id} ({r.check.value}) decided by {kind}"
        for regime, c in catalogues.items()
        for r in c.requirements
        if r.id in registry.requirements
        for kind in registry.requirements[r.id].kinds("decide")
        if kind not in TARGET_OF_CHECK[r.check]
    ]
    assert wrong == []
