"""Lines a real device does not display because they are its defaults.

``show running-config`` (IOS) and ``display current-configuration`` (VRP) leave out settings
that are at their factory value. An intended config that lists them never converges, and an
audit that requires them fails a compliant device. This catalogue (from each vendor's command
reference: the "Default" section of each command) says which lines are defaults, so that

* the diff drops them from both sides,
* the audit reads them as present unless the device shows another value or the negation,
* the emulated devices hide them as real ones do.

``key`` is the setting's name: a displayed line starting with it (another value, or the
negation) means the default does not apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Default:
    line: str
    key: str
    section: str | None = None
    """Regex of the section the line lives in (None: top level)."""


DEFAULTS: dict[str, tuple[Default, ...]] = {
    "cisco_ios": (
        # logging trap: default severity informational (6)
        Default("logging trap informational", "logging trap"),
        # ip ssh authentication-retries: default 3
        Default("ip ssh authentication-retries 3", "ip ssh authentication-retries"),
        # login authentication: the "default" method list applies when none is named
        Default("login authentication default", "login authentication", r"^line (vty|con)"),
        # logging on, console/monitor logging on by default
        Default("logging on", "logging on"),
    ),
    "huawei_vrp": (
        # info-center: enabled by default; "undo info-center enable" is displayed when off
        Default("info-center enable", "info-center enable"),
        # aaa: the default authentication scheme exists and applies to the default domain
        Default("authentication-scheme default", "authentication-scheme default", r"^aaa$"),
    ),
    "huawei_usg": (
        Default("info-center enable", "info-center enable"),
        Default("authentication-scheme default", "authentication-scheme default", r"^aaa$"),
    ),
    "fortinet": (),
}


def negation(platform: str) -> str:
    return "undo " if platform.startswith("huawei") else "no "


def is_default(platform: str, line: str, section: str | None) -> bool:
    """True for a default line (hidden by the device) at this place."""
    for item in DEFAULTS.get(platform, ()):
        if item.line != line.strip():
            continue
        if item.section is None and section is None:
            return True
        if item.section is not None and section is not None and re.search(item.section, section):
            return True
    return False
