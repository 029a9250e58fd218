"""Fixtures for the network side: emulated devices on loopback ports, the lab estate."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from capdo.network.estate import NetworkEstate, load_network_estate
from capdo_lab.devices import DeviceLab, DeviceSpec

REPO = Path(__file__).resolve().parents[2]
LAB_ESTATE = REPO / "inventories" / "lab"
PASSWORD = "lab-device-test-pw"
LAB_DEVICES = [
    DeviceSpec("lab-core01", "cisco_ios"),
    DeviceSpec("lab-wan01", "huawei_vrp"),
    DeviceSpec("lab-xa-rtr01", "huawei_vrp"),
    DeviceSpec("lab-fw01", "fortinet"),
]


@pytest.fixture(scope="session", autouse=True)
def _quiet() -> None:
    for name in ("paramiko", "paramiko.transport", "fakenos", "netmiko"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@pytest.fixture(scope="session")
def fast_huawei() -> Iterator[None]:
    """netmiko's Huawei driver waits 2 s of silence four times per config push; a test-only
    speed-up checks the prompt instead (the production path keeps netmiko's own waits)."""
    from netmiko.cisco_base_connection import CiscoBaseConnection
    from netmiko.huawei.huawei import HuaweiBase

    original = HuaweiBase.check_config_mode

    def check(
        self: HuaweiBase, check_string: str = "]", pattern: str = "", force_regex: bool = False
    ) -> bool:
        return bool(
            CiscoBaseConnection.check_config_mode(self, check_string=check_string, pattern=r"[>\]]")
        )

    HuaweiBase.check_config_mode = check  # type: ignore[method-assign]
    yield
    HuaweiBase.check_config_mode = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def device_lab(fast_huawei: None) -> Iterator[DeviceLab]:
    with DeviceLab(LAB_DEVICES, username="capdo", password=PASSWORD) as lab:
        yield lab


@pytest.fixture
def lab(
    device_lab: DeviceLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[DeviceLab]:
    """The session lab, reset before and after, reached through an overlay and env refs."""
    device_lab.reset()
    overlay = device_lab.write_overlay(tmp_path / "connections.yml", merge=False)
    monkeypatch.setenv("CAPDO_CONNECTIONS", str(overlay))
    monkeypatch.setenv("CAPDO_LAB_DEVICE_PASSWORD", PASSWORD)
    monkeypatch.setenv("CAPDO_LOCK_DIR", str(tmp_path / "locks"))  # device locks of this test
    yield device_lab
    device_lab.reset()


@pytest.fixture
def estate(lab: DeviceLab) -> NetworkEstate:
    return load_network_estate(LAB_ESTATE)
