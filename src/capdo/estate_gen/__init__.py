"""Estates from a short description: ``capdo estate new DESCRIPTION --out DIR``.

``description`` holds the description file's model, ``build`` expands one province into the
estate's collections, ``write`` writes them as plain YAML (with the editor schema comment).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capdo.lazy import lazy_exports

if TYPE_CHECKING:
    from capdo.estate_gen.description import DescriptionFileError, load_description
    from capdo.estate_gen.reference import meaning, write_docs
    from capdo.estate_gen.schema import write_schemas
    from capdo.estate_gen.write import DEFAULT_SCHEMA_DIR, dump_yaml, generate, schema_comment

_WHERE = {
    "DescriptionFileError": "description",
    "load_description": "description",
    "meaning": "reference",
    "write_docs": "reference",
    "write_schemas": "schema",
    "DEFAULT_SCHEMA_DIR": "write",
    "dump_yaml": "write",
    "generate": "write",
    "schema_comment": "write",
}


__getattr__ = lazy_exports(__name__, _WHERE)


__all__ = [
    "DEFAULT_SCHEMA_DIR",
    "DescriptionFileError",
    "dump_yaml",
    "generate",
    "load_description",
    "meaning",
    "schema_comment",
    "write_docs",
    "write_schemas",
]
