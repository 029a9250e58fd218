"""One table for what a status means to the officer: category, label, colour, what to do.

The evaluation's statuses are ``pass``, ``fail`` (technical finding), ``missing_evidence``
(documentary requirement without a valid document), ``not_reviewed`` (no automatic result and
no evidence: an officer must review), ``error`` (a checker ran and could not decide),
``waived`` and ``not_applicable``. Data written before that split carries ``manual`` and an
``error`` that nobody produced; :func:`finding_status` reads those as the categories they
mean, so every renderer sees only the seven statuses below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from capdo.i18n import Lang, t

Category = Literal[
    "fail", "missing_evidence", "not_reviewed", "error", "waived", "pass", "not_applicable"
]
Remedy = Literal["fix", "document", "review", "rerun", "renew", "none"]


@dataclass(frozen=True, slots=True)
class StatusStyle:
    category: Category
    colour: str
    remedy: Remedy
    """What fixes it: configuration, a document, an officer's review, a checker re-run."""
    open: bool
    """Something is to be done (an action list item)."""
    rank: int
    """Order in action lists: most urgent first."""

    def label(self, lang: Lang) -> str:
        return t(f"report.category.{self.category}", lang)


STYLES: Final[dict[str, StatusStyle]] = {
    s.category: s
    for s in (
        StatusStyle("fail", "#c62828", "fix", True, 0),
        StatusStyle("missing_evidence", "#8e24aa", "document", True, 1),
        StatusStyle("error", "#ef6c00", "rerun", True, 2),
        StatusStyle("not_reviewed", "#546e7a", "review", True, 3),
        StatusStyle("waived", "#1565c0", "renew", False, 4),
        StatusStyle("pass", "#2e7d32", "none", False, 5),
        StatusStyle("not_applicable", "#9e9e9e", "none", False, 6),
    )
}
CATEGORIES: Final[tuple[Category, ...]] = tuple(s.category for s in STYLES.values())
OPEN: Final[frozenset[str]] = frozenset(c for c, s in STYLES.items() if s.open)

NO_RESULT_DETAILS: Final[frozenset[str]] = frozenset({"compliance.eval.no-result"})
"""Details the evaluation writes when no checker produced a result."""
DOCUMENT_CHECKERS: Final[frozenset[str]] = frozenset({"evidence-register"})
DOCUMENT_DETAILS: Final[frozenset[str]] = frozenset(
    {"compliance.evidence.missing", "compliance.evidence.overdue", "compliance.evidence.expired"}
)


def finding_status(
    status: str, checker: str | None, detail: str | None, check_kind: str | None = None
) -> Category:
    """The category of one result, reading today's statuses the way the new ones mean them."""
    if status in ("fail", "missing_evidence"):
        if status == "missing_evidence" or checker in DOCUMENT_CHECKERS:
            return "missing_evidence"
        if detail in DOCUMENT_DETAILS or (check_kind == "manual" and checker is None):
            return "missing_evidence"
        return "fail"
    if status == "manual":
        return "not_reviewed"
    if status == "error":
        if checker is None or detail in NO_RESULT_DETAILS:
            return "not_reviewed"
        return "error"
    if status in STYLES:
        return status  # type: ignore[return-value]
    return "error"


def worst(categories: list[Category] | tuple[Category, ...]) -> Category:
    """The most urgent of several categories ('not_applicable' for none)."""
    if not categories:
        return "not_applicable"
    return min(categories, key=lambda c: STYLES[c].rank)


def style(category: str) -> StatusStyle:
    return STYLES.get(category, STYLES["error"])
