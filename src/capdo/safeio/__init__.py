"""The one safe reader (and writer) for every file capdo reads or writes.

Every input is hostile until read here: regular files only, inside the directory the user
named, of bounded size, UTF-8, and for YAML without aliases, tags or deep nesting and with
unique keys. Every problem is a :class:`ReadProblem` located at file:line:column.
"""

from __future__ import annotations

from capdo.safeio.files import read_bytes, read_text
from capdo.safeio.jsonl import JsonLine, read_jsonl
from capdo.safeio.limits import Limits, current_limits
from capdo.safeio.problems import ReadError, ReadProblem
from capdo.safeio.write import write_atomic
from capdo.safeio.yamlread import check_yaml, load_yaml_bytes, read_yaml

__all__ = [
    "JsonLine",
    "Limits",
    "ReadError",
    "ReadProblem",
    "check_yaml",
    "current_limits",
    "load_yaml_bytes",
    "read_bytes",
    "read_jsonl",
    "read_text",
    "read_yaml",
    "write_atomic",
]
