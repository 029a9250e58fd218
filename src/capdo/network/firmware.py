"""Minimum firmware per device platform and model (NET.14), and the version a config shows.

The policy lives in ``<estate>/policy/network-firmware.yml`` as ``{platform: {model: version}}``
(read like the endpoints' firmware policy). Versions compare number by number:
``V200R019C10SPC800`` → (200, 19, 10, 800), ``17.9`` → (17, 9). A running config shows the
version it runs: IOS ``version 17.9`` (the release train), VRP ``!Software Version V300R021...``
(a header line), FortiOS ``#config-version=FGT600F-7.2.5-FW-build1517-...``.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from capdo.endpoints.policy import FirmwarePolicy, at_least, load_minimums, version_key

NETWORK_FIRMWARE = Path("policy") / "network-firmware.yml"

SHOWN_VERSION = {
    "cisco_ios": re.compile(r"^version (\S+)", re.MULTILINE),
    "huawei_vrp": re.compile(r"^!Software Version (\S+)", re.MULTILINE),
    "huawei_usg": re.compile(r"^!Software Version (\S+)", re.MULTILINE),
    "fortinet": re.compile(r"^#config-version=[A-Z0-9]+-(\d+\.\d+\.\d+)", re.MULTILINE),
}

__all__ = ["NETWORK_FIRMWARE", "at_least", "load_network_firmware", "shown_version", "version_key"]


def shown_version(platform: str, raw: str) -> str | None:
    """The firmware version a running config shows, if it shows one."""
    pattern = SHOWN_VERSION.get(platform)
    found = pattern.search(raw.replace("\r\n", "\n")) if pattern else None
    return found.group(1) if found else None


def load_network_firmware(estate_root: Path) -> FirmwarePolicy:
    """``{platform: {model: minimum}}``; an empty policy when the file is absent (read once
    per file version: every device of an audit asks)."""
    path = estate_root / NETWORK_FIRMWARE
    if not os.path.lexists(path):
        return FirmwarePolicy()
    stat = os.lstat(path)
    return _load(estate_root, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load(estate_root: Path, _mtime: int, _size: int) -> FirmwarePolicy:
    return load_minimums(estate_root, NETWORK_FIRMWARE, "platform")
