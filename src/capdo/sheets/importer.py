"""``capdo inventory import FILE.xlsx|DIR --into ESTATE``: objects from a spreadsheet.

Every sheet (or ``<kind>.csv`` file) that is present replaces that kind in the estate; the
other kinds stay. Each problem is located as ``sheet!cell`` with a message and a hint (vi/en):
unknown sheets or columns, values of the wrong type, and every estate rule (references,
addresses, ...) run on the estate as it would be after the import. Nothing is written while
there is an error. The spreadsheet is untrusted input: only cell values are read (formulas
are not evaluated, macros are never run), and sizes are bounded.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ValidationError

from capdo.errors import CapdoError
from capdo.estate_gen import DEFAULT_SCHEMA_DIR, dump_yaml, schema_comment, write_schemas
from capdo.i18n import Lang, t
from capdo.inventory import Finding, Origin, load_estate
from capdo.sheets.columns import SHEETS, Column, columns

MAX_ROWS = 200_000
MAX_CELL = 10_000
HEADER = "# Written by capdo inventory import from {source}.\n"


@dataclass(frozen=True)
class Problem:
    where: str
    """``sheet!cell`` (``sheet!A1`` style), or ``sheet`` for a whole sheet."""
    message: str
    hint: str


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    """(spreadsheet row number, cell values), empty rows left out."""


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    objects: dict[str, int] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)


def _text(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) > MAX_CELL:
            return value[:MAX_CELL]
        return value.strip()
    return value


def read_sheets(source: Path) -> list[Sheet]:
    if source.is_dir():
        return [_csv_sheet(path) for path in sorted(source.glob("*.csv"))]
    if not source.is_file():
        raise CapdoError("sheets.error.no-input", path=source)
    try:
        book = load_workbook(source, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds on a broken or foreign file
        raise CapdoError("sheets.error.unreadable", path=source, detail=error) from None
    sheets = []
    try:
        for ws in book.worksheets:
            rows = ws.iter_rows(values_only=True)
            header = [str(_text(v) or "") for v in next(rows, ())]
            data = []
            for number, row in enumerate(rows, start=2):
                if number > MAX_ROWS:
                    raise CapdoError("sheets.error.too-many-rows", sheet=ws.title, most=MAX_ROWS)
                values = [_text(v) for v in row]
                if any(v not in (None, "") for v in values):
                    data.append((number, values))
            sheets.append(Sheet(ws.title, header, data))
    finally:
        book.close()
    return sheets


def _csv_sheet(path: Path) -> Sheet:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            data = []
            for number, row in enumerate(reader, start=2):
                if number > MAX_ROWS:
                    raise CapdoError("sheets.error.too-many-rows", sheet=path.stem, most=MAX_ROWS)
                values: list[Any] = [_text(v) for v in row]
                if any(v not in (None, "") for v in values):
                    data.append((number, values))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CapdoError("sheets.error.unreadable", path=path, detail=error) from None
    return Sheet(path.stem, header, data)


def _set(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def _value(column: Column, raw: Any) -> Any:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a spreadsheet's 12.0 typed as 12
    if column.is_list:
        return [part.strip() for part in str(raw).split(",") if part.strip()]
    if not column.number and not isinstance(raw, str):
        return str(raw)  # e.g. an OS version typed as a number
    return raw


@dataclass
class _Placed:
    sheet: Sheet
    cols: dict[str, int]
    """Column key -> 1-based column number."""
    rows: list[int]
    """Spreadsheet row of each object, in list order."""


def _cell(placed: _Placed, index: int, path: tuple[str | int, ...]) -> str:
    row = placed.rows[index] if 0 <= index < len(placed.rows) else 1
    parts = [str(p) for p in path if not isinstance(p, int)]
    for n in range(len(parts), 0, -1):
        key = ".".join(parts[:n])
        if key in placed.cols:
            return f"{placed.sheet.name}!{get_column_letter(placed.cols[key])}{row}"
    return f"{placed.sheet.name}!A{row}"


def _objects(
    sheet: Sheet, model: type[BaseModel], lang: Lang, problems: list[Problem]
) -> tuple[list[dict[str, Any]], _Placed]:
    cols = {c.key: c for c in columns(model)}
    positions: dict[str, int] = {}
    for n, key in enumerate(sheet.header, start=1):
        if not key:
            continue
        if key not in cols:
            problems.append(
                Problem(
                    f"{sheet.name}!{get_column_letter(n)}1",
                    t("sheets.error.column", lang, column=key),
                    t("sheets.error.column.hint", lang, columns=", ".join(cols)),
                )
            )
        elif key in positions:
            problems.append(
                Problem(
                    f"{sheet.name}!{get_column_letter(n)}1",
                    t("sheets.error.column-twice", lang, column=key),
                    t("sheets.error.column.hint", lang, columns=", ".join(cols)),
                )
            )
        else:
            positions[key] = n
    placed = _Placed(sheet, positions, [])
    objects = []
    for number, values in sheet.rows:
        obj: dict[str, Any] = {}
        for key, n in positions.items():
            raw = values[n - 1] if n - 1 < len(values) else None
            if raw in (None, ""):
                continue
            _set(obj, cols[key].path, _value(cols[key], raw))
        objects.append(obj)
        placed.rows.append(number)
    return objects, placed


def _schema_problems(
    kind: str, objects: list[dict[str, Any]], placed: _Placed, lang: Lang, problems: list[Problem]
) -> None:
    model = SHEETS[kind]
    for index, obj in enumerate(objects):
        try:
            model.model_validate(obj)
        except ValidationError as error:
            for item in error.errors(include_url=False):
                loc = tuple(item["loc"])
                finding = Finding(
                    "schema",
                    Origin(Path(kind), loc),
                    {
                        "field": ".".join(str(p) for p in loc) or "-",
                        "error_type": item["type"],
                        "error_ctx": item.get("ctx"),
                    },
                    detail=item["msg"],
                )
                problems.append(
                    Problem(_cell(placed, index, loc), finding.message(lang), finding.hint(lang))
                )


def _stage(estate: Path, staged: Path, kinds: dict[str, list[dict[str, Any]]]) -> None:
    shutil.copytree(estate, staged, symlinks=True)
    for kind, objects in kinds.items():
        for stale in (staged / f"{kind}.yml", staged / f"{kind}.yaml", staged / kind):
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()
        # JSON is YAML too, and much faster to write; findings map back by list index
        (staged / f"{kind}.yml").write_text(
            json.dumps(objects, ensure_ascii=False), encoding="utf-8"
        )


def _rule_problems(staged: Path, placed: dict[str, _Placed], lang: Lang) -> Iterator[Problem]:
    result = load_estate(staged)
    for finding in result.findings:
        if finding.severity != "error":
            continue
        file = finding.origin.file
        kind = file.stem if file.parent == staged else ""
        path = finding.origin.path
        if kind in placed and path and isinstance(path[0], int):
            where = _cell(placed[kind], path[0], path[1:])
        else:
            where = finding.location(staged)
        yield Problem(where, finding.message(lang), finding.hint(lang))


def schema_dir_of(estate: Path) -> str:
    """Where the estate's files find their JSON Schemas: what estate.yml's comment says, else
    a ``.schema`` folder written into the estate."""
    try:
        with (estate / "estate.yml").open(encoding="utf-8") as handle:
            for line in handle:
                if not line.startswith("#"):
                    break
                if "yaml-language-server: $schema=" in line:
                    target = line.split("$schema=", 1)[1].strip()
                    return target.rsplit("/", 1)[0] if "/" in target else "."
    except (OSError, UnicodeDecodeError):
        pass
    if not (estate / DEFAULT_SCHEMA_DIR).is_dir():
        write_schemas(estate / DEFAULT_SCHEMA_DIR)
    return DEFAULT_SCHEMA_DIR


def import_sheets(source: Path, estate: Path, lang: Lang) -> ImportResult:
    """Check everything first; write the kinds only when there is no error at all."""
    result = ImportResult()
    if not (estate / "estate.yml").is_file():
        raise CapdoError("sheets.error.no-estate", path=estate)
    kinds: dict[str, list[dict[str, Any]]] = {}
    placed: dict[str, _Placed] = {}
    for sheet in read_sheets(source):
        if sheet.name not in SHEETS:
            if sheet.name != "huong-dan":
                result.problems.append(
                    Problem(
                        sheet.name,
                        t("sheets.error.sheet", lang, sheet=sheet.name),
                        t("sheets.error.sheet.hint", lang, sheets=", ".join(SHEETS)),
                    )
                )
            continue
        objects, where = _objects(sheet, SHEETS[sheet.name], lang, result.problems)
        _schema_problems(sheet.name, objects, where, lang, result.problems)
        kinds[sheet.name], placed[sheet.name] = objects, where
    if not kinds and not result.problems:
        raise CapdoError("sheets.error.nothing", path=source)
    if result.problems:
        return result
    with tempfile.TemporaryDirectory(prefix="capdo-import-") as tmp:
        staged = Path(tmp) / "estate"
        _stage(estate, staged, kinds)
        result.problems.extend(_rule_problems(staged, placed, lang))
    if result.problems:
        return result
    schema_dir = schema_dir_of(estate)
    for kind, objects in kinds.items():
        for stale in (estate / f"{kind}.yml", estate / f"{kind}.yaml", estate / kind):
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()
        path = estate / f"{kind}.yml"
        header = HEADER.format(source=source.name) + schema_comment(kind, schema_dir, 0)
        path.write_text(header + dump_yaml(objects), encoding="utf-8")
        result.written.append(path)
        result.objects[kind] = len(objects)
    return result
