"""A problem met while reading a file: rule id, file:line:column, bilingual message and hint."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from capdo.errors import CapdoError
from capdo.i18n import Lang, t

OPERATIONAL_RULES: Final = frozenset({"missing", "unreadable", "not-regular"})
"""Rules about the file system rather than the content (exit code 2, not 1)."""


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """``rule`` names the catalogue entries ``reader.<rule>`` and ``reader.<rule>.hint``."""

    rule: str
    file: Path
    line: int | None = None
    column: int | None = None
    params: dict[str, object] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"reader.{self.rule}"

    @property
    def operational(self) -> bool:
        return self.rule in OPERATIONAL_RULES

    def message(self, lang: Lang) -> str:
        return t(self.key, lang, **self.params)

    def hint(self, lang: Lang) -> str:
        return t(f"{self.key}.hint", lang, **self.params)

    def render(self, lang: Lang) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.message(lang)} ({self.hint(lang)})"


class ReadError(CapdoError):
    """Raised by the safe reader; ``problem`` says what and where."""

    handled_apart = True

    def __init__(self, problem: ReadProblem) -> None:
        super().__init__("reader.error.read", file=str(problem.file), rule=problem.rule)
        self.args = (f"{problem.file}: {problem.rule}",)  # as before the key
        self.problem = problem
