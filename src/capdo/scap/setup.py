"""Everything a scan reads before it starts: estate, index, settings and rule mapping."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from capdo.exports import catalogue_dir_for
from capdo.inventory import Estate, EstateIndex, load_estate
from capdo.scap.errors import ScapError
from capdo.scap.mapping import DEFAULT_MAPPING, MappingFile, load_mapping
from capdo.scap.profiles import ScapSettings, load_settings

ENV_CHECKS_DIR = "CAPDO_SCAP_CHECKS_DIR"


@dataclass(frozen=True)
class ScanSetup:
    estate: Estate
    index: EstateIndex
    settings: ScapSettings
    mapping: MappingFile
    checks_dir: Path


def checks_scap_dir(estate_dir: Path) -> Path:
    """``checks/scap`` beside the catalogue that governs the estate (or $CAPDO_SCAP_CHECKS_DIR)."""
    env = os.environ.get(ENV_CHECKS_DIR)
    if env:
        return Path(env)
    catalogue = catalogue_dir_for(estate_dir)
    if catalogue is None:
        raise ScapError("scap.error.no-checks-dir", path=str(estate_dir))
    return catalogue.parent / "scap"


def prepare(estate_dir: Path, mapping_path: Path | None = None) -> ScanSetup:
    loaded = load_estate(estate_dir)
    errors = [f for f in loaded.findings if f.severity == "error"]
    if loaded.inventory is None or errors:
        raise ScapError("scap.error.bad-inventory", path=str(estate_dir), count=len(errors))
    checks = checks_scap_dir(estate_dir)
    settings = load_settings(checks, estate_dir)
    mapping = load_mapping(mapping_path or checks / DEFAULT_MAPPING)
    inventory = loaded.inventory
    return ScanSetup(inventory.estate, EstateIndex(inventory), settings, mapping, checks)
