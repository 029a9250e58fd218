"""Spreadsheet columns of each object kind, derived from the model (never listed by hand).

A nested object becomes dotted columns (``os.family``, ``a.address``, ``name.vi``); a list of
plain values is one cell, comma-separated. New model fields get their columns automatically.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from capdo.inventory import Endpoint, Link, NetworkDevice, Server, Site

SHEETS: dict[str, type[BaseModel]] = {
    "sites": Site,
    "servers": Server,
    "devices": NetworkDevice,
    "endpoints": Endpoint,
    "links": Link,
}
"""Sheet name -> model; the sheet name is also the estate kind it fills."""


@dataclass(frozen=True)
class Column:
    key: str
    """Dotted path, e.g. ``os.family``; also the header cell."""
    path: tuple[str, ...]
    model: type[BaseModel]
    """The model that owns the last field (for its meaning)."""
    field: str
    is_list: bool
    required: bool
    allowed: tuple[str, ...]
    number: bool = False
    """An int, float or bool field (cells of other fields are read as text)."""


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _allowed(annotation: Any) -> tuple[str, ...]:
    annotation = _strip_optional(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(str(a) for a in typing.get_args(annotation))
    return ()


def columns(
    model: type[BaseModel], prefix: tuple[str, ...] = (), required: bool = True
) -> list[Column]:
    out: list[Column] = []
    for name, info in model.model_fields.items():
        annotation = _strip_optional(info.annotation)
        path = (*prefix, name)
        needed = required and info.is_required()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out.extend(columns(annotation, path, needed))
            continue
        origin = typing.get_origin(annotation)
        is_list = origin in (tuple, list)
        inner = typing.get_args(annotation)[0] if is_list else annotation
        number = _strip_optional(inner) in (int, float, bool)
        key = ".".join(path)
        out.append(Column(key, path, model, name, is_list, needed, _allowed(inner), number))
    return out


def to_cell(value: Any) -> Any:
    """A model value as a cell value (None for empty)."""
    if value is None:
        return None
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value) or None
    if isinstance(value, bool | int | float):
        return value
    return str(value)


def row_of(obj: BaseModel, cols: list[Column]) -> list[Any]:
    cells = []
    for column in cols:
        value: Any = obj
        for part in column.path:
            value = getattr(value, part, None) if value is not None else None
        cells.append(to_cell(value))
    return cells
