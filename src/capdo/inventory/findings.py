"""Validation findings: a rule id, where (file:line:column), the message and a hint."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from capdo.i18n import Lang, catalogue, t

Severity = Literal["error", "warning"]

YamlPath = tuple[str | int, ...]
"""A path inside one YAML document: mapping keys and sequence indexes."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an object was read: its file and its path inside that file's document."""

    file: Path
    path: YamlPath = ()

    def child(self, *more: str | int) -> Origin:
        return Origin(self.file, (*self.path, *more))


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in an estate directory.

    ``rule`` is a stable id (e.g. ``unresolved-reference``); the message and the hint are
    looked up in the ``inventory`` message catalogue under ``inventory.<rule>`` and
    ``inventory.<rule>.hint`` and filled with ``params``. ``detail`` carries text that has no
    catalogue entry (a YAML parser's own message).
    """

    rule: str
    origin: Origin
    params: dict[str, object] = field(default_factory=dict)
    severity: Severity = "error"
    detail: str | None = None
    line: int | None = None
    column: int | None = None

    def message(self, lang: Lang) -> str:
        if self.rule == "schema":
            return t(
                "inventory.schema", lang, field=self.params["field"], problem=self._problem(lang)
            )
        text = t(self._key(), lang, **self.params)
        return f"{text}: {self.detail}" if self.detail else text

    def _key(self) -> str:
        """Rules of the safe reader carry their own prefix (``reader.too-large``)."""
        return self.rule if "." in self.rule else f"inventory.{self.rule}"

    def _problem(self, lang: Lang) -> str:
        """A pydantic error in the user's language, pydantic's own text when uncatalogued."""
        key = f"inventory.pydantic.{self.params.get('error_type')}"
        if key not in catalogue():
            return self.detail or ""
        context = self.params.get("error_ctx")
        values = {k: str(v) for k, v in context.items()} if isinstance(context, dict) else {}
        try:
            return t(key, lang, **values)
        except KeyError:
            return self.detail or ""

    def hint(self, lang: Lang) -> str:
        key = f"{self._key()}.hint"
        text = t(key, lang, **self.params)
        return "" if text.startswith(key) else text

    def location(self, root: Path | None = None) -> str:
        file = self.origin.file
        if root is not None and file.is_relative_to(root):
            file = file.relative_to(root)
        if self.line is None:
            return str(file)
        return f"{file}:{self.line}:{self.column or 1}"

    def to_dict(self, lang: Lang, root: Path | None = None) -> dict[str, object]:
        file = self.origin.file
        if root is not None and file.is_relative_to(root):
            file = file.relative_to(root)
        return {
            "rule": self.rule,
            "severity": self.severity,
            "file": str(file),
            "line": self.line,
            "column": self.column,
            "path": [str(p) for p in self.origin.path],
            "message": self.message(lang),
            "hint": self.hint(lang),
        }


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (str(f.origin.file), f.line or 0, f.column or 0, f.rule),
    )
