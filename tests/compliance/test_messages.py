"""Every message key used by the compliance layer exists in Vietnamese and English."""

from __future__ import annotations

import re

from capdo.i18n import catalogue

from .conftest import REPO

SOURCES = [
    *(REPO / "src" / "capdo" / "compliance").glob("*.py"),
    REPO / "src" / "capdo" / "commands" / "catalogue.py",
]
KEY = re.compile(r"""["'](compliance\.[a-z0-9_.-]+)["']""")
VIETNAMESE = re.compile(r"[ăâđêôơưàáãèéìíòóõùúýĐ\u1ea0-\u1ef9]", re.IGNORECASE)


def test_keys_used_in_code_exist() -> None:
    messages = catalogue()
    used = {m for path in SOURCES for m in KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 30
    missing = sorted(k for k in used if k not in messages)
    assert not missing


def test_every_compliance_key_is_bilingual() -> None:
    messages = {k: v for k, v in catalogue().items() if k.startswith("compliance.")}
    assert len(messages) > 80
    for key, texts in messages.items():
        assert set(texts) == {"vi", "en"}, key
        assert texts["vi"], key
        assert texts["en"], key


def test_vietnamese_has_diacritics() -> None:
    messages = {k: v for k, v in catalogue().items() if k.startswith("compliance.")}
    plain = [k for k, v in messages.items() if len(v["vi"]) > 12 and not VIETNAMESE.search(v["vi"])]
    assert not plain


def test_dynamic_keys_exist() -> None:
    messages = catalogue()
    for group in (
        "management",
        "design",
        "network",
        "server",
        "application",
        "data",
        "monitoring",
        "incidents",
        "assessment",
        "dossier",
    ):
        assert f"compliance.group.{group}" in messages
    for kind in ("stricter", "weaker", "new", "dropped", "changed", "now_set", "now_unset"):
        assert f"compliance.change.{kind}" in messages
