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

from capdo.scap.errors import ScapError

__all__ = ["ScapError"]
