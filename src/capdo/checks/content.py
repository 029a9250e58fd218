"""Check content: the checks under the top-level ``checks/<kind>/`` folders, beside the
catalogue (``checks/catalogue``). Content is data the runners in ``src/`` load by file, not a
package of capdo: ``checks/estate/*.py`` and ``checks/endpoints/*.py`` are plain modules whose
check functions carry :func:`capdo.checks.contract.requirement`; ``checks/server`` and
``checks/network`` are pytest modules (their runners hand them to pytest).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from capdo.checks.contract import requirements_of

__all__ = ["content_dir", "load_checks", "load_module"]

CheckFunction = Callable[..., Any]


SHIPPED = Path(__file__).resolve().parents[3] / "checks"
"""The content that comes with capdo (the repository's ``checks/``)."""


def content_dir(catalogue_dir: Path | None, kind: str) -> Path:
    """``checks/<kind>``: the content folder of a checker kind beside the catalogue, else the
    one that comes with capdo (a catalogue kept elsewhere still gets its checks run)."""
    beside = catalogue_dir.parent / kind if catalogue_dir is not None else None
    return beside if beside is not None and beside.is_dir() else SHIPPED / kind


def load_module(path: Path) -> Any:
    """Import one content file by path (once per path: the module is kept in ``sys.modules``
    under a name made of its folder and stem, e.g. ``capdo_content.estate.governance``)."""
    name = f"capdo_content.{path.parent.name}.{path.stem}"
    loaded = sys.modules.get(name)
    if loaded is not None and getattr(loaded, "__file__", None) == str(path):
        return loaded
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load check content {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and typing look their module up here
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


@cache
def load_checks(folder: Path) -> tuple[CheckFunction, ...]:
    """The check functions of every module in ``folder`` (files starting with ``_`` and
    ``conftest.py`` are not checks), in file and definition order: the functions defined there
    that carry ``@requirement``."""
    found: list[CheckFunction] = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_") or path.name == "conftest.py":
            continue
        module = load_module(path.resolve())
        found.extend(
            value
            for value in vars(module).values()
            if callable(value)
            and requirements_of(value)
            and getattr(value, "__module__", None) == module.__name__
        )
    return tuple(found)
