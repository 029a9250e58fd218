"""Reading an estate directory's YAML files fast, and locating paths in them on demand.

Valid estates are parsed once with libyaml (PyYAML's C loader). Line and column numbers are
only needed for findings, so a file is composed into nodes (which carry marks) the first time a
finding inside it must be located, and that node tree is then reused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from capdo.inventory.findings import Finding, Origin, YamlPath

try:  # libyaml is part of every Debian PyYAML build; keep a pure fallback regardless
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class _StrictLoader(_Loader):
    """Safe loading, with duplicate keys left to the node walk (they are rare)."""


@dataclass
class SourceFile:
    path: Path
    data: object
    _nodes: yaml.Node | None = field(default=None, repr=False)

    def node(self) -> yaml.Node | None:
        if self._nodes is None:
            with self.path.open("rb") as handle:
                self._nodes = yaml.compose(handle, Loader=_Loader)
        return self._nodes

    def locate(self, path: YamlPath) -> tuple[int, int]:
        """1-based line and column of the deepest node of ``path`` present in the file."""
        node = self.node()
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


class SourceSet:
    """The parsed files of one estate directory, for locating findings."""

    def __init__(self) -> None:
        self.files: dict[Path, SourceFile] = {}

    def read(self, path: Path) -> SourceFile | Finding:
        """Parse one YAML file; a syntax error becomes a finding with the parser's mark."""
        try:
            with path.open("rb") as handle:
                data = yaml.load(handle, Loader=_StrictLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            detail = " ".join(str(p) for p in (error.context, error.problem) if p)
            return Finding(
                "yaml-syntax",
                Origin(path),
                detail=detail or str(error),
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        except yaml.YAMLError as error:
            return Finding("yaml-syntax", Origin(path), detail=str(error), line=1, column=1)
        except (OSError, UnicodeDecodeError) as error:
            return Finding("unreadable-file", Origin(path), detail=str(error))
        source = SourceFile(path, data)
        self.files[path] = source
        return source

    def place(self, finding: Finding) -> Finding:
        """The finding with its line and column filled in from its origin."""
        if finding.line is not None:
            return finding
        source = self.files.get(finding.origin.file)
        if source is None:
            return finding
        try:
            line, column = source.locate(finding.origin.path)
        except yaml.YAMLError:
            line, column = 1, 1
        return Finding(
            finding.rule,
            finding.origin,
            finding.params,
            finding.severity,
            finding.detail,
            line,
            column,
        )
