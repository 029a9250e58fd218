"""Spreadsheets in and out: the inventory template workbook and its import."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from capdo.sheets.importer import import_sheets
    from capdo.sheets.template import write_csv_folder, write_template

_WHERE = {
    "import_sheets": "importer",
    "write_csv_folder": "template",
    "write_template": "template",
}


def __getattr__(name: str) -> object:
    """Public names, imported on first use (``capdo --version`` stays fast)."""
    if name in _WHERE:
        return getattr(importlib.import_module(f"capdo.sheets.{_WHERE[name]}"), name)
    raise AttributeError(name)


__all__ = [
    "import_sheets",
    "write_csv_folder",
    "write_template",
]
