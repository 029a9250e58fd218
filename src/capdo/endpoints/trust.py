"""Which certificate authority the endpoint probes trust before they send credentials.

The estate names its CA certificate (``endpoint_ca`` in estate.yml, a path inside the estate
directory); ``--ca`` on the command line replaces it. Without either, the system's trust store
decides. ``--insecure`` is the explicit opt-out: credentials then go over TLS whose peer is not
verified, and every record of that run says so.
"""

from __future__ import annotations

from pathlib import Path

from capdo.errors import CapdoError
from capdo.inventory import Estate


def estate_ca_file(estate: Estate, root: Path) -> Path | None:
    """The estate's CA certificate, resolved inside the estate directory (CapdoError when
    it points outside or is not a regular file)."""
    if estate.endpoint_ca is None:
        return None
    base = root.resolve()
    path = (base / estate.endpoint_ca).resolve()
    if not path.is_relative_to(base):
        raise CapdoError("endpoints.error.ca-outside", path=estate.endpoint_ca, estate=root)
    return path


def ca_file_for(estate: Estate, root: Path, cli_ca: Path | None) -> tuple[str | None, bool]:
    """The CA file to verify endpoints with (``--ca``, else the estate's, else None: the
    system trust store) and whether it is readable. An unreadable CA is not replaced by
    another: every endpoint then fails verification and gets no credential."""
    path = cli_ca if cli_ca is not None else estate_ca_file(estate, root)
    if path is None:
        return None, True
    return str(path), path.is_file()
