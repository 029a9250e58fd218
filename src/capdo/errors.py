"""The one error type of capdo: a message key of the catalogues and its parameters.

An operational error (a file that cannot be read, a selection that matches nothing, a secret
that does not resolve) is raised as :class:`CapdoError` with the key of its bilingual message in
``capdo/messages/*.yml`` and the message's parameters. The command that catches it prints
:meth:`CapdoError.message` in the user's language and exits 2: never a traceback. Subclasses
exist only where callers catch one kind differently (a :class:`capdo.secrets.SecretError` becomes
one device's error while the run goes on; a :class:`capdo.scap.ScapError` one target's record;
a ``capdo_lab.LabError`` fails a lab fixture). The kinds whose own callers print something of
their own (the safe reader's located problem, lists of located problems or lines, a usage line)
set ``handled_apart``: a command's generic ``except CapdoError`` re-raises them to that caller.
"""

from __future__ import annotations

from typing import Any, ClassVar

from capdo.i18n import DEFAULT_LANG, Lang, t


class CapdoError(Exception):
    """An operational error: ``key`` names a message of the catalogues, ``params`` fill it."""

    handled_apart: ClassVar[bool] = False
    """True for a kind that its own callers catch and print (located problems, ready lines, a
    usage line): a generic ``except CapdoError`` handler re-raises it untouched."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: Lang = DEFAULT_LANG) -> str:
        """The message in ``lang``, filled with the parameters."""
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        try:
            return self.message("en")
        except (KeyError, IndexError, ValueError, AttributeError):  # a message missing a parameter
            return f"{self.key} {self.params}" if self.params else self.key

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled with its parameters (the default would rebuild it from ``args`` alone)
        # and with a subclass's own attributes (``problems``, ``lines``...), whatever its
        # constructor's signature
        return (_rebuild, (type(self), self.key, self.params, self.args), dict(vars(self)))


def _rebuild(
    cls: type[CapdoError],
    key: str,
    params: dict[str, object],
    args: tuple[object, ...] | None = None,
) -> CapdoError:
    error = cls.__new__(cls)
    CapdoError.__init__(error, key, **params)
    if args is not None:
        error.args = args
    return error


__all__ = ["CapdoError"]
