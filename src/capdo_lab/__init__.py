"""Disposable real lab hosts: debootstrap golden image, overlayfs, one netns per host, sshd.

Typical use::

    lab = Lab("demo", Path(".cache/lab"), [LabHostSpec("h1", IPv4Interface("198.18.0.10/24"))])
    lab.up()
    subprocess.run(lab.ssh_argv("h1", "uname", "-a"), check=True)
    lab.down()
"""

from capdo_lab.errors import LabError
from capdo_lab.lab import Lab
from capdo_lab.spec import HostStatus, LabHostSpec, LabStatus, lab_id_for

__all__ = ["HostStatus", "Lab", "LabError", "LabHostSpec", "LabStatus", "lab_id_for"]
