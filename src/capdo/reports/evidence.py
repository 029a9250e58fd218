"""Evidence as sentences: "Yêu cầu / Hiện trạng" (expected / actual) an officer can read.

A result's evidence is JSON written by a checker: parameter names, booleans, dates, nested
maps. This module turns it into short localized text per check kind: names become their
Vietnamese (or English) labels with units, dates become dd/mm/yyyy in Vietnamese, booleans
become yes/no, message keys are translated; free text is masked for secrets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from capdo.i18n import Lang, catalogue, t
from capdo.reports.text import MAX_VALUE_CHARS, clean, mask

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_-]+)+$")


def date_text(value: date | None, lang: Lang) -> str:
    """dd/mm/yyyy in Vietnamese, ISO in English ('' for none)."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.isoformat()


def name_label(name: str, lang: Lang) -> str:
    """A parameter or evidence field name as words (the name itself when unknown)."""
    key = f"report.param.{name}"
    return t(key, lang) if key in catalogue() else name


def zone_label(name: str, lang: Lang) -> str:
    key = f"report.zone.{name}"
    return t(key, lang) if key in catalogue() else name


def message(detail: str, lang: Lang) -> str:
    """A message key translated; other text masked ('' when empty)."""
    if not detail:
        return ""
    if detail in catalogue():
        return t(detail, lang)
    return _short(clean(mask(detail)))


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def value(item: object, lang: Lang, field: str | None = None) -> str:
    """One JSON value as words."""
    if item is None:
        return "—"
    if isinstance(item, bool):
        return t("report.ev.yes" if item else "report.ev.no", lang)
    if isinstance(item, int | float):
        return str(item).replace(".", ",") if lang == "vi" else str(item)
    if isinstance(item, str):
        match = _ISO_DATE.match(item)
        if match:
            return date_text(date(*(int(g) for g in match.groups())), lang)
        if field and "zone" in field:
            return zone_label(item, lang)
        if field == "status" and f"report.level.{item}" in catalogue():
            return t(f"report.level.{item}", lang)
        if _KEY.match(item) and item in catalogue():
            return t(item, lang)
        return _short(clean(mask(item)))
    if isinstance(item, list | tuple):
        if not item:
            return t("report.ev.none", lang)
        return ", ".join(value(x, lang, field) for x in item)
    if isinstance(item, Mapping):
        if not item:
            return t("report.ev.none", lang)
        parts = [f"{name_label(str(k), lang)}: {value(v, lang, str(k))}" for k, v in item.items()]
        return _short("; ".join(parts))
    return _short(clean(mask(str(item))))


def _document(actual: object, lang: Lang) -> str:
    if not isinstance(actual, Mapping):
        return t("report.ev.no-document", lang)
    ref = value(actual.get("document_ref"), lang)
    dated = value(actual.get("dated"), lang)
    until = actual.get("valid_until")
    if until:
        return t("report.ev.document-until", lang, ref=ref, dated=dated, until=value(until, lang))
    return t("report.ev.document", lang, ref=ref, dated=dated)


def _document_wanted(expected: object, lang: Lang) -> str:
    months = expected.get("valid_months") if isinstance(expected, Mapping) else None
    if isinstance(months, int) and not isinstance(months, bool):
        return t("report.ev.want-document-months", lang, months=months)
    return t("report.ev.want-document", lang)


def sentences(
    expected: object,
    actual: object,
    detail: str | None,
    checker: str | None,
    lang: Lang,
) -> tuple[str, str]:
    """(Yêu cầu, Hiện trạng) for one result."""
    if detail == "compliance.eval.no-result" or (checker is None and expected is None):
        wanted = value(expected, lang) if expected is not None else t("report.ev.see-title", lang)
        return wanted, t("report.ev.no-result", lang)
    if checker == "evidence-register" or (detail or "").startswith("compliance.evidence."):
        now = _document(actual, lang)
        if detail and detail in catalogue() and detail != "compliance.evidence.valid":
            now = f"{now} — {t(detail, lang)}"
        return _document_wanted(expected, lang), now
    wanted = value(expected, lang) if expected is not None else t("report.ev.see-title", lang)
    now = value(actual, lang) if actual is not None else ""
    note = message(detail or "", lang)
    if note:
        now = f"{now} — {note}" if now and now != "—" else note
    return wanted, now or "—"


def reporting_period(today: date) -> tuple[date, date]:
    """The annual reporting period holding ``today``: 15/12 to 14/12 (TT12 Art. 13)."""
    if (today.month, today.day) >= (12, 15):
        return date(today.year, 12, 15), date(today.year + 1, 12, 14)
    return date(today.year - 1, 12, 15), date(today.year, 12, 14)


def checker_label(checker: str | None, lang: Lang) -> str:
    """A checker's name as the officer reads it ('' for none).

    Records name a check of a registered checker as ``prefix:check``; the checker's label
    (``report.checker.<prefix>``) names it when the check itself has none."""
    if not checker:
        return ""
    for name in (checker, checker.split(":", 1)[0]):
        key = f"report.checker.{name}"
        if key in catalogue():
            return t(key, lang)
    return checker
