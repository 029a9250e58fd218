"""The error of the OpenSCAP wrapper: a message key and its parameters (``messages/scap.yml``)."""

from __future__ import annotations

from capdo.errors import CapdoError


class ScapError(CapdoError):
    """A scan-side error: the scan records it as the target's error and goes on with the others
    (a timeout is retried), so callers catch it apart from the other errors."""
