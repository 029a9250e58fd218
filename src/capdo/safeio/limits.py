"""Limits of the safe reader: size per file, nesting depth, length of a JSONL line.

The size cap is set with ``$CAPDO_MAX_FILE_SIZE`` (bytes, or with a K/M/G suffix) or the
``capdo --max-file-size`` option; the default holds a national estate's largest file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Final

ENV_MAX_FILE_SIZE: Final = "CAPDO_MAX_FILE_SIZE"
DEFAULT_MAX_BYTES: Final = 64 * 1024 * 1024
DEFAULT_MAX_DEPTH: Final = 100
DEFAULT_MAX_LINE_BYTES: Final = 4 * 1024 * 1024

_SIZE: Final = re.compile(r"^\s*(\d+)\s*([kmg]i?b?)?\s*$", re.IGNORECASE)
_UNITS: Final = {"k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(text: str) -> int:
    """'64M' → 67108864; raises ValueError on anything else."""
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(text)
    unit = (match.group(2) or "").lower()[:1]
    return int(match.group(1)) * _UNITS.get(unit, 1)


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES


def current_limits() -> Limits:
    """The limits in force (the environment is read on every call: tests and options set it)."""
    raw = os.environ.get(ENV_MAX_FILE_SIZE)
    if raw:
        try:
            return Limits(max_bytes=max(1, parse_size(raw)))
        except ValueError:
            pass
    return Limits()
