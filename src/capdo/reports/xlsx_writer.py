"""A small streaming XLSX (SpreadsheetML) writer: inline strings, one header style, frozen
header row, column widths and an autofilter.

openpyxl's write-only mode spends about 4 µs per cell; a findings sheet of 1,000 targets ×
150 requirements has two million cells, so the workbook is written here directly (zip of
XML parts, rows streamed to the archive). The files open in Excel, LibreOffice and openpyxl
(the tests re-open them with openpyxl).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO
from xml.sax.saxutils import escape

from capdo.reports.text import clean

Value = str | int | float | bool | date | None
_EPOCH = date(1899, 12, 30)
_MAX_CELL = 32_767

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
{sheets}</Types>"""
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font></fonts>\
<fills count="3"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FF0D3B66"/></patternFill></fill></fills>\
<borders count="1"><border/></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>\
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(value: Value) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, str):
        text = escape(clean(value[:_MAX_CELL]))
        return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c><v>{value}</v></c>"
    day = value.date() if isinstance(value, datetime) else value
    return f'<c s="2"><v>{(day - _EPOCH).days}</v></c>'


class _Sheet:
    def __init__(self, stream: IO[bytes], headers: Sequence[str], widths: Sequence[int]) -> None:
        self._out = stream
        self._row = 1
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        self._last = column_letter(len(headers))
        head = "".join(f'<c t="inlineStr" s="1"><is><t>{escape(h)}</t></is></c>' for h in headers)
        self._out.write(
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                f"<cols>{cols}</cols><sheetData>"
                f'<row r="1">{head}</row>'
            ).encode()
        )

    def rows(self, rows: Iterable[Sequence[Value]]) -> None:
        chunk: list[str] = []
        for row in rows:
            self._row += 1
            chunk.append(f'<row r="{self._row}">{"".join(map(_cell, row))}</row>')
            if len(chunk) >= 2000:
                self._out.write("".join(chunk).encode())
                chunk.clear()
        if chunk:
            self._out.write("".join(chunk).encode())

    def close(self) -> None:
        self._out.write(
            f'</sheetData><autoFilter ref="A1:{self._last}{self._row}"/></worksheet>'.encode()
        )
        self._out.close()


class XlsxWriter:
    """``with XlsxWriter(path) as book: sheet = book.sheet(title, headers, widths); ...``"""

    def __init__(self, path: Path | IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._titles: list[str] = []
        self._open: _Sheet | None = None

    def sheet(self, title: str, headers: Sequence[str], widths: Sequence[int]) -> _Sheet:
        if self._open is not None:
            self._open.close()
        self._titles.append(title[:31])
        name = f"xl/worksheets/sheet{len(self._titles)}.xml"
        self._open = _Sheet(self._zip.open(name, "w", force_zip64=True), headers, widths)
        return self._open

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
            self._open = None
        n = len(self._titles)
        sheets = "".join(_SHEET_TYPE.format(n=i) for i in range(1, n + 1))
        self._zip.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=sheets))
        self._zip.writestr("_rels/.rels", _ROOT_RELS)
        self._zip.writestr("xl/styles.xml", _STYLES)
        entries = "".join(
            f'<sheet name="{escape(t, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, t in enumerate(self._titles, start=1)
        )
        self._zip.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{entries}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        styles_id = n + 1
        rels += (
            f'<Relationship Id="rId{styles_id}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        )
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        self._zip.close()

    def __enter__(self) -> XlsxWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
