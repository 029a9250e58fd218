"""Shared fixtures: repository paths and a scratch copy of the lab estate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LAB_ESTATE = REPO / "inventories" / "lab"
PHUTHO_ESTATE = REPO / "inventories" / "phutho"


@pytest.fixture
def lab_copy(tmp_path: Path) -> Path:
    """A writable copy of the lab estate, for breaking on purpose."""
    target = tmp_path / "estate"
    shutil.copytree(LAB_ESTATE, target)
    return target
