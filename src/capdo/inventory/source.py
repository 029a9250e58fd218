"""Reading an estate directory's YAML files fast, and locating paths in them on demand.

Valid estates are parsed once with libyaml (PyYAML's C loader), through the safe reader
(:mod:`capdo.safeio`: regular files inside the estate, size cap, UTF-8, no alias, tag or deep
nesting, unique keys). Line and column numbers are only needed for findings, so a file's bytes
are composed into nodes (which carry marks) the first time a finding inside it must be located,
and that node tree is then reused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from capdo.inventory.findings import Finding, Origin, YamlPath
from capdo.safeio import ReadError, ReadProblem, SafeLoader, load_yaml_bytes, locate_in, read_bytes


def reader_finding(problem: ReadProblem) -> Finding:
    """A problem of the safe reader as an inventory finding (rule ``reader.<rule>``)."""
    if problem.rule == "yaml-syntax":
        detail = str(problem.params.get("detail", ""))
        return Finding(
            "yaml-syntax",
            Origin(problem.file),
            detail=detail,
            line=problem.line,
            column=problem.column,
        )
    return Finding(
        problem.key,
        Origin(problem.file),
        dict(problem.params),
        line=problem.line,
        column=problem.column,
    )


@dataclass
class SourceFile:
    path: Path
    data: object
    raw: bytes = field(default=b"", repr=False)
    _nodes: yaml.Node | None = field(default=None, repr=False)

    def node(self) -> yaml.Node | None:
        if self._nodes is None:
            self._nodes = yaml.compose(self.raw, Loader=SafeLoader)
        return self._nodes

    def locate(self, path: YamlPath) -> tuple[int, int]:
        """1-based line and column of the deepest node of ``path`` present in the file."""
        return locate_in(self.node(), path)


class SourceSet:
    """The parsed files of one estate directory, for locating findings."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.files: dict[Path, SourceFile] = {}

    def read(self, path: Path) -> SourceFile | Finding:
        """Parse one YAML file; any problem becomes a finding located where the reader saw it."""
        try:
            raw = read_bytes(path, root=self.root)
            data = load_yaml_bytes(raw, path)
        except ReadError as error:
            return reader_finding(error.problem)
        source = SourceFile(path, data, raw)
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
