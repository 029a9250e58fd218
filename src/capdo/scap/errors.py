"""The one exception of the OpenSCAP wrapper: a message key and its parameters."""

from __future__ import annotations

from capdo.i18n import DEFAULT_LANG, Lang, t


class ScapError(Exception):
    """An operational error with a bilingual message (``capdo/messages/scap.yml``)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: Lang = DEFAULT_LANG) -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")
