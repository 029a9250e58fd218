"""What a vendor file writer receives: a frozen, checked view of one provisioning file.

The writers of :mod:`capdo.endpoints.vendors` used to take a ``dict[str, str]``; nothing said
which keys a file could hold, and a Poly key outside the known parameter groups was dropped
from the XML without a word. A :class:`FileView` is built once per file and checked:

- every key is a vendor parameter name (letters, digits, ``_`` and dots, starting with a
  letter) and appears once;
- every value and the header are one line (control and invisible characters removed, the
  same wall the writers applied themselves);
- for Poly, every key belongs to one of the parameter groups the XML file is made of.

Building a view with a bad key raises :class:`pydantic.ValidationError`: a programming error
in a vendor mapping, never user input (user strings are values, and those are made safe).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from capdo.inventory import unsafe_char

Vendor = Literal["yealink", "poly"]

POLY_GROUPS = ("reg", "sec", "tcpIpApp", "device", "httpd", "diags", "call", "video")
"""The Poly parameter groups, in the order the XML file lists them (one element each)."""

_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")


def one_line(value: str) -> str:
    """``value`` without control or invisible characters: a value can never start a new line
    (and so a new key) of a provisioning file, nor hide text from its reader. The model
    already refuses such strings; this is the second wall at the file format."""
    while (bad := unsafe_char(value)) is not None:
        value = value.replace(bad, "")
    return value


def _parameter_name(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a parameter name: {key!r}")
    return key


OneLine = Annotated[str, AfterValidator(one_line)]
ParameterName = Annotated[str, AfterValidator(_parameter_name)]


class Setting(BaseModel):
    """One ``key = value`` of a provisioning file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: ParameterName
    value: OneLine

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0]


class FileView(BaseModel):
    """One provisioning file of one vendor: its header line and its settings, in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    vendor: Vendor
    header: OneLine
    settings: tuple[Setting, ...]

    @model_validator(mode="after")
    def _keys_belong(self) -> Self:
        keys = [s.key for s in self.settings]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(f"keys repeated: {', '.join(repeated)}")
        if self.vendor == "poly":
            stray = [s.key for s in self.settings if s.group not in POLY_GROUPS]
            if stray:
                raise ValueError(f"keys outside the Poly parameter groups: {', '.join(stray)}")
        return self

    @classmethod
    def of(cls, vendor: Vendor, header: str, keys: Mapping[str, str]) -> FileView:
        """The checked view of ``keys`` (a vendor mapping's output, in file order)."""
        return cls(
            vendor=vendor,
            header=header,
            settings=tuple(Setting(key=k, value=v) for k, v in keys.items()),
        )

    def group(self, name: str) -> Iterator[Setting]:
        """The settings of one parameter group, in order."""
        return (s for s in self.settings if s.group == name)
