"""Problems found in a data file, located by a path into the document and a message key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from capdo.i18n import Lang, catalogue, t

PathItem = str | int
Path = tuple[PathItem, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem at ``path`` inside a document; the text comes from the message catalogue."""

    path: Path
    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: Lang) -> str:
        return t(self.key, lang, **self.params)


@dataclass(frozen=True, slots=True)
class LocatedProblem:
    """A problem with its position in a file (1-based line and column)."""

    file: str
    line: int
    column: int
    problem: Problem

    def render(self, lang: Lang) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.problem.message(lang)}"
        hint_key = f"{self.problem.key}.hint"
        if hint_key in catalogue():  # the safe reader's problems carry a hint
            text += f" ({t(hint_key, lang, **self.problem.params)})"
        return text

    def to_dict(self, lang: Lang) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "key": self.problem.key,
            "path": [str(p) for p in self.problem.path],
            "message": self.problem.message(lang),
        }
