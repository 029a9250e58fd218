"""Every checker module under ``checks/`` is written against the one check contract.

For each checker kind whose content is a folder of Python modules (server, network, endpoint,
estate; ``checks/catalogue/registry.yml`` names the folder), every check function:

- is registered through :func:`capdo.checks.contract.requirement` (not a bare pytest mark);
- names requirement ids that the checker registry lists for that kind (decide or corroborate);

and no content module brings its own evidence, failure or result type, its own ``require``,
or a threshold with a code default (``params.get(...) or 5``): thresholds come through
``param()``. A synthetic module breaking each rule shows that the test can fail.

A check function is ``test_*`` in a pytest module (server, network) and every public function
of a plain module (estate, endpoint: helpers there are private).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from capdo.checks import contract
from capdo.checks.content import content_dir, load_checks, load_module
from capdo.compliance.registry import Registry, load_registry
from tests.conftest import REPO

CATALOGUE = REPO / "checks" / "catalogue"
PYTEST_KINDS = frozenset({"server", "network"})
FORBIDDEN = {
    r"pytest\.mark\.requirement\(": "marks a check with pytest.mark.requirement, not @requirement",
    r"(?m)^class \w*(Evidence|CheckFailed|Result|Verdict)\b": "defines its own evidence, "
    "failure or result type",
    r"(?m)^def require\(": "defines its own require",
    r"params(\(\))?\.get\([^()]*\)\s+or\s": "a threshold with a code default (use param())",
    r"params(\(\))?\.get\([^(),]+,": "a threshold with a code default (use param())",
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(CATALOGUE)


def content_folders(registry: Registry) -> dict[str, Path]:
    """Checker kind → its folder of Python check modules."""
    folders = {}
    for kind, spec in registry.checkers.items():
        folder = REPO / spec.content
        if folder.is_dir() and any(folder.glob("*.py")):
            folders[kind] = folder
    return folders


def _check_functions(module: Any, pytest_module: bool) -> list[Callable[..., Any]]:
    defined = [
        v
        for k, v in vars(module).items()
        if callable(v)
        and not isinstance(v, type)
        and getattr(v, "__module__", None) == module.__name__
        and not k.startswith("_")
    ]
    if pytest_module:
        return [f for f in defined if f.__name__.startswith("test_")]
    return defined


def contract_problems(folder: Path, kind: str, registry: Registry) -> list[str]:
    """What in the content ``folder`` of checker ``kind`` is not on the contract."""
    problems: list[str] = []
    for path in sorted(folder.glob("*.py")):
        if path.name == "conftest.py" or path.name.startswith("_"):
            continue
        text = path.read_text(encoding="utf-8")
        problems += [
            f"{path.name}: {why}" for rule, why in FORBIDDEN.items() if re.search(rule, text)
        ]
        module = load_module(path.resolve())
        for check in _check_functions(module, kind in PYTEST_KINDS):
            ids = contract.requirements_of(check)
            where = f"{path.name}:{check.__name__}"
            if not ids:
                problems.append(f"{where}: not registered with @requirement")
            for rid in ids:
                entry = registry.requirements.get(rid)
                if entry is None:
                    problems.append(f"{where}: {rid} is not in the checker registry")
                elif kind not in entry.kinds("decide") | entry.kinds("corroborate"):
                    problems.append(f"{where}: {rid} is not registered for {kind}")
    return problems


def test_every_checker_kind_with_code_has_its_content_under_checks(registry: Registry) -> None:
    folders = content_folders(registry)
    assert set(folders) == {"server", "network", "endpoint", "estate"}
    assert all(f.parent == REPO / "checks" for f in folders.values())
    # and every folder of check modules under checks/ belongs to a registered kind
    holding_code = {p.parent for p in (REPO / "checks").glob("*/*.py")}
    assert holding_code <= set(folders.values())


@pytest.mark.parametrize("kind", ["server", "network", "endpoint", "estate"])
def test_every_checker_module_uses_the_contract(registry: Registry, kind: str) -> None:
    folder = content_folders(registry)[kind]
    assert contract_problems(folder, kind, registry) == []
    modules = [p for p in folder.glob("*.py") if p.name != "conftest.py"]
    checks = [
        c for p in modules for c in _check_functions(load_module(p.resolve()), kind in PYTEST_KINDS)
    ]
    assert len(checks) >= len(modules)  # every module holds checks


def test_plain_runners_load_exactly_the_registered_checks(registry: Registry) -> None:
    """The estate and endpoint runners load what carries @requirement, nothing else."""
    for kind in ("estate", "endpoint"):
        folder = content_folders(registry)[kind]
        loaded = load_checks(folder)
        assert loaded
        assert all(contract.requirements_of(c) for c in loaded)
        defined = [
            c for p in sorted(folder.glob("*.py")) for c in _check_functions(load_module(p), False)
        ]
        assert {c.__qualname__ for c in loaded} == {c.__qualname__ for c in defined}


BROKEN = '''\
"""Checks that break every rule of the contract."""

import pytest

from capdo.checks.contract import require, requirement


class Evidence:
    pass


@pytest.mark.requirement("NET.10")
def test_marked_the_old_way(device):
    require(True, expected=None, actual=None)


@requirement("SRV.01")
def test_of_another_kind(device):
    require(True, expected=None, actual=None)


@requirement("ZZZ.99")
def test_unknown_requirement(device):
    require(True, expected=None, actual=None)


def test_not_registered(device):
    limit = int(device.params.get("idle_timeout_minutes") or 5)
    require(limit, expected=None, actual=None)
'''

GOOD = """\
from capdo.checks.contract import param, require, requirement


@requirement("NET.16")
def test_idle(device):
    limit = int(param(device.params, "idle_timeout_minutes"))
    require(limit <= 5, expected=5, actual=limit, detail="idle sessions stay open")
"""


def test_the_content_test_can_fail(registry: Registry, tmp_path: Path) -> None:
    folder = tmp_path / "content-broken"
    folder.mkdir()
    (folder / "test_broken_contract.py").write_text(BROKEN, encoding="utf-8")
    problems = contract_problems(folder, "network", registry)
    expected = [
        "test_broken_contract.py: marks a check with pytest.mark.requirement, not @requirement",
        "test_broken_contract.py: defines its own evidence, failure or result type",
        "test_broken_contract.py: a threshold with a code default (use param())",
        "test_broken_contract.py:test_marked_the_old_way: not registered with @requirement",
        "test_broken_contract.py:test_of_another_kind: SRV.01 is not registered for network",
        "test_broken_contract.py:test_unknown_requirement: ZZZ.99 is not in the checker registry",
        "test_broken_contract.py:test_not_registered: not registered with @requirement",
    ]
    assert sorted(problems) == sorted(expected)


def test_a_module_on_the_contract_passes(registry: Registry, tmp_path: Path) -> None:
    folder = tmp_path / "content-good"
    folder.mkdir()
    (folder / "test_good_contract.py").write_text(GOOD, encoding="utf-8")
    assert contract_problems(folder, "network", registry) == []
    # the same module read as another kind's content is refused
    assert contract_problems(folder, "server", registry) == [
        "test_good_contract.py:test_idle: NET.16 is not registered for server"
    ]


def test_a_catalogue_kept_elsewhere_still_gets_the_shipped_checks(tmp_path: Path) -> None:
    catalogue = tmp_path / "organisation" / "catalogue"
    catalogue.mkdir(parents=True)
    assert content_dir(catalogue, "estate") == REPO / "checks" / "estate"
    assert content_dir(None, "endpoints") == REPO / "checks" / "endpoints"
    own = tmp_path / "organisation" / "estate"
    own.mkdir()
    assert content_dir(catalogue, "estate") == own  # content beside the catalogue comes first
