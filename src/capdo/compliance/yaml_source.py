"""Load a YAML file into a pydantic model, reporting every problem as ``file:line:column``.

The file is read by the safe reader (:mod:`capdo.safeio`): a regular file inside ``root``,
bounded in size, UTF-8, without aliases, tags or deep nesting; its problems are located like
the others. ruamel.yaml's round-trip loader keeps the position of each key and item; a pydantic
error's ``loc`` (or a semantic problem's path) is walked through the document to the
deepest node that exists, so a missing field points at its parent mapping and a wrong
or unexpected value points at its key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path as FsPath
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from capdo.compliance.problems import LocatedProblem, Path, PathItem, Problem
from capdo.errors import CapdoError
from capdo.safeio import ReadError, ReadProblem, check_yaml, decode_utf8, read_bytes

ModelT = TypeVar("ModelT", bound=BaseModel)


class DataFileError(CapdoError):
    """A data file that could not be loaded; ``problems`` holds every located problem."""

    handled_apart = True

    def __init__(self, problems: Sequence[LocatedProblem]) -> None:
        super().__init__("compliance.error.data-file", count=len(problems))
        self.args = (f"{len(problems)} problem(s)",)  # as before the key
        self.problems = list(problems)


def reader_problem(problem: ReadProblem, name: str | None = None) -> LocatedProblem:
    """A problem of the safe reader as a located compliance problem."""
    return LocatedProblem(
        name or str(problem.file),
        problem.line or 1,
        problem.column or 1,
        Problem((), problem.key, dict(problem.params)),
    )


def read_checked_text(path: FsPath, name: str, root: FsPath | None) -> str:
    """The text of ``path`` once the safe reader accepts it; :class:`DataFileError` if not."""
    try:
        raw = read_bytes(path, root=root)
        text = decode_utf8(raw, path)
        check_yaml(raw, path)
    except ReadError as error:
        raise DataFileError([reader_problem(error.problem, name)]) from None
    return text


def to_plain(node: object) -> object:
    """ruamel round-trip nodes → plain Python values (dict, list, str, int, float, bool, date)."""
    if isinstance(node, dict):
        return {to_plain(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, datetime):
        return datetime.fromisoformat(node.isoformat())
    if isinstance(node, date):
        return date(node.year, node.month, node.day)
    if isinstance(node, str):
        return str(node)
    return node


def _lookup_key(node: CommentedMap, item: PathItem) -> object | None:
    if item in node:
        return item
    for key in node:
        if str(key) == str(item):
            found: object = key
            return found
    return None


def locate(root: object, path: Path) -> tuple[int, int]:
    """1-based (line, column) of the deepest node on ``path`` that exists in ``root``."""
    line, col = 0, 0
    node = root
    for item in path:
        if isinstance(node, CommentedMap):
            key = _lookup_key(node, item)
            if key is None:
                break
            line, col = node.lc.key(key)
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(item, int) and 0 <= item < len(node):
            line, col = node.lc.item(item)
            node = node[item]
        else:
            break
    return line + 1, col + 1


def _render_path(path: Path) -> str:
    out = ""
    for item in path:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else str(item))
    return out


def pydantic_problems(error: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for err in error.errors(include_url=False):
        path: Path = tuple(p for p in err["loc"] if isinstance(p, str | int))
        problems.append(
            Problem(
                path,
                "compliance.schema.invalid",
                {"where": _render_path(path), "detail": err["msg"]},
            )
        )
    return problems


def _load_fast(
    text: str, model: type[ModelT], semantics: Callable[[ModelT], list[Problem]] | None
) -> ModelT | None:
    """The common case, a valid file, parsed by the C loader (no comments, no positions);
    None on any problem, so the caller re-reads the file round-trip to locate it."""
    try:
        data = YAML(typ="safe").load(text)
        if not isinstance(data, dict):
            return None
        result = model.model_validate(to_plain(data))
    except (YAMLError, ValidationError, ValueError, TypeError, OverflowError):
        return None
    if semantics is not None and semantics(result):
        return None
    return result


def load_model(
    path: FsPath,
    model: type[ModelT],
    semantics: Callable[[ModelT], list[Problem]] | None = None,
    display: str | None = None,
    root: FsPath | None = None,
) -> ModelT:
    """Load ``path`` as ``model``; raise :class:`DataFileError` with all problems. A symlink
    must resolve inside ``root`` (the estate or catalogue directory) when it is given."""
    name = display or str(path)
    text = read_checked_text(path, name, root)
    fast = _load_fast(text, model, semantics)
    if fast is not None:
        return fast
    yaml = YAML(typ="rt")
    try:
        document = yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        key = str(exc.problem).split('"')[1] if '"' in str(exc.problem) else ""
        problem = Problem((), "reader.duplicate-key", {"key": key})
        raise DataFileError([LocatedProblem(name, line, col, problem)]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        detail = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        problem = Problem((), "compliance.yaml.syntax", {"detail": detail})
        raise DataFileError([LocatedProblem(name, line, col, problem)]) from None
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        problem = Problem((), "compliance.yaml.syntax", {"detail": str(exc)[:300]})
        raise DataFileError([LocatedProblem(name, 1, 1, problem)]) from None
    if not isinstance(document, CommentedMap):
        problem = Problem((), "compliance.yaml.not-mapping", {})
        raise DataFileError([LocatedProblem(name, 1, 1, problem)])
    try:
        result = model.model_validate(to_plain(document))
    except ValidationError as exc:
        problems = pydantic_problems(exc)
    else:
        problems = semantics(result) if semantics is not None else []
        if not problems:
            return result
    located = [LocatedProblem(name, *locate(document, p.path), p) for p in problems]
    located.sort(key=lambda lp: (lp.line, lp.column))
    raise DataFileError(located)
