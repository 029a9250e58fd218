"""The one exception type of the lab package, carrying a message key for :func:`capdo.i18n.t`."""

from __future__ import annotations

from capdo.i18n import DEFAULT_LANG, Lang, t


class LabError(Exception):
    """An operational error: the key names a bilingual message in ``messages/lab.yml``."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(t(key, "en", **params))

    def message(self, lang: Lang = DEFAULT_LANG) -> str:
        return t(self.key, lang, **self.params)
