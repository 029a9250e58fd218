"""Disposable real lab hosts: debootstrap golden image, overlayfs, one netns per host, sshd.

Typical use::

    lab = Lab("demo", Path(".cache/lab"), [LabHostSpec("h1", IPv4Interface("198.18.0.10/24"))])
    lab.up()
    subprocess.run(lab.ssh_argv("h1", "uname", "-a"), check=True)
    lab.down()
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capdo.lazy import lazy_exports

if TYPE_CHECKING:
    from capdo_lab.errors import LabError
    from capdo_lab.estate_lab import (
        ENV_FILE,
        EstateLab,
        read_lab_env,
        recorded_estate,
        stop_emulators,
    )
    from capdo_lab.lab import Lab
    from capdo_lab.spec import HostStatus, LabHostSpec, LabStatus, lab_id_for

_WHERE = {
    "LabError": "errors",
    "ENV_FILE": "estate_lab",
    "EstateLab": "estate_lab",
    "read_lab_env": "estate_lab",
    "recorded_estate": "estate_lab",
    "stop_emulators": "estate_lab",
    "Lab": "lab",
    "HostStatus": "spec",
    "LabHostSpec": "spec",
    "LabStatus": "spec",
    "lab_id_for": "spec",
}


__getattr__ = lazy_exports(__name__, _WHERE)


__all__ = [
    "ENV_FILE",
    "EstateLab",
    "HostStatus",
    "Lab",
    "LabError",
    "LabHostSpec",
    "LabStatus",
    "lab_id_for",
    "read_lab_env",
    "recorded_estate",
    "stop_emulators",
]
