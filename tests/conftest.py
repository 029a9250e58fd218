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


def relocated_lab_estate(target: Path, network: str) -> Path:
    """A copy of the lab estate whose 198.18.0.0/24 addresses move to ``network`` (e.g.
    "198.18.57"), so that a test's lab never collides with another lab on this machine; the
    connections overlay goes next to the copy."""
    shutil.copytree(LAB_ESTATE, target)
    for path in target.rglob("*.yml"):
        text = path.read_text(encoding="utf-8").replace("198.18.0.", f"{network}.")
        text = text.replace("../../.cache/lab/connections.yml", "../lab-run/connections.yml")
        path.write_text(text, encoding="utf-8")
    return target
