"""Spreadsheets in and out: the inventory template workbook and its import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from capdo.lazy import lazy_exports

if TYPE_CHECKING:
    from capdo.sheets.importer import import_sheets
    from capdo.sheets.template import write_csv_folder, write_template

_WHERE = {
    "import_sheets": "importer",
    "write_csv_folder": "template",
    "write_template": "template",
}


__getattr__ = lazy_exports(__name__, _WHERE)


__all__ = [
    "import_sheets",
    "write_csv_folder",
    "write_template",
]
