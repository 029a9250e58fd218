"""The one safe reader (and writer) for every file capdo reads or writes.

Every input is hostile until read here: regular files only, inside the directory the user
named, of bounded size, UTF-8, and for YAML without aliases, tags or deep nesting and with
unique keys. Every problem is a :class:`ReadProblem` located at file:line:column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capdo.lazy import lazy_exports

if TYPE_CHECKING:
    from capdo.safeio.files import decode_utf8, inside, read_bytes, read_text
    from capdo.safeio.jsonl import JsonLine, read_jsonl
    from capdo.safeio.limits import ENV_MAX_FILE_SIZE, Limits, current_limits, parse_size
    from capdo.safeio.problems import OPERATIONAL_RULES, ReadError, ReadProblem
    from capdo.safeio.write import atomic_open, write_atomic
    from capdo.safeio.yamlread import (
        SafeLoader,
        check_yaml,
        load_yaml_bytes,
        locate,
        locate_in,
        read_yaml,
    )

_WHERE = {
    "decode_utf8": "files",
    "inside": "files",
    "read_bytes": "files",
    "read_text": "files",
    "JsonLine": "jsonl",
    "read_jsonl": "jsonl",
    "ENV_MAX_FILE_SIZE": "limits",
    "Limits": "limits",
    "current_limits": "limits",
    "parse_size": "limits",
    "OPERATIONAL_RULES": "problems",
    "ReadError": "problems",
    "ReadProblem": "problems",
    "atomic_open": "write",
    "write_atomic": "write",
    "SafeLoader": "yamlread",
    "check_yaml": "yamlread",
    "load_yaml_bytes": "yamlread",
    "locate": "yamlread",
    "locate_in": "yamlread",
    "read_yaml": "yamlread",
}


__getattr__ = lazy_exports(__name__, _WHERE)


__all__ = [
    "ENV_MAX_FILE_SIZE",
    "OPERATIONAL_RULES",
    "JsonLine",
    "Limits",
    "ReadError",
    "ReadProblem",
    "SafeLoader",
    "atomic_open",
    "check_yaml",
    "current_limits",
    "decode_utf8",
    "inside",
    "load_yaml_bytes",
    "locate",
    "locate_in",
    "parse_size",
    "read_bytes",
    "read_jsonl",
    "read_text",
    "read_yaml",
    "write_atomic",
]
