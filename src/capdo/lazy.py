"""Lazy package faces (PEP 562): a package's public names are imported on first use, so that
``capdo --version`` loads none of the heavy libraries."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping


def lazy_exports(
    package: str, where: Mapping[str, str], modules: Iterable[str] = ()
) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package``: each name of ``where`` comes from the submodule
    it maps to; each name of ``modules`` is a public submodule."""
    submodules = frozenset(modules)

    def __getattr__(name: str) -> object:
        if name in submodules:
            return importlib.import_module(f"{package}.{name}")
        if name in where:
            return getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        raise AttributeError(name)

    return __getattr__
