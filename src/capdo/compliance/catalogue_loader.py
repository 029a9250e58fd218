"""Find and load the catalogue files of a regime (``checks/catalogue/<regime>.yml``)."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Literal

from capdo import __version__
from capdo.compliance.catalogue_model import Catalogue
from capdo.compliance.catalogue_semantics import check_semantics
from capdo.compliance.yaml_source import DataFileError, load_model, reader_problem
from capdo.errors import CapdoError
from capdo.safeio import ReadError, read_bytes

Regime = Literal["legacy", "new"]
REGIMES: tuple[Regime, ...] = ("legacy", "new")
ENV_CATALOGUE_DIR = "CAPDO_CATALOGUE_DIR"
CATALOGUE_SUBDIR = Path("checks") / "catalogue"


class CatalogueNotFoundError(CapdoError):
    """No catalogue directory or file; an operational error (exit code 2)."""

    handled_apart = True

    def __init__(self, path: str) -> None:
        super().__init__("compliance.error.catalogue-not-found", path=path)
        self.args = (path,)  # as before the key
        self.path = path


def find_catalogue_dir(option: Path | None = None, start: Path | None = None) -> Path:
    """``option``, else ``$CAPDO_CATALOGUE_DIR``, else ``checks/catalogue`` upward from ``start``.

    Raises :class:`CatalogueNotFoundError` when none exists.
    """
    if option is not None:
        if not option.is_dir():
            raise CatalogueNotFoundError(str(option))
        return option
    env = os.environ.get(ENV_CATALOGUE_DIR)
    if env:
        path = Path(env)
        if not path.is_dir():
            raise CatalogueNotFoundError(str(path))
        return path
    here = (start or Path.cwd()).resolve()
    for parent in (here, *here.parents):
        candidate = parent / CATALOGUE_SUBDIR
        if candidate.is_dir():
            return candidate
    raise CatalogueNotFoundError(str(CATALOGUE_SUBDIR))


def regime_file(directory: Path, regime: Regime) -> Path:
    return directory / f"{regime}.yml"


def load_catalogue(path: Path, display: str | None = None) -> Catalogue:
    """Load and check one catalogue file; raises :class:`DataFileError` listing every problem."""
    return load_model(path, Catalogue, check_semantics, display=display, root=path.parent)


def _disk_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "capdo" / "catalogues"


@cache
def _load_cached(path: Path, mtime_ns: int) -> Catalogue:
    """Parse once per content: a valid catalogue is also kept as JSON keyed by the SHA-256 of
    its bytes and the capdo version, which loads in a few milliseconds (no YAML, no semantic
    checks to redo: only a catalogue that passed them is ever written there)."""
    try:
        data = read_bytes(path, root=path.parent)
    except ReadError as error:
        raise DataFileError([reader_problem(error.problem)]) from None
    key = hashlib.sha256(data + __version__.encode()).hexdigest()[:32]
    cached = _disk_cache_dir() / f"{key}.json"
    try:
        return Catalogue.model_validate_json(cached.read_bytes())
    except (OSError, ValueError):
        pass
    catalogue = load_catalogue(path)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(catalogue.model_dump_json(), encoding="utf-8")
        temporary.replace(cached)
    except OSError:
        pass  # a read-only home only costs speed
    return catalogue


def load_catalogue_cached(path: Path) -> Catalogue:
    """:func:`load_catalogue`, cached per process until the file changes."""
    return _load_cached(path.resolve(), path.stat().st_mtime_ns)


def load_regime(regime: Regime, directory: Path | None = None) -> Catalogue:
    """The catalogue of ``regime`` from ``directory`` (found with :func:`find_catalogue_dir`)."""
    folder = find_catalogue_dir(directory)
    path = regime_file(folder, regime)
    if not path.is_file():
        raise CatalogueNotFoundError(str(path))
    return load_catalogue_cached(path)


__all__ = [
    "CATALOGUE_SUBDIR",
    "ENV_CATALOGUE_DIR",
    "REGIMES",
    "CatalogueNotFoundError",
    "DataFileError",
    "Regime",
    "find_catalogue_dir",
    "load_catalogue",
    "load_catalogue_cached",
    "load_regime",
    "regime_file",
]
