"""The OpenSCAP wrapper: SSG content, scans (local, SSH, chroot), ARF parsing, mapping.

- :mod:`capdo.scap.content` fetches the SCAP Security Guide content into a cache without
  touching the machine's apt configuration, and picks the data stream for a target's OS;
- :mod:`capdo.scap.profiles` chooses the profile for a security level (per estate);
- :mod:`capdo.scap.tailoring` writes the XCCDF tailoring file (filesystem walkers skipped);
- :mod:`capdo.scap.runner` runs ``oscap`` locally, through ``oscap-ssh`` or on a chroot;
- :mod:`capdo.scap.arf` parses ARF / XCCDF result files safely into rule results;
- :mod:`capdo.scap.mapping` turns rule results into capdo result records;
- :mod:`capdo.scap.fix` writes an Ansible playbook of the failures, for review only;
- :mod:`capdo.scap.scan` ties these together for the targets of an estate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capdo.lazy import lazy_exports

if TYPE_CHECKING:
    from capdo.scap.errors import ScapError
    from capdo.scap.scan import Scanner, ScanOptions, TargetScan, select_servers
    from capdo.scap.setup import ScanSetup, prepare

_WHERE = {
    "ScapError": "errors",
    "ScanOptions": "scan",
    "Scanner": "scan",
    "TargetScan": "scan",
    "select_servers": "scan",
    "ScanSetup": "setup",
    "prepare": "setup",
}


__getattr__ = lazy_exports(__name__, _WHERE)


__all__ = [
    "ScanOptions",
    "ScanSetup",
    "Scanner",
    "ScapError",
    "TargetScan",
    "prepare",
    "select_servers",
]
