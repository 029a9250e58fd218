"""``capdo inventory template``: a workbook with one sheet per object kind and instructions.

Without an estate the sheets hold only their headers (a note on each says what the column
means and which values are allowed); with ``--inventory`` they hold the estate's objects, so
that export → edit → import is a round trip.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from capdo.estate_gen import meaning
from capdo.i18n import t
from capdo.inventory import Inventory
from capdo.sheets.columns import SHEETS, columns, row_of

INSTRUCTIONS = "huong-dan"
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
MAX_ROWS = 20000
"""Rows covered by the drop-down lists of allowed values."""


def write_template(path: Path, inventory: Inventory | None = None) -> None:
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = INSTRUCTIONS
    for n, key in enumerate(
        ["sheets.guide." + k for k in ("title", "1", "2", "3", "4", "5", "6", "7")], start=1
    ):
        guide.cell(row=n, column=1, value=t(key, "vi"))
    guide.cell(row=1, column=1).font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 120
    for sheet_name, model in SHEETS.items():
        sheet = book.create_sheet(sheet_name)
        cols = columns(model)
        for c, column in enumerate(cols, start=1):
            cell = sheet.cell(row=1, column=c, value=column.key)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            note = meaning(column.model, column.field) or ""
            if column.allowed:
                note += "\n" + t("sheets.allowed", "vi") + ": " + ", ".join(column.allowed)
            if column.required:
                note += "\n" + t("sheets.required", "vi")
            if column.is_list:
                note += "\n" + t("sheets.list", "vi")
            cell.comment = Comment(note.strip(), "capdo")
            sheet.column_dimensions[get_column_letter(c)].width = max(12, len(column.key) + 4)
            if column.allowed and len(",".join(column.allowed)) < 250:
                letter = get_column_letter(c)
                check = DataValidation(type="list", formula1=f'"{",".join(column.allowed)}"')
                check.add(f"{letter}2:{letter}{MAX_ROWS}")
                sheet.add_data_validation(check)
        sheet.freeze_panes = "A2"
        if inventory is not None:
            for number, obj in enumerate(getattr(inventory, sheet_name), start=2):
                for c, value in enumerate(row_of(obj, cols), start=1):
                    cell = sheet.cell(row=number, column=c, value=value)
                    if isinstance(value, str) and value.startswith("="):
                        cell.data_type = "s"  # text, never a formula
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def write_csv_folder(folder: Path, inventory: Inventory | None = None) -> None:
    """The same sheets as ``<kind>.csv`` files (UTF-8 with BOM, for spreadsheet programs)."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet_name, model in SHEETS.items():
        cols = columns(model)
        with (folder / f"{sheet_name}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.key for c in cols])
            if inventory is not None:
                for obj in getattr(inventory, sheet_name):
                    writer.writerow(["" if v is None else v for v in row_of(obj, cols)])
