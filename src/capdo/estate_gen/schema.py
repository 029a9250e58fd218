"""JSON Schema of every estate file kind, generated from the model (editors validate with it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from capdo.inventory import COLLECTIONS, Estate

FILE_KINDS: tuple[str, ...] = ("estate", *COLLECTIONS)
SCHEMA_ID = "https://capdo.invalid/schema/{kind}.schema.json"


def schema_name(kind: str) -> str:
    return f"{kind}.schema.json"


def kind_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one file kind: ``estate.yml`` is a mapping, the others lists."""
    if kind == "estate":
        schema = TypeAdapter(Estate).json_schema()
    else:
        model = COLLECTIONS[kind]
        schema = TypeAdapter(list[model]).json_schema()  # type: ignore[valid-type]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID.format(kind=kind),
        "title": f"capdo {kind}",
        **schema,
    }


def schema_texts() -> dict[str, str]:
    """File name -> JSON text, for every file kind."""
    return {
        schema_name(kind): json.dumps(kind_schema(kind), ensure_ascii=False, indent=2) + "\n"
        for kind in FILE_KINDS
    }


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
