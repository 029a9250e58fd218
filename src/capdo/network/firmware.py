"""Minimum firmware per device platform and model (NET.14), and the version a config shows.

The policy lives in ``<estate>/policy/network-firmware.yml`` as ``{platform: {model: version}}``
(read like the endpoints' firmware policy). Versions are read in each platform's own notation
and compared part by part (:func:`meets_minimum`):

- Cisco IOS ``15.2(7)E8`` (major.minor(release)train build; the order holds within one train),
  IOS-XE ``17.9.4a`` / ``17.09.04a`` (a letter is a rebuild: ``17.9.4a`` > ``17.9.4``), or only
  the release train ``17.9`` that ``version`` in a running config shows;
- Huawei VRP ``V200R021C10SPC600`` (version, release, C, SPC; no SPC is the base release);
- FortiOS ``7.2.8``, ``v7.2.8,build1639`` or ``7.2.8-FW-build1639``.

A shown version less precise than the minimum (the train ``15.2`` against ``15.2(7)E8``) or in
another IOS train cannot be decided: :func:`meets_minimum` says so instead of guessing.

A running config shows the version it runs: IOS ``version 17.9`` (the release train; a
collector's header ``! ... Version 15.2(7)E8`` or ``!Image: Software: ..., 15.2(7)E8, ...``
gives the full version), VRP ``!Software Version V300R021...`` (a header line), FortiOS
``#config-version=FGT600F-7.2.5-FW-build1517-...``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from capdo.endpoints import FirmwarePolicy, load_minimums

NETWORK_FIRMWARE = Path("policy") / "network-firmware.yml"

_IOS_FULL = r"\d+\.\d+(?:\(\d+[a-z]?\)[A-Z]*\d*[a-z]?|\.\d+[a-z]?)"
SHOWN_VERSION: dict[str, tuple[re.Pattern[str], ...]] = {
    "cisco_ios": (
        re.compile(rf"^!Image: Software: [^,]+, ({_IOS_FULL}),", re.MULTILINE),
        re.compile(rf"^!.*\bVersion ({_IOS_FULL})\b", re.MULTILINE),
        re.compile(r"^version (\S+)", re.MULTILINE),
    ),
    "huawei_vrp": (re.compile(r"^!Software Version (\S+)", re.MULTILINE),),
    "huawei_usg": (re.compile(r"^!Software Version (\S+)", re.MULTILINE),),
    "fortinet": (
        re.compile(r"^#config-version=[A-Z0-9]+-(\d+\.\d+\.\d+(?:-FW-build\d+)?)", re.MULTILINE),
    ),
}

__all__ = [
    "NETWORK_FIRMWARE",
    "Version",
    "load_network_firmware",
    "meets_minimum",
    "parse_version",
    "shown_version",
]

Part = int | str


@dataclass(frozen=True)
class Version:
    """A version in comparable parts (most significant first; a missing tail is unknown)."""

    text: str
    parts: tuple[Part, ...]
    form: str
    """The notation: ``ios``, ``ios-xe``, ``train`` (IOS major.minor only), ``vrp``, ``fortios``."""
    train: str = ""
    """The IOS release train (``E``, ``SE``, ``M``...): versions of two trains are not ordered."""


_IOS = re.compile(r"^(\d+)\.(\d+)\((\d+)([a-z]?)\)([A-Z]*)(\d*)([a-z]?)$")
_IOS_XE = re.compile(r"^(\d+)\.(\d+)\.(\d+)([a-z]?)$")
_TRAIN = re.compile(r"^(\d+)\.(\d+)$")
_VRP = re.compile(r"^V(\d+)R(\d+)(?:C(\d+))?(?:SPC(\d+))?(?:SPH\d+)?$", re.IGNORECASE)
_FORTIOS = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:(?:,|\s+|-FW-)build\s?(\d+))?", re.IGNORECASE)


def parse_version(platform: str, text: str) -> Version | None:
    """``text`` read in the notation of ``platform`` (None: not a version of that platform)."""
    value = text.strip()
    if platform == "cisco_ios":
        if found := _IOS.match(value):
            major, minor, release, rebuild, train, build, letter = found.groups()
            parts = (int(major), int(minor), int(release), rebuild, int(build or 0), letter)
            return Version(value, parts, "ios", train)
        if found := _IOS_XE.match(value):
            major, minor, maintenance, letter = found.groups()
            return Version(value, (int(major), int(minor), int(maintenance), letter), "ios-xe")
        if found := _TRAIN.match(value):
            return Version(value, (int(found[1]), int(found[2])), "train")
        return None
    if platform in ("huawei_vrp", "huawei_usg"):
        if found := _VRP.match(value):
            return Version(value, tuple(int(g or 0) for g in found.groups()), "vrp")
        return None
    if platform == "fortinet":
        if found := _FORTIOS.match(value):
            major, minor, patch, build = found.groups()
            numbers = (int(major), int(minor), int(patch))
            return Version(value, (*numbers, int(build)) if build else numbers, "fortios")
        return None
    return None


def meets_minimum(platform: str, shown: str, minimum: str) -> tuple[bool | None, str]:
    """Whether the ``shown`` version is at least ``minimum`` on ``platform``: True, False, or
    None when what the device shows cannot decide it, with the reason."""
    have, want = parse_version(platform, shown), parse_version(platform, minimum)
    if want is None:
        return None, f"the minimum {minimum!r} is not a {platform} version"
    if have is None:
        return None, f"{shown!r} is not a {platform} version"
    comparable = {have.form, want.form} - {"train"}
    for position, (a, b) in enumerate(zip(have.parts, want.parts, strict=False)):
        if position >= 2 and (len(comparable) > 1 or have.train != want.train):
            return None, f"{shown} and {minimum} are of different release trains"
        if a != b:
            newer = _greater(a, b)
            return newer, f"{shown} is {'newer' if newer else 'older'} than {minimum}"
    if len(have.parts) >= len(want.parts):
        return True, "the same version or newer"
    rest = want.parts[len(have.parts) :]
    if all(p in (0, "") for p in rest):
        return True, "the minimum is the first release of the shown train"
    return None, f"the device shows {shown} only: the minimum {minimum} needs the full version"


def _greater(a: Part, b: Part) -> bool:
    if isinstance(a, int) and isinstance(b, int):
        return a > b
    return str(a) > str(b)  # a rebuild letter: "" < "a" < "b"


def shown_version(platform: str, raw: str) -> str | None:
    """The firmware version a running config shows, the most precise form it holds."""
    text = raw.replace("\r\n", "\n")
    for pattern in SHOWN_VERSION.get(platform, ()):
        if found := pattern.search(text):
            return found.group(1)
    return None


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
