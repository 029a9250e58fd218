"""YAML from a hostile file: no aliases, no tags, bounded depth, unique keys; fast when clean.

The structure is checked on the parser's events (C libyaml), stopping at the first alias, tag
or too-deep collection, so an alias bomb or a 10,000-deep document is refused in milliseconds.
Most files cannot hold any of these (no ``&``/``*``/``!`` where a node may start, small
indentation, shallow brackets): a few byte-level scans prove it and the event pass is skipped,
which keeps the large estate files on libyaml's fast path. Duplicate keys are caught while
constructing mappings.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

import yaml

from capdo.safeio.files import decode_utf8, read_bytes
from capdo.safeio.limits import Limits, current_limits
from capdo.safeio.problems import ReadError, ReadProblem

try:  # libyaml is part of every Debian PyYAML build; keep a pure fallback regardless
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_NODE_MARKER: Final = re.compile(rb"(?:^|[\s\[\]{},])[!&*]", re.MULTILINE)
_BRACKETS_ONLY: Final = bytes(b for b in range(256) if b not in b"[]{}")
_INDENT_BOUND: Final = 24
_INDICATOR_BOUND: Final = 12
_FLOW_BOUND: Final = 24
_DEEP_INDENT: Final = b"\n" + b" " * _INDENT_BOUND
_INDICATOR_RUN: Final = re.compile(rb"(?:[-?][ \t]+){%d}" % _INDICATOR_BOUND)
_INDICATOR_PAIRS: Final = (b"--", b"-?", b"?-", b"??")
_OTHER_BREAKS: Final = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
"""NEL, LS and PS: YAML line breaks that the byte scans below do not look for."""


def _flow_depth_within(data: bytes, bound: int) -> bool:
    """Whether the brackets of ``data`` nest at most ``bound`` deep (quotes ignored: an
    over-estimate only sends the file through the exact event check)."""
    brackets = data.translate(None, _BRACKETS_ONLY)
    for _ in range(bound):
        if not brackets:
            return True
        brackets = brackets.replace(b"[]", b"").replace(b"{}", b"")
    return not brackets


def _compact_run(data: bytes) -> bool:
    """Whether a line may nest block collections compactly (``- - - x``, ``? - x``) deeper
    than the bound; only ``-`` and ``?`` can chain on one line (``a: - b`` is not YAML)."""
    squeezed = data.translate(None, b" \t")
    if not any(pair in squeezed for pair in _INDICATOR_PAIRS):
        return False
    return _INDICATOR_RUN.search(data) is not None


def _plainly_safe(data: bytes, limits: Limits) -> bool:
    """True when ``data`` provably has no alias, anchor or tag and nests within the limit:
    block depth is at most 2 × indentation + indicators on one line + 1, plus flow depth."""
    if limits.max_depth < 2 * _INDENT_BOUND + _INDICATOR_BOUND + 1 + _FLOW_BOUND:
        return False
    data = data.removeprefix(b"\xef\xbb\xbf")
    if b"\r" in data:  # a lone CR is a line break too: only CRLF is scanned for
        if b"\r" in data.replace(b"\r\n", b"\n"):
            return False
        data = data.replace(b"\r\n", b"\n")
    if any(other in data for other in _OTHER_BREAKS):
        return False
    if (b"!" in data or b"&" in data or b"*" in data) and _NODE_MARKER.search(data):
        return False
    if _DEEP_INDENT in data or data.startswith(_DEEP_INDENT[1:]) or _compact_run(data):
        return False
    return _flow_depth_within(data, _FLOW_BOUND)


def _problem(rule: str, path: Path, mark: Any, **params: object) -> ReadProblem:
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return ReadProblem(rule, path, line, column, dict(params))


def _syntax(error: yaml.YAMLError, path: Path) -> ReadProblem:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        detail = " ".join(str(p) for p in (error.context, error.problem) if p)
        return _problem("yaml-syntax", path, mark, detail=detail or str(error))
    return ReadProblem("yaml-syntax", path, 1, 1, {"detail": str(error)})


def check_yaml(data: bytes | str, path: Path, limits: Limits | None = None) -> None:
    """Raise :class:`ReadError` at the first alias, explicit tag or too-deep collection."""
    limits = limits or current_limits()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if _plainly_safe(raw, limits):
        return
    depth = 0
    try:
        for event in yaml.parse(raw, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent):
                raise ReadError(_problem("yaml-alias", path, event.start_mark))
            if isinstance(event, yaml.NodeEvent) and getattr(event, "tag", None) is not None:
                tag = str(event.tag)  # type: ignore[attr-defined]
                raise ReadError(_problem("yaml-tag", path, event.start_mark, tag=tag[:80]))
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limits.max_depth:
                    raise ReadError(
                        _problem("too-deep", path, event.start_mark, limit=limits.max_depth)
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as error:
        raise ReadError(_syntax(error, path)) from None


class SafeLoader(_BaseLoader):
    """libyaml safe loading; a duplicate key is a marked error. Merge keys (``<<``) are not
    expanded: like aliases, they have no place in capdo's data files."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping node, but found {node.id}", node.start_mark
            )
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in mapping
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found unhashable key",
                    key_node.start_mark,
                ) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {str(key)[:80]!r}", key_node.start_mark
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


class _LocatingLoader(SafeLoader):
    """:class:`SafeLoader` whose scalar constructors turn a bad value (a date that does not
    exist, an integer of 5,000 digits) into a marked error; only used to locate one."""

    def _guarded(self, method: Any, node: yaml.ScalarNode) -> Any:
        try:
            return method(self, node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, str(exc)[:200], node.start_mark
            ) from None

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        return self._guarded(_BaseLoader.construct_yaml_int, node)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        return self._guarded(_BaseLoader.construct_yaml_float, node)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        return self._guarded(_BaseLoader.construct_yaml_timestamp, node)


for _tag in ("int", "float", "timestamp"):
    _LocatingLoader.add_constructor(
        f"tag:yaml.org,2002:{_tag}", getattr(_LocatingLoader, f"construct_yaml_{_tag}")
    )


def _duplicate(error: yaml.MarkedYAMLError) -> bool:
    return str(error.problem or "").startswith("duplicate key")


def load_yaml_bytes(data: bytes, path: Path, limits: Limits | None = None) -> object:
    """Check then load one YAML document (``data`` already read by :func:`read_bytes`)."""
    limits = limits or current_limits()
    decode_utf8(data, path)  # located error on a bad byte; libyaml only says "invalid"
    check_yaml(data, path, limits)
    try:
        try:
            return yaml.load(data, Loader=SafeLoader)
        except (ValueError, OverflowError):  # a bad scalar: load again to locate it
            return yaml.load(data, Loader=_LocatingLoader)
    except yaml.MarkedYAMLError as error:
        if _duplicate(error):
            key = str(error.problem)[len("duplicate key ") :]
            raise ReadError(_problem("duplicate-key", path, error.problem_mark, key=key)) from None
        raise ReadError(_syntax(error, path)) from None
    except yaml.YAMLError as error:
        raise ReadError(_syntax(error, path)) from None
    except RecursionError:
        raise ReadError(ReadProblem("too-deep", path, 1, 1, {"limit": limits.max_depth})) from None


def read_yaml(path: Path, *, root: Path | None = None, limits: Limits | None = None) -> object:
    """Read and load one YAML file through every check of the safe reader."""
    limits = limits or current_limits()
    return load_yaml_bytes(read_bytes(path, root=root, limits=limits), path, limits)


def locate(raw: bytes, path: tuple[str | int, ...]) -> tuple[int, int]:
    """1-based (line, column) of the deepest node of ``path`` present in the document ``raw``
    (already accepted by :func:`load_yaml_bytes`)."""
    return locate_in(yaml.compose(raw, Loader=SafeLoader), path)


def locate_in(node: yaml.Node | None, path: tuple[str | int, ...]) -> tuple[int, int]:
    """1-based (line, column) of the deepest node of ``path`` below ``node``."""
    if node is None:
        return 1, 1
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    for step in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(step):
                    child = value_node
                    line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(step, int)
            and 0 <= step < len(node.value)
        ):
            child = node.value[step]
            line, column = child.start_mark.line + 1, child.start_mark.column + 1
        if child is None:
            break
        node = child
    return line, column
