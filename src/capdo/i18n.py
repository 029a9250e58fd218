"""Bilingual user-facing text from message catalogues.

Each catalogue ``capdo/messages/<domain>.yml`` maps a key to its Vietnamese and English
text, side by side, so a missing translation is visible in review and caught by a test::

    inventory.rule.ref-unresolved:
      vi: "Tham chiếu {ref!r} không tồn tại"
      en: "Reference {ref!r} does not resolve"

Vietnamese is the default language.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal, get_args

from ruamel.yaml import YAML

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "vi"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All messages of every domain, keyed by message key."""
    merged: dict[str, dict[str, str]] = {}
    yaml = YAML(typ="safe")
    folder = resources.files("capdo") / "messages"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yml"):
            continue
        data = yaml.load(entry.read_text(encoding="utf-8")) or {}
        for key, texts in data.items():
            if key in merged:
                raise ValueError(f"message key {key!r} defined twice ({entry.name})")
            merged[str(key)] = {str(k): str(v) for k, v in texts.items()}
    return merged


def t(key: str, lang: Lang = DEFAULT_LANG, /, **params: object) -> str:
    """Translate ``key`` into ``lang`` and fill its ``{placeholders}``."""
    texts = catalogue().get(key)
    if texts is None:
        return key if not params else f"{key} {params}"
    text = texts.get(lang) or texts.get(DEFAULT_LANG) or key
    return text.format(**params) if params else text
