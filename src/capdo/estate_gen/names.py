"""Names and ids: ASCII slugs of Vietnamese names, and generated commune names."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator

SYLLABLES_TEXT = """An Bình Cao Đông Hòa Hưng Lạc Long Minh Phú Phúc Quang Sơn Tân Thạnh
Thành Thái Thuận Tiến Trung Vĩnh Xuân Yên Hợp Kim Đức Hải Nghĩa Phong Lâm"""
"""Syllables of generated commune names (pairs of two, in a fixed order)."""


def slug(text: str) -> str:
    """ASCII slug of a Vietnamese name: 'Xã Hạ Hòa' -> 'xa-ha-hoa'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(ascii_text.lower().replace(",", " ").split())


def generated_names(count: int, taken: set[str]) -> list[str]:
    """``count`` distinct two-syllable names whose slugs are not in ``taken`` (deterministic)."""
    names: list[str] = []
    for name in _candidates():
        if len(names) == count:
            break
        key = slug(name)
        if key not in taken:
            taken.add(key)
            names.append(name)
    return names


def _candidates() -> Iterator[str]:
    pairs = [f"{a} {b}" for a, b in itertools.permutations(SYLLABLES_TEXT.split(), 2)]
    yield from pairs
    for n in itertools.count(2):
        for pair in pairs:
            yield f"{pair} {n}"
