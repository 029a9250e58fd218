"""A province description and the network firmware policy go through the safe reader too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from capdo.errors import CapdoError
from capdo.estate_gen.description import DescriptionFileError, load_description
from capdo.network.firmware import load_network_firmware
from tests.security.conftest import REPO


def test_description_alias_bomb_is_refused_at_once(tmp_path: Path, alias_bomb: str) -> None:
    path = tmp_path / "tinh.description.yml"
    path.write_text(alias_bomb, encoding="utf-8")
    with pytest.raises(DescriptionFileError) as caught:
        load_description(path)
    assert "tinh.description.yml:" in str(caught.value.args)


def test_reference_description_still_reads() -> None:
    assert load_description(REPO / "inventories" / "phutho.description.yml").datacentres


def test_network_firmware_policy_alias_bomb_is_a_located_error(
    tmp_path: Path, alias_bomb: str
) -> None:
    estate = tmp_path / "estate"
    shutil.copytree(REPO / "inventories" / "lab", estate)
    policy = estate / "policy" / "network-firmware.yml"
    policy.parent.mkdir(exist_ok=True)
    policy.write_text(alias_bomb, encoding="utf-8")
    with pytest.raises(CapdoError) as caught:
        load_network_firmware(estate)
    assert "network-firmware.yml:" in str(caught.value.params["path"])


def test_network_firmware_policy_outside_the_estate_is_refused(tmp_path: Path) -> None:
    estate = tmp_path / "estate"
    shutil.copytree(REPO / "inventories" / "lab", estate)
    secret = tmp_path / "secret.yml"
    secret.write_text("cisco_ios: {ISR 1111: SECRET-LINE}\n", encoding="utf-8")
    policy = estate / "policy" / "network-firmware.yml"
    policy.parent.mkdir(exist_ok=True)
    policy.unlink(missing_ok=True)
    policy.symlink_to(secret)
    with pytest.raises(CapdoError) as caught:
        load_network_firmware(estate)
    assert "SECRET-LINE" not in repr(caught.value.params)
