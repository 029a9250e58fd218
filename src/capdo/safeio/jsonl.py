"""JSON Lines from a hostile file: streamed with a bounded line length, each line checked.

A line that is not UTF-8, not JSON, too deep, too long or that repeats a key in one object
becomes a located :class:`ReadProblem` and reading goes on with the next line; a file that
cannot be read at all (missing, FIFO, device, directory) raises :class:`ReadError`. The whole
file has no size cap (result files of a national estate are large): memory is bounded by
the line cap.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from capdo.safeio.files import bad_utf8, open_regular
from capdo.safeio.limits import Limits, current_limits
from capdo.safeio.problems import ReadProblem


@dataclass(frozen=True, slots=True)
class JsonLine:
    line: int
    value: object


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_unique, parse_constant=_no_constant)


def _parse(raw: bytes, number: int, path: Path, limits: Limits) -> JsonLine | ReadProblem:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return bad_utf8(raw, exc.start, path, line_base=number)
    text = text.rstrip("\r\n")
    if number == 1 and text.startswith("\ufeff"):
        text = text[1:]
    try:
        return JsonLine(number, _DECODER.decode(text))
    except _DuplicateKeyError as exc:
        needle = json.dumps(exc.key, ensure_ascii=False)
        first = text.find(needle)
        second = text.find(needle, first + 1) if first >= 0 else -1
        return ReadProblem(
            "duplicate-key", path, number, second + 1 if second >= 0 else 1, {"key": exc.key[:80]}
        )
    except json.JSONDecodeError as exc:
        return ReadProblem("json-syntax", path, number, exc.colno, {"detail": exc.msg})
    except RecursionError:
        return ReadProblem("too-deep", path, number, 1, {"limit": limits.max_depth})
    except ValueError as exc:
        return ReadProblem("json-syntax", path, number, 1, {"detail": str(exc)[:200]})


def read_jsonl(
    path: Path, *, root: Path | None = None, limits: Limits | None = None
) -> Iterator[JsonLine | ReadProblem]:
    """Each non-blank line as a :class:`JsonLine`, or the located problem of that line."""
    limits = limits or current_limits()
    fd = open_regular(path, root=root, limits=limits)
    with os.fdopen(fd, "rb") as handle:
        number = 0
        while True:
            raw = handle.readline(limits.max_line_bytes + 1)
            if not raw:
                return
            number += 1
            if len(raw) > limits.max_line_bytes and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest, chunk by chunk
                    raw = handle.readline(limits.max_line_bytes)
                yield ReadProblem(
                    "line-too-long", path, number, 1, {"limit": limits.max_line_bytes}
                )
                continue
            if raw.strip():
                yield _parse(raw, number, path, limits)
