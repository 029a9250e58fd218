"""JSON Schema files generated from the models; tests check the committed files are current.

Regenerate with ``python -m capdo.compliance.schema_files [REPO_ROOT]``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from capdo.compliance.catalogue_model import Catalogue
from capdo.compliance.results import result_record_schema

CATALOGUE_SCHEMA_ID = "https://capdo.invalid/schemas/catalogue.schema.json"
CATALOGUE_SCHEMA_PATH = Path("checks") / "catalogue" / "catalogue.schema.json"
RESULT_SCHEMA_PATH = Path("src") / "capdo" / "schemas" / "result-record.schema.json"


def catalogue_schema() -> dict[str, object]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": CATALOGUE_SCHEMA_ID,
        **Catalogue.model_json_schema(),
    }


def render(schema: dict[str, object]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def expected_files() -> dict[Path, str]:
    return {
        CATALOGUE_SCHEMA_PATH: render(catalogue_schema()),
        RESULT_SCHEMA_PATH: render(result_record_schema()),
    }


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path.cwd()
    for relative, text in expected_files().items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(relative)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
