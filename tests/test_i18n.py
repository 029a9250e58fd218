"""Every message exists in Vietnamese and English, with the same placeholders."""

from __future__ import annotations

import string

from capdo.i18n import LANGS, catalogue, t


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_and_same_placeholders() -> None:
    problems = []
    for key, texts in catalogue().items():
        missing = [lang for lang in LANGS if not texts.get(lang)]
        if missing:
            problems.append(f"{key}: missing {missing}")
        elif _fields(texts["vi"]) != _fields(texts["en"]):
            problems.append(f"{key}: placeholders differ")
    assert problems == []


def test_vietnamese_is_the_default_and_english_on_request() -> None:
    assert t("inventory.kind.endpoints") == "Điểm cầu truyền hình"
    assert t("inventory.kind.endpoints", "en") == "Video-conference endpoints"


def test_every_inventory_collection_has_a_name_in_both_languages() -> None:
    """``inventory show`` names each collection from the catalogue: a new file kind without
    its message would print the raw key."""
    from capdo.inventory import COLLECTIONS

    names = catalogue()
    missing = [kind for kind in COLLECTIONS if f"inventory.kind.{kind}" not in names]
    assert missing == []
