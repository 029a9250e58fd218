"""The lab's error, carrying a message key of ``messages/lab.yml`` for :func:`capdo.i18n.t`."""

from __future__ import annotations

from capdo.errors import CapdoError


class LabError(CapdoError):
    """A lab error: lab fixtures fail with it and ``capdo lab`` reports it, apart from the
    product's errors."""
