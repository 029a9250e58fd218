"""The layering of ``src/capdo`` and ``src/capdo_lab``, enforced over the import graph.

Every import (module level, inside functions and under ``TYPE_CHECKING`` alike) is read with
:mod:`ast`, mapped to its *room* (the first package or module under ``capdo``, or the whole
``capdo_lab`` package) and checked against :data:`LAYERS`, lowest first: a room may import rooms
of lower layers only, never a room of its own layer or above. The layers are the ones that hold
today, finer than the issue's outline (inventory < compliance < exports < {checks, scap, network,
endpoints, reports} < pipeline < commands < cli) where the real graph is:

- ``checks`` (the check contract and content loader) sits below the runners that use it,
  ``endpoints`` among them;
- ``network`` drives endpoint devices too (``capdo.endpoints``), so it sits one layer above;
- ``estate_checks`` runs the checks of ``capdo.checks``, ``assessment`` gathers estate checks,
  and ``reports`` renders an assessment: three more layers above the checks;
- ``compliance`` does not read the inventory at all, so it shares a layer with ``secrets`` and
  ``estate_gen`` (which do) instead of sitting on top of them.

The lab (``capdo_lab``) builds on the product (it emulates devices and endpoints from the
inventory) and may be imported only by :data:`LAB_IMPORTERS`. A new room must be placed in a layer
before its first import passes.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PRODUCT = "capdo"
LAB = "capdo_lab"

# Lowest first. "__init__" is the package module itself (capdo.__version__).
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(layer)
    for layer in (
        {"__init__", "i18n", "gcpause", "aptmirror", "lazy"},
        {"errors"},
        {"safeio"},
        {"inventory"},
        {"compliance", "secrets", "estate_gen"},
        {"exports"},
        {"checks"},
        {"endpoints", "scap", "sheets", "provisioning"},
        {"network", "estate_checks"},
        {"assessment", LAB},
        {"reports"},
        {"pipeline"},
        {"commands"},
        {"cli"},
    )
)
LAB_IMPORTERS = frozenset({"pipeline", "commands", "cli"})

Graph = Mapping[str, set[str]]


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.AST, module: str, is_package: bool, known: set[str]) -> Iterable[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, *([node.module] if node.module else [])])
        for alias in node.names:
            # "from capdo import commands" imports the module capdo.commands
            submodule = f"{base}.{alias.name}"
            yield submodule if submodule in known else base


def room(module: str) -> str | None:
    """The room of a module inside the tree, None for a module outside it."""
    top, _, rest = module.partition(".")
    if top == LAB:
        return LAB
    if top != PRODUCT:
        return None
    return rest.partition(".")[0] or "__init__"


def import_graph(src: Path) -> dict[str, set[str]]:
    """Room → rooms it imports (other rooms only), over capdo and capdo_lab under ``src``."""
    files = [path for package in (PRODUCT, LAB) for path in (src / package).rglob("*.py")]
    known = {_module_name(path, src) for path in files}
    graph: dict[str, set[str]] = {}
    for path in files:
        module = _module_name(path, src)
        source = room(module)
        assert source is not None
        targets = graph.setdefault(source, set())
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for imported in _imported(node, module, path.name == "__init__.py", known):
                target = room(imported)
                if target is not None and target != source:
                    targets.add(target)
    return graph


def violations(
    graph: Graph, layers: tuple[frozenset[str], ...], lab_importers: frozenset[str]
) -> list[str]:
    """Every import that breaks the layering, as readable lines (empty: the graph is clean)."""
    level = {name: index for index, layer in enumerate(layers) for name in layer}
    found = [f"{name}: not placed in any layer" for name in sorted(graph) if name not in level]
    for source in sorted(graph):
        for target in sorted(graph[source]):
            if target == LAB and source not in lab_importers:
                found.append(f"{source} imports {LAB} (only {sorted(lab_importers)} may)")
            elif source in level and target in level and level[target] >= level[source]:
                found.append(
                    f"{source} (layer {level[source]}) imports {target} (layer {level[target]})"
                )
            elif target not in level:
                found.append(f"{source} imports {target}, not placed in any layer")
    return found


def test_the_tree_keeps_its_layers() -> None:
    graph = import_graph(SRC)
    assert {"inventory", "compliance", "exports", "cli", LAB} <= graph.keys()
    assert violations(graph, LAYERS, LAB_IMPORTERS) == []


def test_only_the_top_imports_the_lab() -> None:
    importers = {source for source, targets in import_graph(SRC).items() if LAB in targets}
    assert importers
    assert importers <= LAB_IMPORTERS


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"inventory": {"reports"}}, "inventory (layer 3) imports reports (layer 10)"),
        ({"endpoints": {"scap"}}, "endpoints (layer 7) imports scap (layer 7)"),
        ({"checks": {"endpoints"}}, "checks (layer 6) imports endpoints (layer 7)"),
        ({"scap": {LAB}}, f"scap imports {LAB}"),
        ({"reports": {LAB}}, f"reports imports {LAB}"),
        ({"newroom": {"inventory"}}, "newroom: not placed in any layer"),
    ],
)
def test_a_bad_import_is_caught(graph: Graph, expected: str) -> None:
    found = violations(graph, LAYERS, LAB_IMPORTERS)
    assert any(line.startswith(expected) for line in found), found


def test_a_downward_import_is_allowed() -> None:
    graph = {"reports": {"inventory", "compliance"}, "commands": {LAB, "reports"}}
    assert violations(graph, LAYERS, LAB_IMPORTERS) == []


def test_imports_are_found_in_every_form(tmp_path: Path) -> None:
    """A synthetic tree: absolute, relative, function-level and package-name imports."""
    files = {
        "capdo/__init__.py": "",
        "capdo/inventory/__init__.py": "from capdo import reports\n",
        "capdo/inventory/model.py": "def f() -> None:\n    from ..compliance import x\n",
        "capdo/compliance/__init__.py": "import capdo_lab.devices\n",
        "capdo/reports/__init__.py": "from . import html\n",
        "capdo/reports/html.py": "from capdo.inventory.model import f\nimport json\n",
        "capdo_lab/__init__.py": "from capdo.exports import y\n",
        "capdo_lab/devices/__init__.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    graph = import_graph(tmp_path)
    assert graph["inventory"] == {"reports", "compliance"}
    assert graph["compliance"] == {LAB}
    assert graph["reports"] == {"inventory"}
    assert graph[LAB] == {"exports"}
    found = violations(graph, LAYERS, LAB_IMPORTERS)
    assert "inventory (layer 3) imports reports (layer 10)" in found
    assert f"compliance imports {LAB} (only ['cli', 'commands', 'pipeline'] may)" in found
    assert "inventory (layer 3) imports compliance (layer 4)" in found


# --- Public faces: a package room is entered through its ``__init__`` -------------------------


def package_rooms(src: Path) -> dict[str, Path]:
    """Package room (``capdo.compliance``, ``capdo_lab``) → its folder, for every folder of
    Python modules under ``src/capdo`` and ``src/capdo_lab`` itself."""
    folders = [src / LAB, *(p for p in sorted((src / PRODUCT).iterdir()) if p.is_dir())]
    return {_module_name(f / "x.py", src)[:-2]: f for f in folders if any(f.glob("*.py"))}


def declared_all(init: Path) -> list[str] | None:
    """The literal ``__all__`` of a package's ``__init__.py`` (None when there is none)."""
    if not init.exists():
        return None
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id == "__all__" and value is not None:
            return [ast.literal_eval(element) for element in getattr(value, "elts", [])]
    return None


def private_imports(src: Path) -> list[str]:
    """Imports from another room that bypass a package's face: ``capdo.<pkg>.<sub>`` (or
    ``capdo_lab.<sub>``) directly, or a name the package does not list in ``__all__``."""
    packages = package_rooms(src)
    faces = {
        name: set(declared_all(folder / "__init__.py") or ()) for name, folder in packages.items()
    }
    files = [path for package in (PRODUCT, LAB) for path in (src / package).rglob("*.py")]
    found: list[str] = []
    for path in files:
        module = _module_name(path, src)
        source = room(module)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported = [(alias.name, None) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = module.split(".")
                    package = package if path.name == "__init__.py" else package[:-1]
                    package = package[: len(package) - (node.level - 1)]
                    base = ".".join([*package, *([node.module] if node.module else [])])
                imported = [(base, alias.name) for alias in node.names]
            else:
                continue
            for target_module, name in imported:
                target = next(
                    (
                        p
                        for p in packages
                        if target_module == p or target_module.startswith(f"{p}.")
                    ),
                    None,
                )
                if target is None or room(target) == source:
                    continue
                where = f"{path.relative_to(src)}:{node.lineno}"
                if target_module != target:
                    found.append(f"{where}: {target_module} is private to {target}")
                elif name is not None and name not in faces[target]:
                    found.append(f"{where}: {target}.{name} is not in {target}.__all__")
    return sorted(found)


def test_every_package_has_a_face() -> None:
    missing = [
        name
        for name, folder in package_rooms(SRC).items()
        if declared_all(folder / "__init__.py") is None
    ]
    assert {"capdo.inventory", "capdo.compliance", LAB} <= package_rooms(SRC).keys()
    assert missing == []


def test_cross_package_imports_go_through_the_face() -> None:
    assert private_imports(SRC) == []


def test_every_public_name_exists() -> None:
    """Every ``__all__`` name resolves, also once all submodules are loaded (a loaded submodule
    must not shadow a public name of the same spelling, ``capdo.compliance.evaluate``)."""
    import importlib
    import pkgutil

    checked = 0
    for name, folder in package_rooms(SRC).items():
        package = importlib.import_module(name)
        for info in pkgutil.iter_modules([str(folder)]):
            if info.name != "__main__":
                importlib.import_module(f"{name}.{info.name}")
        for public in declared_all(folder / "__init__.py") or ():
            value = getattr(package, public)  # AttributeError: a name that does not exist
            submodule = sys.modules.get(f"{name}.{public}")
            if submodule is not None and hasattr(submodule, public):
                assert value is getattr(submodule, public), f"{name}.{public} is shadowed"
            checked += 1
    assert checked > 100


def test_a_private_import_is_caught(tmp_path: Path) -> None:
    """A synthetic tree: the faces' rule fails on a submodule import and on a name the face does
    not export, and passes for imports through the face and inside one package."""
    files = {
        "capdo/__init__.py": "",
        "capdo/compliance/__init__.py": '__all__ = ["evaluate"]\n',
        "capdo/compliance/evaluate.py": "def evaluate() -> None: ...\ndef hidden() -> None: ...\n",
        "capdo/compliance/results.py": "from capdo.compliance.evaluate import hidden\n",
        "capdo/reports/__init__.py": "__all__: list[str] = []\n",
        "capdo/reports/ok.py": "from capdo.compliance import evaluate\n",
        "capdo/reports/deep.py": "from capdo.compliance.evaluate import evaluate\n",
        "capdo/reports/hidden.py": "from capdo.compliance import hidden\n",
        "capdo/reports/plain.py": "def f() -> None:\n    import capdo.compliance.results\n",
        "capdo_lab/__init__.py": "from capdo_lab.alloc import x\n\n__all__ = []\n",
        "capdo_lab/alloc.py": "from capdo.reports.ok import evaluate\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert private_imports(tmp_path) == [
        "capdo/reports/deep.py:1: capdo.compliance.evaluate is private to capdo.compliance",
        "capdo/reports/hidden.py:1: capdo.compliance.hidden is not in capdo.compliance.__all__",
        "capdo/reports/plain.py:2: capdo.compliance.results is private to capdo.compliance",
        "capdo_lab/alloc.py:1: capdo.reports.ok is private to capdo.reports",
    ]
    (tmp_path / "capdo/inventory").mkdir()
    (tmp_path / "capdo/inventory/model.py").write_text("", encoding="utf-8")
    assert declared_all(tmp_path / "capdo/inventory/__init__.py") is None
    assert "capdo.inventory" in package_rooms(tmp_path)
