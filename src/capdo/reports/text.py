"""Text helpers shared by every renderer: localized labels, evidence values, secret masking.

Every string that comes from the inventory or a device passes through :func:`mask` before
it reaches a report; the HTML renderer escapes it on top (Jinja2 autoescape).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from capdo.i18n import Lang, catalogue, t

MAX_VALUE_CHARS = 400

_SECRET_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.DOTALL
    ),
    # "password 7 0822455D0A16", "secret 5 $1$abc", "enable secret x", "key-string x", "community x"
    re.compile(
        r"(?i)\b(password|passwd|secret|key-string|pre-shared-key|community|cipher|"
        r"auth-key|authentication-key|psk|token|api[_-]?key)(\s+(?:\d{1,2}\s+)?|\s*[:=]\s*)"
        r"(\"[^\"]*\"|'[^']*'|\S+)"
    ),
    re.compile(r"(?i)\b(irreversible-cipher|cipher|simple|sha256)\s+(\S{12,})"),
)
MASK = "******"
_MAYBE_SECRET = re.compile(
    r"(?i)password|passwd|secret|key|community|cipher|psk|token|simple|sha256"
)
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` without control characters (invalid in XML, XLSX and DOCX)."""
    return _CONTROL.sub("", text)


def mask(text: str) -> str:
    """``text`` with anything that looks like a secret replaced by a mask."""
    if not _MAYBE_SECRET.search(text):
        return text
    out = _SECRET_PATTERNS[0].sub(MASK, text)
    out = _SECRET_PATTERNS[1].sub(_mask_keyword, out)
    return _SECRET_PATTERNS[2].sub(
        lambda m: m.group(0) if m.group(2).isalpha() else f"{m.group(1)} {MASK}", out
    )


_PROSE_WORDS = frozenset(
    [
        "age",
        "aging",
        "algorithm",
        "and",
        "are",
        "attempts",
        "authentication",
        "change",
        "changes",
        "complexity",
        "configured",
        "disabled",
        "does",
        "enabled",
        "encryption",
        "expiration",
        "expiry",
        "for",
        "file",
        "files",
        "hashing",
        "history",
        "in",
        "is",
        "length",
        "lifetime",
        "lockout",
        "login",
        "maximum",
        "minimum",
        "must",
        "not",
        "of",
        "on",
        "or",
        "policy",
        "quality",
        "required",
        "requirements",
        "reuse",
        "set",
        "should",
        "strength",
        "the",
        "to",
        "use",
        "warning",
        "with",
    ]
)


_MODE_WORDS = frozenset({"irreversible-cipher", "cipher", "simple", "sha256"})
"""Huawei's 'password cipher X': the value after the mode is masked by the last pattern."""


def _prose(keyword: str, word: str) -> bool:
    """'Failed Password Attempts', 'password policy': words of a sentence, not a secret."""
    if not word.isalpha():
        return False
    if keyword[:1].isupper() and word[:1].isupper():
        return True
    return word.lower() in _PROSE_WORDS


def _mask_keyword(match: re.Match[str]) -> str:
    keyword, separator, secret = match.group(1), match.group(2), match.group(3)
    if not separator.strip() and (_prose(keyword, secret) or secret.lower() in _MODE_WORDS):
        return match.group(0)
    return f"{keyword}{separator}{MASK}"


def value_text(value: object) -> str:
    """A JSON value from a result's evidence, as short masked text ('' for none)."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        text = str(value)
    else:
        text = _ENCODER.encode(value)
    text = clean(mask(text))
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 1] + "…"
    return text


def detail_text(detail: str | None, lang: Lang) -> str:
    """An evidence detail: a message key is translated, free text is masked."""
    if not detail:
        return ""
    if detail in catalogue():
        return t(detail, lang)
    return value_text(detail)


@dataclass(frozen=True, slots=True)
class Text:
    """A text in Vietnamese and (optionally) English, from the inventory or the catalogue."""

    vi: str
    en: str | None = None

    def get(self, lang: Lang) -> str:
        return self.en if lang == "en" and self.en else self.vi

    def to_dict(self) -> dict[str, str | None]:
        return {"vi": self.vi, "en": self.en}


def status_label(status: str, lang: Lang) -> str:
    return t(f"report.status.{status}", lang)


def kind_label(kind: str, lang: Lang) -> str:
    return t(f"report.kind.{kind}", lang)


def regime_label(regime: str, lang: Lang) -> str:
    return t(f"report.regime.{regime}", lang)


def group_label(group: str, lang: Lang) -> str:
    return t(f"report.group.{group}", lang)


def number(value: float | None, lang: Lang) -> str:
    """A score like 87.5 written the local way (87,5 in Vietnamese); '—' for none."""
    if value is None:
        return "—"
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "vi" else text
