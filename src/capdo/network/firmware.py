"""Minimum firmware per device platform and model (NET.14), and the version a config shows.

The policy lives in ``<estate>/policy/network-firmware.yml`` as ``{platform: {model: version}}``
(read like the endpoints' firmware policy). Versions compare number by number:
``V200R019C10SPC800`` → (200, 19, 10, 800), ``17.9`` → (17, 9). A running config shows the
version it runs: IOS ``version 17.9`` (the release train), VRP ``!Software Version V300R021...``
(a header line), FortiOS ``#config-version=FGT600F-7.2.5-FW-build1517-...``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from capdo.endpoints.policy import FirmwarePolicy, PolicyError, at_least, version_key

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
    if not path.is_file():
        return FirmwarePolicy()
    stat = path.stat()
    return _load(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load(path: Path, _mtime: int, _size: int) -> FirmwarePolicy:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise PolicyError("endpoints.policy.invalid", path=path, detail=str(exc)) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise PolicyError(
            "endpoints.policy.invalid", path=path, detail="expected {platform: {model: version}}"
        )
    minimums = {
        str(platform): {str(model): str(version) for model, version in models.items()}
        for platform, models in data.items()
    }
    return FirmwarePolicy(minimums, str(NETWORK_FIRMWARE))
