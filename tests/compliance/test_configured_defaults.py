"""Thresholds only in data: what a device or endpoint is configured with when the documents
leave a value open comes from the catalogue's ``configured_default``, never from code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from capdo.errors import CapdoError
from capdo.exports.baseline import baseline
from tests.conftest import REPO

CATALOGUE = REPO / "checks" / "catalogue"
NAMES = ("lockout_attempts", "lockout_duration_hours", "idle_timeout_minutes")


@pytest.mark.parametrize("name", NAMES)
def test_the_legacy_regime_leaves_the_value_open_and_the_catalogue_fills_it(name: str) -> None:
    base = baseline("device", 3, ("legacy",), CATALOGUE)
    assert base.params.get(name) is None  # the documents give no number
    assert base.setting(name) == base.configured_defaults[name]


@pytest.mark.parametrize("name", NAMES)
def test_the_level_value_wins_over_the_configured_default(name: str) -> None:
    base = baseline("device", 3, ("legacy", "new"), CATALOGUE)
    assert base.params[name] is not None
    assert base.setting(name) == base.params[name]


def test_without_a_configured_default_the_gap_is_a_clear_error(tmp_path: Path) -> None:
    copy = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE, copy)
    legacy = copy / "legacy.yml"
    legacy.write_text(
        "\n".join(
            line
            for line in legacy.read_text(encoding="utf-8").splitlines()
            if "configured_default" not in line
        )
        + "\n",
        encoding="utf-8",
    )
    base = baseline("device", 3, ("legacy",), copy)
    with pytest.raises(CapdoError) as info:
        base.setting("lockout_attempts")
    assert info.value.key == "baseline.error.no-setting"
    assert info.value.params == {"parameter": "lockout_attempts"}


def test_no_threshold_fallback_is_left_in_the_renderers() -> None:
    """The renderers read settings through ``Baseline.setting``: no ``or 5`` style fallback."""
    for path in (
        REPO / "src" / "capdo" / "network" / "model.py",
        REPO / "src" / "capdo" / "endpoints" / "intended.py",
    ):
        text = path.read_text(encoding="utf-8")
        for name in NAMES:
            assert f'params.get("{name}")' not in text, (path, name)
